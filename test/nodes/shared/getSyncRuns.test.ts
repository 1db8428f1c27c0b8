import type { IDataObject } from 'n8n-workflow';

import { MetakockaContact } from '../../../nodes/MetakockaContact/MetakockaContact.node';
import { MetakockaProduct } from '../../../nodes/MetakockaProduct/MetakockaProduct.node';
import { fakeExecuteFunctions, type FakeRun } from '../../helpers/n8n';
import { startTestEnv, type TestEnv } from '../../helpers/env';

// Run history and Output: Summary, seen through the nodes as a workflow uses them.
type Item = { json: IDataObject };
const FIELD_PARAMS: FakeRun['params'] = {
	crmId: (_i: number, item: Item) => item.json.id,
	customer: (_i: number, item: Item) => item.json.name,
	email: (_i: number, item: Item) => item.json.email ?? '',
	phone: '',
	// add_partner expects street, post number, place and country (add_partner.md).
	street: 'Trg 1',
	post_number: '1000',
	place: 'Ljubljana',
	country: 'SI',
	tax_id_number: '',
	business_entity: false,
	otherFields: {},
};

const contacts = (n: number, offset = 0): IDataObject[] =>
	Array.from({ length: n }, (_, k) => ({ id: `run-${k + offset}`, name: `Stranka ${k + offset}`, email: `s${k + offset}@runs.si` }));

describe('Sync run history, Output mode and Get Sync Runs', () => {
	let env: TestEnv;
	const contact = new MetakockaContact();
	const product = new MetakockaProduct();
	beforeAll(async () => {
		env = await startTestEnv();
	});
	afterAll(async () => env.close());

	const TYPES = new Map<unknown, string>([
		[contact, 'n8n-nodes-metakocka.metakockaContact'],
		[product, 'n8n-nodes-metakocka.metakockaProduct'],
	]);
	const run = (node: { execute: (this: never) => Promise<unknown> }, params: FakeRun['params'], items: IDataObject[] = [{}], extra: Partial<FakeRun> = {}) =>
		(node.execute as (this: unknown) => Promise<Array<Array<{ json: IDataObject; pairedItem?: unknown }>>>).call(
			fakeExecuteFunctions({ params: { mappingStore: env.mappingStore, ...params }, items, credentials: env.credentials, nodeType: TYPES.get(node), ...extra }),
		);
	const sync = (items: IDataObject[], params: FakeRun['params'] = {}, extra: Partial<FakeRun> = {}) =>
		run(contact as never, { resource: 'partner', operation: 'sync', ...FIELD_PARAMS, syncOptions: {}, ...params }, items, extra);
	const runs = (filters: IDataObject = {}, node = contact as never, resource = 'partner') =>
		run(node, { resource, operation: 'getSyncRuns', returnAll: true, runFilters: filters }).then((r) => r[0].map((i) => i.json));

	it('answers one summary item with counts, failed records with their CRM ids and the duration', async () => {
		env.sandbox.injectFault({ method: 'add_partner', kind: 'opr_error' });
		const items = [...contacts(3), { id: 'run-bad', name: '' }];
		const [out] = await sync(items, { outputMode: 'summary' }, { continueOnFail: true });
		expect(out).toHaveLength(1);
		const summary = out[0].json;
		expect(summary).toMatchObject({ operation: 'sync', dryRun: false, total: 4, counts: { created: 2, failed: 2 } });
		expect(typeof summary.durationMs).toBe('number');
		expect(Date.parse(summary.finishedAt as string)).toBeGreaterThanOrEqual(Date.parse(summary.startedAt as string));
		const errors = summary.errors as IDataObject[];
		expect(errors.map((e) => e.crmId).sort()).toEqual(expect.arrayContaining(['run-bad']));
		expect(errors).toHaveLength(2);
		expect(errors.find((e) => e.crmId === 'run-bad')).toMatchObject({ itemIndex: 3, code: 'INVALID_INPUT' });
		expect(out[0].pairedItem).toEqual(items.map((_, item) => ({ item })));
		expect(typeof summary.runId).toBe('number');
	});

	it('summary mode reports Metakocka failures instead of stopping the workflow', async () => {
		env.sandbox.injectFault({ method: 'add_partner', kind: 'opr_error' });
		const [out] = await sync(contacts(1, 10), { outputMode: 'summary' });
		expect(out[0].json).toMatchObject({ total: 1, counts: { failed: 1 } });
		// The same failure in per-record mode stops the workflow, as before.
		env.sandbox.injectFault({ method: 'add_partner', kind: 'opr_error' });
		await expect(sync(contacts(1, 11))).rejects.toThrow();
	});

	it('records every Sync and Import run; Get Sync Runs filters by operation, time, failures and node', async () => {
		const before = new Date();
		await new Promise((r) => setTimeout(r, 5));
		const [perRecord] = await sync(contacts(2, 20));
		expect(perRecord.map((o) => o.json.status)).toEqual(['created', 'created']);
		await run(contact as never, { resource: 'partner', operation: 'import', since: 'cursor', docTypes: ['sales_order'], returnAll: true });
		await run(product as never, { resource: 'product', operation: 'import', returnAll: true, filters: {} });

		const recent = await runs({ since: before.toISOString() });
		expect(recent.map((r) => r.operation)).toEqual(['import', 'sync']);
		expect(recent[1]).toMatchObject({ node: 'n8n-nodes-metakocka.metakockaContact', dryRun: false, total: 2, failed: 0, counts: { created: 2 }, firstErrors: [] });
		expect(recent[1].executionId).toBeNull();
		expect((await runs({ since: before.toISOString(), allNodes: true })).map((r) => r.node)).toEqual([
			'n8n-nodes-metakocka.metakockaProduct',
			'n8n-nodes-metakocka.metakockaContact',
			'n8n-nodes-metakocka.metakockaContact',
		]);
		expect((await runs({ since: before.toISOString() }, product as never, 'product')).map((r) => r.operation)).toEqual(['import']);
		expect((await runs({ operation: 'sync' })).every((r) => r.operation === 'sync')).toBe(true);
		const failed = await runs({ onlyFailed: true });
		expect(failed.length).toBeGreaterThanOrEqual(2);
		expect(failed.every((r) => (r.failed as number) > 0)).toBe(true);
		expect(failed.flatMap((r) => r.firstErrors as IDataObject[]).some((e) => e.crmId === 'run-bad')).toBe(true);

		const { rows } = await env.pool.query(`SELECT count(*)::int AS n FROM ${env.schema}.metakocka_sync_runs`);
		expect(rows[0].n).toBe(6);
	});

	it('records a run stopped by bad input, and checks Keep Run History before anything runs', async () => {
		const count = async () => (await env.pool.query(`SELECT count(*)::int AS n FROM ${env.schema}.metakocka_sync_runs`)).rows[0].n as number;
		const n = await count();
		await expect(sync([{ id: 'run-x', name: 'X'.repeat(101) }])).rejects.toThrow(/^"Name" must be at most 100 characters/);
		expect(await count()).toBe(n + 1);
		const [last] = await runs({ onlyFailed: true });
		expect(last).toMatchObject({ total: 1, failed: 1 });

		env.sandbox.resetCounters();
		await expect(sync(contacts(1, 30), { mappingStore: { ...env.mappingStore, runHistoryDays: 0 } })).rejects.toThrow(/Keep Run History \(Days\)/);
		expect(env.sandbox.counters().add_partner ?? 0).toBe(0);
		expect(await count()).toBe(n + 1);
	});

	it('Import answers one summary item in summary mode', async () => {
		const [out] = await run(product as never, { resource: 'product', operation: 'import', returnAll: true, filters: {}, outputMode: 'summary' });
		expect(out).toHaveLength(1);
		expect(out[0].json).toMatchObject({ operation: 'import', errors: [] });
	});
});
