// Stops everything the global setup started and drops the test's Postgres schema, also after failures.
module.exports = async function globalTeardown() {
	const state = globalThis.__METAKOCKA_E2E__;
	if (!state) return;
	const { stack, schema } = state;
	try {
		const { Client } = require('pg');
		const client = new Client({ ...stack.postgres, connectionTimeoutMillis: 5000 });
		await client.connect();
		await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
		await client.end();
	} catch (error) {
		process.stderr.write(`[n8n-e2e] could not drop schema ${schema}: ${error.message}\n`);
	}
	await stack.stop();
	delete globalThis.__METAKOCKA_E2E__;
};
