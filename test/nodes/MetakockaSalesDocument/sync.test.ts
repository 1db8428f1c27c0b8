import { NodeOperationError } from 'n8n-workflow';
import { Pool } from 'pg';

import { MappingStore } from '../../../src/store';
import { PG, startTestEnv, type TestEnv } from '../../helpers/env';
import { jsonLine, partnerFields, run, writeCount } from './helpers';

const OTHER = { companyId: '17', secretKey: 'other-company-secret' };

let env: TestEnv;
let pool: Pool;
let store: MappingStore;

beforeAll(async () => {
	env = await startTestEnv({ companies: [OTHER] });
	pool = new Pool({ ...PG, max: 4 });
	// The node opens the store for its credential's host; seed and read the same host's rows.
	store = await MappingStore.fromPool(pool, { schema: env.schema, metakockaHost: env.sandbox.baseUrl });
});
afterAll(async () => {
	await store.close();
	await pool.end();
	await env.close();
});
afterEach(() => env.sandbox.clearFaults());

/** Sync parameters reading a CRM order item: {id, contactId?, partner?, date, lines, number?}. */
const syncParams = (over: Record<string, unknown> = {}) => ({
	operation: 'sync',
	crmId: (_i: number, item: { json: Record<string, unknown> }) => item.json.id,
	partnerSource: 'json',
	partnerJson: (_i: number, item: { json: Record<string, unknown> }) => item.json.partner,
	partnerCrmId: (_i: number, item: { json: Record<string, unknown> }) => item.json.contactId,
	docDate: (_i: number, item: { json: Record<string, unknown> }) => item.json.date,
	linesSource: 'json',
	linesJson: (_i: number, item: { json: Record<string, unknown> }) => item.json.lines,
	additionalFields: (_i: number, item: { json: Record<string, unknown> }) => (item.json.number ? { count_code: item.json.number } : {}),
	syncOptions: {},
	...over,
});

const crmOrder = (id: string, over: Record<string, unknown> = {}) => ({ id, partner: partnerFields, date: '2026-08-20', lines: [jsonLine()], number: `CRM-${id}`, ...over });
const orders = (companyId?: string) => env.sandbox.store(companyId).documents.sales_order;

describe('Sync', () => {
	it('creates each CRM document once; a second run makes zero write calls and no duplicates', async () => {
		const items = [crmOrder('n-1'), crmOrder('n-2', { lines: [jsonLine({ amount: '1,5' }), jsonLine({ code: 'MAT-M8' })] }), crmOrder('n-3')];
		const before = orders().length;
		const first = await run(env, syncParams(), { items });
		expect(first.map((o) => [o.json.status, o.pairedItem])).toEqual([
			['created', { item: 0 }],
			['created', { item: 1 }],
			['created', { item: 2 }],
		]);
		expect(orders().length).toBe(before + 3);

		const putsBefore = env.sandbox.counters().put_document;
		env.sandbox.resetCounters();
		const second = await run(env, syncParams(), { items });
		expect(second.map((o) => o.json.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
		expect(second.map((o) => o.json.mkId)).toEqual(first.map((o) => o.json.mkId));
		expect(env.sandbox.counters().put_document ?? 0).toBe(0);
		expect(writeCount(env.sandbox.counters())).toBe(0);
		expect(putsBefore).toBe(3);
		expect(orders().length).toBe(before + 3);

		// One changed: only it is written.
		const changed = [...items];
		changed[1] = { ...items[1], lines: [jsonLine({ amount: 7 })] };
		const third = await run(env, syncParams(), { items: changed });
		expect(third.map((o) => o.json.status)).toEqual(['unchanged', 'updated', 'unchanged']);
		expect(env.sandbox.counters().put_document).toBe(1);
		expect(orders().length).toBe(before + 3);
	});

	it('a lost put_document answer ends with exactly one document and the mapping recorded', async () => {
		env.sandbox.injectFault({ method: 'put_document', kind: 'applied_lost' });
		const out = await run(env, syncParams(), { items: [crmOrder('lost-1')] });
		expect(out[0].json).toMatchObject({ status: 'created', reconciled: true, countCode: 'CRM-lost-1' });
		expect(orders().filter((o) => o.count_code === 'CRM-lost-1')).toHaveLength(1);
		const mappings = await run(env, { operation: 'getMappings', crmIds: 'lost-1', returnAll: true });
		expect(mappings).toHaveLength(1);
		expect(mappings[0].json).toMatchObject({ crmId: 'lost-1', mkId: out[0].json.mkId, docType: 'sales_order', countCode: 'CRM-lost-1' });
	});

	it('resolves the partner and lines through contact and product mappings', async () => {
		const seeded = env.sandbox.store();
		const partner = seeded.partners.find((p) => p.count_code === '1003')!;
		const product = seeded.products.find((p) => p.code === 'SID-6')!;
		await store.contacts.upsertMany(env.companyId, [
			{ crmId: 'c-77', mkId: String(partner.mk_id), extra: { mk_address_id: (partner.partner_contact_list as Array<{ mk_address_id: string }>)[0].mk_address_id } },
		]);
		await store.products.upsertMany(env.companyId, [{ crmId: 'p-55', mkId: String(product.mk_id), countCode: String(product.count_code) }]);
		const out = await run(env, syncParams({ partnerSource: 'crmContact' }), {
			items: [crmOrder('mapped-1', { partner: undefined, contactId: 'c-77', lines: [{ productCrmId: 'p-55', amount: '2,5', price: 10, tax: 'EX4' }] })],
		});
		expect(out[0].json.status).toBe('created');
		const doc = orders().find((o) => o.mk_id === out[0].json.mkId)!;
		expect((doc.partner as { mk_id: string }).mk_id).toBe(partner.mk_id);
		expect(doc.product_list).toEqual([expect.objectContaining({ code: 'SID-6', amount: '2.5' })]);
	});

	it.each([
		['missing lines', { lines: undefined }, '"lines" is required'],
		['wrong date format', { date: '20.8.26' }, '"doc_date" must be a date'],
		['missing CRM id', { id: '' }, '"crmId" is required'],
		['unmapped contact', { partner: undefined, contactId: 'ghost' }, '"partnerCrmId" has no Metakocka partner mapped to CRM contact "ghost"'],
	])('%s → error naming item and field, nothing written', async (_name, over, message) => {
		env.sandbox.resetCounters();
		const params = 'contactId' in over ? syncParams({ partnerSource: (i: number) => (i === 1 ? 'crmContact' : 'json') }) : syncParams();
		const error = await run(env, params, { items: [crmOrder('v-0'), crmOrder('v-1', over)] }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toContain(message);
		expect(writeCount(env.sandbox.counters())).toBe(0);
	});

	it('unknown doc type → error naming the field, nothing written', async () => {
		env.sandbox.resetCounters();
		const error = await run(env, syncParams({ docType: 'order' }), { items: [crmOrder('t-1')] }).catch((e: unknown) => e);
		expect((error as Error).message).toContain('"docType" must be one of');
		expect(writeCount(env.sandbox.counters())).toBe(0);
	});

	it('with Continue On Fail only the bad items fail', async () => {
		const out = await run(env, syncParams(), {
			items: [crmOrder('cof-1', { lines: [jsonLine({ code: 'GHOST-CODE' })] }), crmOrder('cof-2', { lines: [] }), crmOrder('cof-3')],
			continueOnFail: true,
		});
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out[0].json.error).toContain('Item 0: field "lines.0.code" names product "GHOST-CODE" (line 1)');
		expect(out[1].json).toMatchObject({ field: 'lines' });
		expect(out[2].json.status).toBe('created');
	});

	it('two company ids in one database see only their own mappings', async () => {
		const otherCredentials = { ...env.credentials, metakockaApi: { ...env.credentials.metakockaApi, ...OTHER } };
		const mine = await run(env, syncParams(), { items: [crmOrder('same-id')] });
		const theirs = await run(env, syncParams(), { items: [crmOrder('same-id')], credentials: otherCredentials });
		expect(mine[0].json.status).toBe('created');
		expect(theirs[0].json.status).toBe('created');
		expect(orders(OTHER.companyId).filter((o) => o.count_code === 'CRM-same-id')).toHaveLength(1);

		const theirMappings = await run(env, { operation: 'getMappings', crmIds: '', returnAll: true }, { credentials: otherCredentials });
		expect(theirMappings.map((m) => m.json.crmId)).toEqual(['same-id']);
		expect(theirMappings[0].json).toMatchObject({ companyId: OTHER.companyId, mkId: theirs[0].json.mkId });
		const myMappings = await run(env, { operation: 'getMappings', crmIds: 'same-id', returnAll: true });
		expect(myMappings.map((m) => m.json.mkId)).toEqual([mine[0].json.mkId]);
		const limited = await run(env, { operation: 'getMappings', crmIds: '', returnAll: false, limit: 2 });
		expect(limited).toHaveLength(2);
	});
});

describe('Import', () => {
	it('returns documents changed since the last import, and only those on the next run', async () => {
		// last_change_from is documented for sales orders only (search_examples.md).
		const docType = 'sales_order';
		// Earlier tests wrote sales orders; last_change_from has second precision, so start in a later second.
		await new Promise((r) => setTimeout(r, 1100));
		const all = await run(env, { operation: 'import', docType, since: 'cursor', returnAll: true, readOptions: {} });
		expect(all.length).toBe(env.sandbox.store().documents[docType].length);
		expect(all.every((o) => (o.pairedItem as { item: number }).item === 0)).toBe(true);

		await new Promise((r) => setTimeout(r, 1100));
		const created = await run(
			env,
			{ operation: 'create', docType, partnerSource: 'json', partnerJson: partnerFields, docDate: '2026-08-21', linesSource: 'json', linesJson: [jsonLine()], additionalFields: {} },
		);
		const next = await run(env, { operation: 'import', docType, since: 'cursor', returnAll: true, readOptions: {} });
		expect(next.map((o) => o.json.mk_id)).toEqual([created[0].json.mkId]);

		// From a date: starts over.
		const again = await run(env, { operation: 'import', docType, since: 'date', sinceDate: '2020-01-01T00:00:00Z', returnAll: false, limit: 1, readOptions: {} });
		expect(again).toHaveLength(1);
	});

	it('Simplify (version 2) gives the short document with its sync marks; the summary output ignores it', async () => {
		const params = { operation: 'import', docType: 'sales_order', since: 'date', sinceDate: '2020-01-01T00:00:00Z', returnAll: true, readOptions: {} };
		const whole = await run(env, { ...params, simple: false }, { typeVersion: 2 });
		const simple = await run(env, { ...params, simple: true }, { typeVersion: 2 });
		expect(simple.map((o) => o.json.mk_id)).toEqual(whole.map((o) => o.json.mk_id));
		expect(simple.every((o) => o.json.product_list === undefined && typeof o.json.lines === 'number' && (o.pairedItem as { item: number }).item === 0)).toBe(true);
		expect(simple.map((o) => o.json.sync)).toEqual(whole.map((o) => o.json.sync));
		expect(simple.map((o) => o.json.lines)).toEqual(whole.map((o) => (o.json.product_list as unknown[] | undefined)?.length ?? 0));
		const [summary] = await run(env, { ...params, simple: true, outputMode: 'summary' }, { typeVersion: 2 });
		expect(summary.json).toMatchObject({ counts: expect.objectContaining({ imported: whole.length }) });
	});
});
