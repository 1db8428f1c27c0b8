#!/usr/bin/env node
// `npm run check:community`: n8n's community-package checks over this package.
//
// 1. n8n's scanner (@n8n/scan-community-package, what n8n runs before it lists a package): its two
//    ESLint legs with its own rules and with inline `eslint-disable` comments ignored, over the
//    packed package (compiled .js and package.json) and over the source (nodes/, credentials/,
//    package.json). Its registry part (download, npm provenance, GitHub source) needs a published
//    package, so the legs run on the local pack and checkout instead.
// 2. `n8n-node lint` (n8n's community-node lint, with this repo's eslint.config.mjs).
//
// Findings are grouped by rule. Runtime dependencies are by design (docs/credentials.md, "Install in your n8n"):
// those findings are listed as accepted; any other finding makes the exit code 1.
'use strict';

const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const { cacheRoot } = require('./n8n-runtime');
const { buildAndPack, ROOT } = require('./e2e/harness');

const SCANNER_VERSION = '0.32.0';
const BUILT_IN_CREDENTIALS = ['postgres', 'openAiApi'];
const RUNTIME_DEPENDENCIES = Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).dependencies ?? {});

function ensureScanner() {
	const dir = path.join(cacheRoot(), `scan-community-package-${SCANNER_VERSION}`);
	const pkg = path.join(dir, 'node_modules', '@n8n', 'scan-community-package', 'package.json');
	let installed;
	try {
		installed = JSON.parse(fs.readFileSync(pkg, 'utf8')).version;
	} catch {
		installed = undefined;
	}
	if (installed !== SCANNER_VERSION) {
		process.stderr.write(`installing @n8n/scan-community-package@${SCANNER_VERSION} into ${dir}\n`);
		fs.mkdirSync(dir, { recursive: true });
		if (!fs.existsSync(path.join(dir, 'package.json'))) fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"scanner-runtime","private":true}\n');
		execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', `@n8n/scan-community-package@${SCANNER_VERSION}`], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
	}
	return dir;
}

/** Runs the scanner's ESLint config over `patterns` in `cwd`, as its analyzePackage does; structured results. */
async function scan(scannerDir, cwd, patterns) {
	const base = path.join(scannerDir, 'node_modules', '@n8n', 'scan-community-package', 'scanner');
	const scanner = await import(pathToFileURL(path.join(base, 'scanner.mjs')).href);
	const { ESLint } = require(require.resolve('eslint', { paths: [base] }));
	const glob = require(require.resolve('fast-glob', { paths: [base] }));
	const eslint = new ESLint({ cwd, allowInlineConfig: false, overrideConfigFile: true, overrideConfig: await scanner.buildScanConfig() });
	const files = glob.sync(patterns === 'source' ? scanner.SOURCE_FILE_PATTERNS : patterns, { cwd, absolute: true, ignore: ['node_modules/**', '**/package-lock.json'] });
	const results = await eslint.lintFiles(files);
	const findings = [];
	for (const r of results) {
		for (const m of r.messages) if (m.severity === 2) findings.push({ file: path.relative(cwd, r.filePath), line: m.line, rule: m.ruleId ?? 'parse', message: m.message });
	}
	return { files: files.length, findings };
}

function sourceLine(f) {
	try {
		return fs.readFileSync(path.join(ROOT, f.file), 'utf8').split('\n')[f.line - 1] ?? '';
	} catch {
		return '';
	}
}

// Rules that `n8n-node lint` itself calls n8n Cloud compatibility checks; this package is self-hosted.
const CLOUD_ONLY = ['@n8n/community-nodes/no-restricted-imports', '@n8n/community-nodes/no-restricted-globals'];
// The mapping store and the AI node use n8n's own Postgres and OpenAI credentials, as the design asks.
const BUILT_IN_CREDENTIAL_RULES = [
	'@n8n/community-nodes/no-credential-reuse',
	'@n8n/community-nodes/valid-credential-references',
	'n8n-nodes-base/node-class-description-credentials-name-unsuffixed',
];

function accepted(f) {
	if (f.rule === '@n8n/community-nodes/no-runtime-dependencies') return 'runtime dependencies (by design)';
	if (f.rule === '@n8n/community-nodes/no-restricted-imports' && RUNTIME_DEPENDENCIES.some((d) => f.message.includes(`'${d}'`))) return 'runtime dependencies (by design)';
	if (CLOUD_ONLY.includes(f.rule)) return 'n8n Cloud only; self-hosted package';
	if (BUILT_IN_CREDENTIAL_RULES.includes(f.rule) && BUILT_IN_CREDENTIALS.some((c) => sourceLine(f).includes(`'${c}'`))) {
		return "n8n's built-in credential (by design)";
	}
	return undefined;
}

function report(title, { files, findings }) {
	process.stdout.write(`\n== ${title}: ${files} files, ${findings.length} findings\n`);
	const byRule = new Map();
	for (const f of findings) {
		const key = `${f.rule}|${accepted(f) ?? ''}`;
		byRule.set(key, [...(byRule.get(key) ?? []), f]);
	}
	for (const [key, list] of [...byRule].sort((a, b) => b[1].length - a[1].length)) {
		const rule = key.split('|')[0];
		const why = accepted(list[0]);
		process.stdout.write(`  ${list.length} × ${rule}${why ? `  [accepted: ${why}]` : ''}\n      ${list[0].message.slice(0, 160)}\n`);
		for (const f of list.slice(0, 12)) process.stdout.write(`      ${f.file}:${f.line}${f.message !== list[0].message ? `  (${f.message.slice(0, 90)})` : ''}\n`);
		if (list.length > 12) process.stdout.write(`      … ${list.length - 12} more\n`);
	}
	return findings.filter((f) => !accepted(f));
}

async function main() {
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-metakocka-scan-'));
	try {
		const tgz = buildAndPack({ outDir: work, log: (m) => process.stderr.write(`${m}\n`) });
		const unpacked = path.join(work, 'package');
		fs.mkdirSync(unpacked);
		execFileSync('tar', ['-xzf', tgz, '-C', unpacked, '--strip-components=1']);
		const scannerDir = ensureScanner();

		const open = [
			...report(`scanner, packed package (${path.basename(tgz)}: compiled .js and package.json)`, await scan(scannerDir, unpacked, ['**/*.js', 'package.json'])),
			...report('scanner, source (nodes/, credentials/, package.json)', await scan(scannerDir, ROOT, 'source')),
		];

		process.stdout.write('\n== n8n-node lint (eslint.config.mjs)\n');
		const lint = spawnSync('npx', ['n8n-node', 'lint'], { cwd: ROOT, stdio: 'inherit' });
		process.stdout.write(`  n8n-node lint exit code ${lint.status}\n`);

		const failed = open.length > 0 || lint.status !== 0;
		process.stdout.write(`\n${failed ? `${open.length} scanner findings not accepted${lint.status !== 0 ? ', and n8n-node lint failed' : ''}` : 'Only accepted findings (see the reasons above).'}\n`);
		process.exitCode = failed ? 1 : 0;
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
	}
}

main().catch((error) => {
	process.stderr.write(`${error.stack ?? error.message}\n`);
	process.exit(1);
});
