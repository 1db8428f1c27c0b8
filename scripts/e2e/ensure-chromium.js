// The editor check drives Debian's Chromium (not a browser build of Playwright's own, which cannot be
// downloaded here). Installs it with apt-get when it is missing and this runs as root.
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

function findChromium() {
	if (process.env.CHROMIUM_PATH && fs.existsSync(process.env.CHROMIUM_PATH)) return process.env.CHROMIUM_PATH;
	return CANDIDATES.find((p) => fs.existsSync(p));
}

function ensureChromium(log = (m) => process.stderr.write(`[chromium] ${m}\n`)) {
	const found = findChromium();
	if (found) return found;
	if (typeof process.getuid === 'function' && process.getuid() !== 0) {
		throw new Error('Chromium is not installed (apt-get install chromium, or set CHROMIUM_PATH)');
	}
	log('installing Debian chromium (apt-get update && apt-get install -y chromium)');
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
	execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { stdio: ['ignore', 'ignore', 'inherit'], env });
	const installed = findChromium();
	if (!installed) throw new Error('apt-get install chromium finished but no chromium binary was found');
	return installed;
}

/** The launch flags the issue asks for: headless, no sandbox (root), nothing that reaches out. */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

module.exports = { ensureChromium, findChromium, CHROMIUM_ARGS };

if (require.main === module) process.stdout.write(`${ensureChromium()}\n`);
