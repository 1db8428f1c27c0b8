// Starts one real n8n with the packed package, the Metakocka sandbox and the OpenAI stub for the whole
// e2e run (scripts/e2e/harness.js), and writes where they are to test-output/e2e/stack.json for the suites.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { startStack } = require('../../scripts/e2e/harness');

module.exports = async function globalSetup() {
	const outDir = path.resolve(__dirname, '..', '..', 'test-output', 'e2e');
	fs.mkdirSync(outDir, { recursive: true });
	const logFile = path.join(outDir, 'n8n.log');
	fs.rmSync(logFile, { force: true });
	const started = Date.now();
	const stack = await startStack({ logFile });
	const schema = `mk_e2e_${crypto.randomBytes(5).toString('hex')}`;
	globalThis.__METAKOCKA_E2E__ = { stack, schema };
	// The run's own schema, for the mapping tables and the example's import table (dropped by the teardown).
	const { Client } = require('pg');
	const pg = new Client({ ...stack.postgres, connectionTimeoutMillis: 5000 });
	await pg.connect();
	await pg.query(`CREATE SCHEMA "${schema}"`);
	await pg.end();
	const info = {
		url: stack.url,
		cookie: stack.client.cookie,
		browserId: stack.client.browserId,
		owner: stack.owner,
		credentials: stack.credentials,
		// The Header Auth of the examples' webhooks.
		webhookAuth: stack.webhookAuth,
		sandbox: { baseUrl: stack.sandbox.baseUrl, companyId: stack.sandbox.companyId, secretKey: stack.sandbox.secretKey },
		openai: stack.openai ? { baseUrl: stack.openai.baseUrl } : null,
		postgres: stack.postgres,
		schema,
		n8nDir: stack.runtime.n8nDir,
		nodeBin: stack.runtime.nodeBin,
		userFolder: stack.userFolder,
		n8nVersion: stack.runtime.n8nVersion,
		logFile,
		// The packed package, for suites that start an n8n of their own (trigger, queue mode): same bytes, no rebuild.
		tgz: stack.tgz,
		setupSeconds: Math.round((Date.now() - started) / 1000),
	};
	fs.writeFileSync(path.join(outDir, 'stack.json'), JSON.stringify(info, null, 2));
	// This run's own copy, which the suites read (helpers.ts: stack()): another e2e run started in the
	// same checkout meanwhile rewrites test-output/e2e/stack.json, and must not send these suites to its n8n.
	const own = path.join(stack.workDir, 'stack.json');
	fs.writeFileSync(own, JSON.stringify(info, null, 2));
	process.env.METAKOCKA_E2E_STACK_FILE = own;
};
