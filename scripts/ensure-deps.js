#!/usr/bin/env node
// Installs the locked dependencies when node_modules is missing or older than the lock file, so that
// `npm test`, `npm run build` and `npm start` work in a fresh clone. Builtins only: nothing is installed yet.
const { execSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const lock = path.join(root, 'package-lock.json');
const marker = path.join(root, 'node_modules', '.package-lock.json');

function stale() {
	if (!fs.existsSync(marker)) return true;
	return fs.statSync(lock).mtimeMs > fs.statSync(marker).mtimeMs;
}

if (stale()) {
	process.stderr.write('Installing dependencies (npm ci --ignore-scripts)…\n');
	execSync('npm ci --ignore-scripts --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
}
