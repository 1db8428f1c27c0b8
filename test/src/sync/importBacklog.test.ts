// A backlog imported in bounded runs (Max Records per Run): the position is kept in Postgres after
// each completed page, so every sales order arrives exactly once, also when a run fails half way
// (a fault injected in the sandbox after the first page of a run).
import { Pool } from 'pg';

import { MetakockaClient } from '../../../src/client';
import { MappingStore } from '../../../src/store';
import { documentImportCursorKey, importDocuments } from '../../../src/sync/documents';
import { PG, startTestEnv, type TestEnv } from '../../helpers/env';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const data = require('../../../bench/lib/data') as { seed(o: { partners: number; orders: number }): Record<string, unknown> };

const ORDERS = 1050;
let env: TestEnv;
let pool: Pool;
let store: MappingStore;
let client: MetakockaClient;

beforeAll(async () => {
	env = await startTestEnv({ seed: data.seed({ partners: 20, orders: ORDERS }) as never });
	pool = new Pool({ ...PG, max: 4 });
	client = new MetakockaClient(env.credentials.metakockaApi as never, { retryBaseDelayMs: 1, maxRetries: 2 });
	store = await MappingStore.fromPool(pool, { schema: env.schema, metakockaHost: client.baseUrl });
	// last_change_from has second precision and a change in the sweep's own start second comes once
	// more by design: the seed's changes must lie in an earlier second than the first import.
	await new Promise((r) => setTimeout(r, 1100));
});

afterAll(async () => {
	await store.close();
	await pool.end();
	await env.close();
});

const run = (limit: number) => importDocuments(client, store, { docType: 'sales_order', useCursor: true, limit });

describe('importing a backlog in bounded runs', () => {
	it('every order exactly once, although a run fails part way and another dies before returning', async () => {
		const imported: string[] = [];
		const first = await run(300);
		expect(first.documents).toHaveLength(300);
		expect(first.complete).toBe(false);
		imported.push(...first.documents.map((d) => d.mk_id));

		// The second run's second page fails (every retry too): the first page is handed on, with the error.
		env.sandbox.injectFault({ method: 'search', kind: 'http_500', after: 1, times: 3 });
		const broken = await run(300);
		expect(broken.documents).toHaveLength(100);
		expect(broken.error).toMatchObject({ code: 'HTTP_500' });
		expect(broken.complete).toBe(false);
		imported.push(...broken.documents.map((d) => d.mk_id));

		// A run whose very first page fails has nothing to hand on: it throws and the position stays.
		const before = await store.syncState.get(env.companyId, documentImportCursorKey('sales_order'));
		env.sandbox.injectFault({ method: 'search', kind: 'http_500', times: 3 });
		await expect(run(300)).rejects.toMatchObject({ code: 'HTTP_500' });
		expect(await store.syncState.get(env.companyId, documentImportCursorKey('sales_order'))).toEqual(before);

		let runs = 0;
		for (;;) {
			const next = await run(300);
			runs++;
			expect(next.error).toBeUndefined();
			expect(next.documents.length).toBeLessThanOrEqual(300);
			imported.push(...next.documents.map((d) => d.mk_id));
			if (next.complete) break;
		}
		expect(runs).toBe(3);
		expect(imported).toHaveLength(ORDERS);
		expect(new Set(imported).size).toBe(ORDERS);
		expect(new Set(imported)).toEqual(new Set(env.sandbox.store().documents.sales_order.map((d) => d.mk_id)));
		// Nothing changed since: the next run has nothing new.
		await new Promise((r) => setTimeout(r, 1100));
		expect((await run(300)).documents).toHaveLength(0);
	});
});
