#!/usr/bin/env node
// `npm start`: builds the package and runs the Metakocka sandbox with seed data, so the nodes can be
// tried against it from any n8n (the README says how). Builtins only until dependencies are in.
const { execSync, spawn } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
execSync(`node ${JSON.stringify(path.join(__dirname, 'ensure-deps.js'))}`, { cwd: root, stdio: 'inherit' });
execSync('npm run build --silent', { cwd: root, stdio: 'inherit' });

const port = process.env.SANDBOX_PORT ?? '8765';
const sandbox = spawn(process.execPath, [path.join(root, 'dist/src/sandbox/cli.js'), '--port', port, ...process.argv.slice(2)], {
	cwd: root,
	stdio: ['ignore', 'pipe', 'inherit'],
});
sandbox.stdout.on('data', (chunk) => {
	process.stdout.write(chunk);
	if (String(chunk).includes('listening on')) {
		process.stdout.write(
			[
				'',
				'Credential "Metakocka API" for n8n: Company ID 16, Secret Key sandbox-secret,',
				`Base URL http://127.0.0.1:${port}. Install this package in n8n (README, "Install in your n8n").`,
				'Press Ctrl+C to stop.',
				'',
			].join('\n'),
		);
	}
});
const stop = () => sandbox.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
sandbox.on('exit', (code) => process.exit(code ?? 0));
