#!/usr/bin/env node
// `npm start`: everything a newcomer needs to see the package work, from a fresh clone:
// builds and packs the package, starts the Metakocka sandbox with seed data, starts n8n (installed
// once into a cache folder, see scripts/n8n-runtime.js) with the packed package installed as a
// community package, creates the owner and the credentials (Metakocka → sandbox, Postgres → the
// Postgres it finds or an embedded one, OpenAI → a local OpenAI-compatible test model), imports the
// example workflows and prints the editor URL and login. Ctrl+C stops all of it.
//
//   npm start                     n8n + sandbox + examples
//   npm start -- --sandbox-only   only the sandbox (as before): point your own n8n at it
//
// Ports: n8n 5678 (N8N_PORT), its task broker 5679 (N8N_RUNNERS_BROKER_PORT), sandbox 8765
// (SANDBOX_PORT); a free port when that one is taken or 0. n8n's data (owner, credentials, workflows) is kept in
// ${XDG_CACHE_HOME:-~/.cache}/n8n-nodes-metakocka/start/ between runs; the sandbox starts from its
// seed each time, so the mapping tables (schema metakocka_demo) start empty each time too.
'use strict';

const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
execFileSync(process.execPath, [path.join(__dirname, 'ensure-deps.js')], { cwd: root, stdio: 'inherit' });

const args = process.argv.slice(2);

if (args.includes('--sandbox-only')) {
	execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
	const port = process.env.SANDBOX_PORT ?? '8765';
	const rest = args.filter((a) => a !== '--sandbox-only');
	const sandbox = spawn(process.execPath, [path.join(root, 'dist/src/sandbox/cli.js'), '--port', port, ...rest], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
	sandbox.stdout.on('data', (chunk) => {
		process.stdout.write(chunk);
		if (String(chunk).includes('listening on')) {
			process.stdout.write(
				`\nCredential "Metakocka API" for n8n: Company ID 16, Secret Key sandbox-secret,\nBase URL http://127.0.0.1:${port}. Install this package in n8n (docs/credentials.md, "Install in your n8n").\nPress Ctrl+C to stop.\n\n`,
			);
		}
	});
	const stop = () => sandbox.kill('SIGTERM');
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	sandbox.on('exit', (code) => process.exit(code ?? 0));
} else {
	main().catch((error) => {
		process.stderr.write(`\nnpm start failed: ${error.stack ?? error.message}\n`);
		process.exit(1);
	});
}

async function main() {
	const { cacheRoot } = require('./n8n-runtime');
	const { adaptWorkflow, freePort, startStack } = require('./e2e/harness');
	const net = require('node:net');
	const free = (port) =>
		new Promise((resolve) => {
			const server = net.createServer();
			server.once('error', () => resolve(false));
			server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
		});
	// The preferred port when free, else (or for 0) any free one.
	const pick = async (preferred) => (preferred > 0 && (await free(preferred)) ? preferred : await freePort());

	const home = path.join(cacheRoot(), 'start');
	fs.mkdirSync(home, { recursive: true });
	const schema = 'metakocka_demo';
	const log = (m) => process.stderr.write(`[npm start] ${m}\n`);

	const stack = await startStack({
		log,
		workDir: path.join(home, 'work'),
		userFolder: path.join(home, 'n8n-user'),
		logFile: path.join(home, 'n8n.log'),
		port: await pick(Number(process.env.N8N_PORT || 5678)),
		brokerPort: await pick(Number(process.env.N8N_RUNNERS_BROKER_PORT || 5679)),
		sandboxPort: await pick(Number(process.env.SANDBOX_PORT || 8765)),
		sandbox: { companyId: '16', secretKey: 'sandbox-secret' },
		embeddedPostgres: true,
	});
	let stopping = false;
	const stop = async (code = 0) => {
		if (stopping) return;
		stopping = true;
		process.stderr.write('\nStopping n8n, the sandbox and the test model…\n');
		await stack.stop();
		process.exit(code);
	};
	process.on('SIGINT', () => stop(0));
	process.on('SIGTERM', () => stop(0));

	try {
		// The sandbox starts from its seed, so the mappings of a previous run would point at nothing.
		const { Client } = require(require.resolve('pg', { paths: [root] }));
		const pg = new Client(stack.postgres);
		await pg.connect();
		await pg.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
		await pg.query(`CREATE SCHEMA ${schema}`);
		await pg.end();

		// The example workflows; one the user already has (same name) is kept as it is.
		const existing = await stack.client.workflows();
		const imported = [];
		const examplesDir = path.join(root, 'examples');
		for (const file of fs.readdirSync(examplesDir).filter((f) => f.endsWith('.json')).sort()) {
			const workflow = adaptWorkflow(JSON.parse(fs.readFileSync(path.join(examplesDir, file), 'utf8')), { credentials: stack.credentials, schema });
			let found = existing.find((w) => w.name === workflow.name);
			if (found) {
				// A copy kept from an earlier version of the examples may have a webhook anyone can call (they
				// write to Metakocka): that one is replaced by the current example.
				const kept = await stack.client.workflow(found.id);
				const open = (kept.nodes ?? []).some((n) => n.type === 'n8n-nodes-base.webhook' && !n.disabled && (n.parameters?.authentication ?? 'none') === 'none');
				if (open) {
					log(`"${workflow.name}" (kept from an earlier run) has a webhook without authentication: replacing it with the current example`);
					if (found.active) await stack.client.deactivate(found.id).catch(() => undefined);
					await stack.client.deleteWorkflow(found.id);
					found = undefined;
				}
			}
			const id = found ? found.id : (await stack.client.createWorkflow(workflow)).id;
			const hasWebhook = workflow.nodes.some((n) => n.type === 'n8n-nodes-base.webhook' && !n.disabled);
			let active = Boolean(found?.active);
			if (hasWebhook && !active) {
				try {
					await stack.client.activate(id);
					active = true;
				} catch (error) {
					log(`could not activate "${workflow.name}": ${error.message}`);
				}
			}
			const webhooks = workflow.nodes.filter((n) => n.type === 'n8n-nodes-base.webhook' && !n.disabled).map((n) => `${stack.url}/webhook/${n.parameters.path}`);
			imported.push({ file, id, name: workflow.name, kept: Boolean(found), active, webhooks });
		}

		// The editor answers (its page, not only the REST API) and every example is there.
		const editor = await fetch(`${stack.url}/`);
		const page = await editor.text();
		if (!editor.ok || !/<div id="app"/.test(page)) throw new Error(`the editor at ${stack.url}/ answered ${editor.status} without its page`);
		const names = new Set((await stack.client.workflows()).map((w) => w.name));
		const missing = imported.filter((w) => !names.has(w.name));
		if (missing.length) throw new Error(`examples missing in n8n: ${missing.map((w) => w.file).join(', ')}`);

		const pgNote = stack.postgres.source === 'embedded PGlite' ? 'embedded PGlite (in memory, gone on Ctrl+C)' : stack.postgres.source;
		const byFile = (file) => imported.find((w) => w.file === file);
		const link = (file) => (byFile(file) ? `${stack.url}/workflow/${byFile(file).id}` : file);
		const crm = byFile('crm-sync.json');
		const lines = [
			'',
			'n8n with n8n-nodes-metakocka is running.',
			'',
			`  Editor     ${stack.url}`,
			`  Log in     ${stack.owner.email} / ${stack.owner.password}`,
			'',
			'  First three things to click:',
			`    1. Open ${link('crm-sync.json')} and click "Execute workflow" (bottom of the canvas):`,
			'       the sample contacts and orders pinned on its CRM webhook are synced into the sandbox.',
			'       Click a Metakocka node to see what it did to each one ("created").',
			'    2. Click "Execute workflow" again: every contact and order says "unchanged"; nothing was written.',
			`    3. Open ${link('email-enrich-reply.json')} and click "Execute workflow": the sample email is`,
			'       matched to its partner and offer, and the Reply node shows the drafted reply.',
			'    Then add a node with "+" and search for "Metakocka".',
			'',
			'  Example workflows:',
			...imported.map((w) => `    ${w.active ? '[active]  ' : '          '}${stack.url}/workflow/${w.id}  ${w.name}${w.kept ? ' (kept from an earlier run)' : ''}${w.webhooks.length ? `\n              POST ${w.webhooks.join(', ')}` : ''}`),
			'',
			`  Webhooks   need the header "${stack.webhookAuth.header}: ${stack.webhookAuth.value}" (credential "${stack.credentials.httpHeaderAuth.name}");`,
			'             without it n8n answers 403 and runs nothing. For example:',
			crm?.webhooks[0]
				? `             curl -X POST ${crm.webhooks[0]} -H '${stack.webhookAuth.header}: ${stack.webhookAuth.value}' -H 'Content-Type: application/json' -d '{"contacts": [], "orders": []}'`
				: '',
			'',
			`  Metakocka  sandbox ${stack.sandbox.baseUrl} (company ${stack.sandbox.companyId}, secret key ${stack.sandbox.secretKey}): credential "${stack.credentials.metakockaApi.name}"`,
			`  Postgres   ${stack.postgres.host}:${stack.postgres.port}/${stack.postgres.database}, schema ${schema} (${pgNote}): credential "${stack.credentials.postgres.name}"`,
			`  OpenAI     local test model ${stack.openai.baseUrl} (canned drafts, no real model): credential "${stack.credentials.openAiApi.name}"`,
			'',
			`  n8n log    ${stack.n8n.logFile}`,
			'',
			'Press Ctrl+C to stop.',
			'',
		];
		process.stdout.write(lines.join('\n'));
		if (process.env.METAKOCKA_START_EXIT === '1') await stop(0);
	} catch (error) {
		process.stderr.write(`\nnpm start failed: ${error.stack ?? error.message}\n`);
		await stop(1);
	}
}
