// The CLI: flags, the single "listening" line, and a clean exit on SIGTERM/SIGINT.
// The sandbox alone is compiled into a temp dir so this test does not depend on the rest of the package.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
let outDir = '';

beforeAll(() => {
	outDir = mkdtempSync(path.join(os.tmpdir(), 'mk-sandbox-cli-'));
	execFileSync(
		process.execPath,
		[
			require.resolve('typescript/bin/tsc'),
			'--outDir', outDir,
			'--rootDir', path.join(ROOT, 'src/sandbox'),
			'--module', 'commonjs',
			'--target', 'es2022',
			'--moduleResolution', 'node',
			'--esModuleInterop',
			'--resolveJsonModule',
			'--strict',
			'--skipLibCheck',
			'--types', 'node',
			path.join(ROOT, 'src/sandbox/cli.ts'),
		],
		{ cwd: ROOT, stdio: 'pipe' },
	);
}, 120_000);

afterAll(() => {
	if (outDir) rmSync(outDir, { recursive: true, force: true });
});

interface Running {
	child: ChildProcess;
	line: string;
	output: () => string;
}

function start(args: string[]): Promise<Running> {
	const child = spawn(process.execPath, [path.join(outDir, 'cli.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
	let out = '';
	let err = '';
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`CLI did not start: ${out} ${err}`)), 15_000);
		child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
		child.stdout!.on('data', (d: Buffer) => {
			out += d.toString();
			if (out.includes('\n')) {
				clearTimeout(timer);
				resolve({ child, line: out.split('\n')[0], output: () => out });
			}
		});
		child.on('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`CLI exited with ${code}: ${out} ${err}`));
		});
	});
}

function exitCode(child: ChildProcess): Promise<number | null> {
	return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function portFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const s = net.createServer();
		s.once('error', () => resolve(false));
		s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
	});
}

it('starts with flags, prints exactly one line with its URL, serves the API and exits cleanly on SIGTERM', async () => {
	const seedFile = path.join(outDir, 'seed.json');
	writeFileSync(seedFile, JSON.stringify({ warehouses: [{ mark: 'GL', name: 'Glavno', main_warehouse: 'true' }] }));
	const run = await start(['--port', '0', '--company-id', '77', '--secret-key', 'cli-secret', '--latency-ms', '1', '--fault-rate', '0', '--fault-seed', '5', '--seed', seedFile, '--host', '127.0.0.1']);
	const m = /^Metakocka sandbox listening on (http:\/\/127\.0\.0\.1:\d+) \(company 77\)$/.exec(run.line);
	expect(m).not.toBeNull();
	const baseUrl = m![1];
	const res = await fetch(`${baseUrl}/rest/eshop/v1/json/warehouse_list`, { method: 'POST', body: JSON.stringify({ secret_key: 'cli-secret', company_id: '77' }) });
	const body = (await res.json()) as { opr_code: string; warehouse_list: Array<{ mark: string }> };
	expect(body.opr_code).toBe('0');
	expect(body.warehouse_list.map((w) => w.mark)).toEqual(['GL']);
	const exited = exitCode(run.child);
	run.child.kill('SIGTERM');
	expect(await exited).toBe(0);
	expect(run.output().trim().split('\n')).toHaveLength(1);
}, 30_000);

it('runs with no flags on port 8765 and stops on SIGINT', async () => {
	if (!(await portFree(8765))) return; // someone else is using the default port; nothing to assert here
	const run = await start([]);
	expect(run.line).toBe('Metakocka sandbox listening on http://127.0.0.1:8765 (company 16)');
	const res = await fetch('http://127.0.0.1:8765/__sandbox/health');
	expect(((await res.json()) as { status: string }).status).toBe('ok');
	const exited = exitCode(run.child);
	run.child.kill('SIGINT');
	expect(await exited).toBe(0);
}, 30_000);

it('rejects an unknown flag with exit code 2', async () => {
	const child = spawn(process.execPath, [path.join(outDir, 'cli.js'), '--bogus', '1'], { stdio: 'ignore' });
	expect(await exitCode(child)).toBe(2);
});
