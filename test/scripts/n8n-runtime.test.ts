// scripts/n8n-runtime.js: the nested npm it runs must not inherit the calling `npm run`'s settings
// (this repository's ignore-scripts=true made `npm rebuild sqlite3` build nothing on a fresh machine),
// and the first install prints what it is doing.
import { execFileSync, spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtime = require('../../scripts/n8n-runtime.js');

describe('scripts/n8n-runtime.js', () => {
	// What `npm run start` exports to its script here (`npm run env`), plus a user's own download cache.
	const fromNpmRun = {
		PATH: process.env.PATH,
		HOME: '/home/someone',
		npm_config_ignore_scripts: 'true',
		npm_config_local_prefix: '/work/repo',
		npm_config_nodedir: '/usr',
		npm_config_prefix: '/usr',
		npm_config_user_agent: 'npm/11 node/v20',
		npm_config_cache: '/tmp/my-npm-cache',
		npm_config_registry: 'https://registry.example/',
		'npm_config_@acme:registry': 'https://acme.example/',
		npm_config_https_proxy: 'http://proxy:3128',
		npm_lifecycle_event: 'start',
		npm_package_name: 'n8n-nodes-metakocka',
	};

	it('gives a nested npm the download settings but not the calling project configuration', () => {
		const env = runtime.npmEnv(fromNpmRun);
		expect(env).toMatchObject({
			PATH: process.env.PATH,
			HOME: '/home/someone',
			npm_config_cache: '/tmp/my-npm-cache',
			npm_config_registry: 'https://registry.example/',
			'npm_config_@acme:registry': 'https://acme.example/',
			npm_config_https_proxy: 'http://proxy:3128',
		});
		for (const dropped of ['npm_config_ignore_scripts', 'npm_config_local_prefix', 'npm_config_nodedir', 'npm_config_prefix', 'npm_lifecycle_event', 'npm_package_name']) {
			expect(env).not.toHaveProperty([dropped]);
		}
		expect(runtime.npmEnv(fromNpmRun, { npm_config_nodedir: '/opt/node24' }).npm_config_nodedir).toBe('/opt/node24');
	});

	it('a nested `npm rebuild` runs the install script although the caller exported ignore-scripts=true', () => {
		// A package with a native-module-like install script, rebuilt the way ensureN8n rebuilds sqlite3.
		const dir = mkdtempSync(join(tmpdir(), 'mk-runtime-test-'));
		try {
			const pkg = join(dir, 'node_modules', 'fake-native');
			mkdirSync(pkg, { recursive: true });
			writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'host', private: true, dependencies: { 'fake-native': '1.0.0' } }));
			writeFileSync(
				join(pkg, 'package.json'),
				JSON.stringify({ name: 'fake-native', version: '1.0.0', scripts: { install: 'node -e "require(\'fs\').writeFileSync(\'built.txt\', \'ok\')"' } }),
			);
			const env = { ...process.env, npm_config_ignore_scripts: 'true', npm_config_local_prefix: join(dir, 'elsewhere') };
			// Control: what the old code did (the caller's environment as it is) builds nothing.
			execFileSync('npm', ['rebuild', 'fake-native', '--loglevel=error'], { cwd: dir, env, stdio: 'ignore' });
			expect(existsSync(join(pkg, 'built.txt'))).toBe(false);
			execFileSync('npm', ['rebuild', 'fake-native', '--ignore-scripts=false', '--loglevel=error'], { cwd: dir, env: runtime.npmEnv(env), stdio: 'ignore' });
			expect(existsSync(join(pkg, 'built.txt'))).toBe(true);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('the progress line says the phase, the packages, the bytes and the time', () => {
		expect(runtime.progressLine({ label: 'n8n 2.41.1 (1/2)', phase: 'downloading and unpacking', packages: 1204, bytes: 1.31e9, expectedBytes: 3e9, elapsedMs: 125000 })).toBe(
			'n8n 2.41.1 (1/2): downloading and unpacking · 1,204 packages · 1.31 GB of about 3.00 GB · 2 min 05 s',
		);
		expect(runtime.progressLine({ label: 'n8n 2.41.1 (2/2)', phase: 'building sqlite3', elapsedMs: 9000 })).toBe('n8n 2.41.1 (2/2): building sqlite3 · 9 s');
	});

	it("reads npm's http log: manifests while resolving, tarballs while downloading", () => {
		const dir = mkdtempSync(join(tmpdir(), 'mk-runtime-log-'));
		try {
			const file = join(dir, 'npm-install.log');
			writeFileSync(
				file,
				[
					'npm http fetch GET 200 https://registry.npmjs.org/n8n 294ms (cache updated)',
					'npm http fetch GET 200 https://registry.npmjs.org/@n8n%2fconfig 12ms (cache revalidated)',
					'npm http cache is-number@https://registry.npmjs.org/is-number/-/is-number-7.0.0.tgz 1ms (cache hit)',
					'npm http fetch GET 200 https://registry.npmjs.org/zod/-/zod-3.25.76.tgz 80ms (cache miss)',
					'npm http cache zod@https://registry.npmjs.org/zod/-/zod-3.25.76.tgz 2ms (cache hit)',
					'npm http fetch GET 200 https://registry.npmjs.org/n8n 12ms (cache revalidated)',
					'npm warn deprecated something',
				].join('\n'),
			);
			expect(runtime.npmLogCounts(file)).toEqual({ manifests: 2, tarballs: 2 });
			expect(runtime.npmLogCounts(join(dir, 'none.log'))).toEqual({ manifests: 0, tarballs: 0 });
			expect(runtime.progressLine({ label: 'n8n', phase: 'downloading', manifests: 1850, tarballs: 420, elapsedMs: 61000 })).toBe(
				'n8n: downloading · 1,850 package manifests read · 420 packages downloaded · 1 min 01 s',
			);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('counts the unpacked packages, scoped ones included', () => {
		const dir = mkdtempSync(join(tmpdir(), 'mk-runtime-count-'));
		try {
			expect(runtime.countPackages(dir)).toBe(0);
			for (const p of ['a', 'b', '@scope/c', '@scope/d', '.bin']) mkdirSync(join(dir, 'node_modules', p), { recursive: true });
			expect(runtime.countPackages(dir)).toBe(4);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('the install prints progress lines from its watcher while the installing process is blocked', () => {
		// The watcher as ensureN8n starts it, around a synchronous step that blocks this process for 6 s (the watcher needs a moment to start on a busy machine).
		const dir = mkdtempSync(join(tmpdir(), 'mk-runtime-progress-'));
		try {
			const script = `
				const r = require(${JSON.stringify(require.resolve('../../scripts/n8n-runtime.js'))});
				const fs = require('fs');
				fs.mkdirSync(${JSON.stringify(join(dir, 'node_modules', 'x'))}, { recursive: true });
				const stop = r.startProgress({ label: 'test', dir: ${JSON.stringify(dir)} });
				require('child_process').execFileSync(process.execPath, ['-e', 'setTimeout(() => {}, 6000)']);
				stop();`;
			const run = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, N8N_METAKOCKA_PROGRESS_MS: '300' }, encoding: 'utf8' });
			expect(run.status).toBe(0);
			const lines = run.stderr.split('\n').filter((l) => l.startsWith('[n8n-runtime] test: unpacking · 1 package · '));
			expect(lines.length).toBeGreaterThanOrEqual(2);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
