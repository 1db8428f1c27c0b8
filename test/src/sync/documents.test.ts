import { Pool } from 'pg';

import { MetakockaClient, MetakockaError } from '../../../src/client';
import { InputError } from '../../../src/input';
import { MappingStore } from '../../../src/store';
import {
	documentImportCursorKey,
	importDocuments,
	parseDocument,
	resolveDocuments,
	syncDocuments,
	type ResolvedDocument,
} from '../../../src/sync/documents';
import { PG, startTestEnv, type TestEnv } from '../../helpers/env';

const OTHER = { companyId: '17', secretKey: 'other-company-secret' };

let env: TestEnv;
let pool: Pool;
let store: MappingStore;
let client: MetakockaClient;

const clientFor = (companyId: string, secretKey: string) =>
	new MetakockaClient({ companyId, secretKey, baseUrl: env.sandbox.baseUrl }, { reconcileDelayMs: 0, retryBaseDelayMs: 1, timeoutMs: 5000 });

beforeAll(async () => {
	env = await startTestEnv({ companies: [OTHER] });
	// withLocks holds one connection while the callback queries through another.
	pool = new Pool({ ...PG, max: 10 });
	store = await MappingStore.fromPool(pool, { schema: env.schema });
	client = clientFor(env.companyId, env.secretKey);
});

afterAll(async () => {
	await store.close();
	await pool.end();
	await env.close();
});

afterEach(() => env.sandbox.clearFaults());

const partnerFields = { customer: 'ACME d.o.o.', street: 'Slovenska cesta 1', post_number: '1000', place: 'Ljubljana', country: 'Slovenia' };
const line = (over: Record<string, unknown> = {}) => ({ code: 'VIJ-M8-50', amount: 10, price: 0.32, tax: 'EX4', ...over });

function rawDoc(crmId: string, over: Record<string, unknown> = {}) {
	return { crmId, doc_type: 'sales_order', partner: partnerFields, doc_date: '2026-08-01', lines: [line()], ...over };
}

async function resolve(raws: unknown[], s: MappingStore | undefined = store, companyId = env.companyId): Promise<ResolvedDocument[]> {
	const parsed = raws.map((raw, itemIndex) => ({ itemIndex, doc: parseDocument(raw, itemIndex) }));
	const out = await resolveDocuments(s, companyId, parsed);
	for (const r of out) if ('error' in r) throw r.error;
	return out as ResolvedDocument[];
}

const ordersIn = (companyId?: string) => env.sandbox.store(companyId).documents.sales_order;

describe('document input', () => {
	it('normalises dates, decimal commas and chained discounts', () => {
		const doc = parseDocument(rawDoc('a', { doc_date: '05.08.2026', lines: [line({ amount: '1,5', price: '1.234,50', discount: '10;5' })] }), 0);
		expect(doc.doc_date).toBe('2026-08-05+02:00');
		expect(doc.lines[0]).toMatchObject({ amount: 1.5, price: 1234.5, discount: '10;5' });
		expect(parseDocument(rawDoc('a', { doc_date: new Date('2026-08-03T10:00:00Z') }), 0).doc_date).toBe('2026-08-03+02:00');
		expect(parseDocument(rawDoc('a', { doc_date: '2026-08-03T23:30:00Z' }), 0).doc_date).toBe('2026-08-04+02:00');
	});

	it.each([
		['missing lines', { lines: undefined }, 3, 'Item 3: field "lines" is required'],
		['empty lines', { lines: [] }, 0, 'Item 0: field "lines" must have at least one line'],
		['wrong date format', { doc_date: '2026/08/01' }, 2, 'Item 2: field "doc_date" must be a date'],
		['unknown doc type', { doc_type: 'sales_invoice' }, 1, 'Item 1: field "doc_type" must be one of sales_offer'],
		['bad amount', { lines: [line(), line({ amount: 'abc' })] }, 4, 'Item 4: field "lines.1.amount" must be a number (got "abc")'],
		['no tax', { lines: [line({ tax: undefined })] }, 0, 'Item 0: field "lines.0.tax" give exactly one of tax'],
		['no product', { lines: [line({ code: undefined })] }, 0, 'Item 0: field "lines.0.code" is required'],
		['no partner', { partner: undefined }, 0, 'Item 0: field "partner" is required'],
		['unknown line field', { lines: [line({ sku: 'x' })] }, 0, 'Item 0: field "lines.0" unrecognized key'],
	])('%s → an error naming item and field', (_name, over, itemIndex, message) => {
		let error: unknown;
		try {
			parseDocument(rawDoc('a', over), itemIndex);
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(InputError);
		expect((error as Error).message).toContain(message);
	});
});

describe('syncDocuments', () => {
	it('creates once; the second run over the same documents makes no call at all', async () => {
		const docs = await resolve([rawDoc('so-1', { count_code: 'CRM-SO-1' }), rawDoc('so-2', { buyer_order: 'WEB-2', lines: [line(), line({ code: 'MAT-M8', amount: '2,5' })] })]);
		const before = ordersIn().length;
		const first = await syncDocuments({ client, store }, docs);
		expect(first.map((o) => [o.status, o.error])).toEqual([
			['created', undefined],
			['created', undefined],
		]);
		expect(first[0].countCode).toBe('CRM-SO-1');
		expect(ordersIn().length).toBe(before + 2);
		const so2 = ordersIn().find((d) => d.mk_id === first[1].mkId)!;
		expect(so2.buyer_order).toBe('WEB-2');
		expect((so2.product_list as Array<{ amount: string }>)[1].amount).toBe('2.5');

		env.sandbox.resetCounters();
		const second = await syncDocuments({ client, store }, await resolve([rawDoc('so-1', { count_code: 'CRM-SO-1' }), rawDoc('so-2', { buyer_order: 'WEB-2', lines: [line(), line({ code: 'MAT-M8', amount: '2,5' })] })]));
		expect(second.map((o) => o.status)).toEqual(['unchanged', 'unchanged']);
		expect(second.map((o) => o.mkId)).toEqual(first.map((o) => o.mkId));
		expect(env.sandbox.counters()).toEqual({});
		expect(ordersIn().length).toBe(before + 2);
	});

	it('a changed document replaces the same Metakocka document (put_document with mk_id)', async () => {
		const [created] = await syncDocuments({ client, store }, await resolve([rawDoc('so-upd', { count_code: 'CRM-UPD' })]));
		const before = ordersIn().length;
		const partnersBefore = env.sandbox.store().partners.length;
		env.sandbox.resetCounters();
		const [updated] = await syncDocuments({ client, store }, await resolve([rawDoc('so-upd', { count_code: 'CRM-UPD', title: 'Changed', lines: [line({ amount: 99 })] })]));
		// The unchanged inline partner is kept, not added once more.
		expect(env.sandbox.store().partners.length).toBe(partnersBefore);
		expect(updated).toMatchObject({ status: 'updated', mkId: created.mkId, matchedExisting: false });
		expect(env.sandbox.counters().put_document).toBe(1);
		expect(ordersIn().length).toBe(before);
		const doc = ordersIn().find((d) => d.mk_id === created.mkId)!;
		expect(doc.title).toBe('Changed');
		expect((doc.product_list as Array<{ amount: string }>)[0].amount).toBe('99');
		const mapping = (await store.salesDocuments.getByCrmIds(env.companyId, ['so-upd'])).get('so-upd')!;
		expect(mapping).toMatchObject({ mkId: created.mkId, docType: 'sales_order', countCode: 'CRM-UPD' });
		expect(mapping.extra.partner_mk_id).toBe((doc.partner as { mk_id: string }).mk_id);

		// A changed inline partner switches the document to a new partner, as Metakocka documents.
		const [switched] = await syncDocuments({ client, store }, await resolve([rawDoc('so-upd', { count_code: 'CRM-UPD', partner: { ...partnerFields, customer: 'Other d.o.o.' } })]));
		expect(switched.status).toBe('updated');
		const after = ordersIn().find((d) => d.mk_id === created.mkId)!;
		expect((after.partner as { customer: string }).customer).toBe('Other d.o.o.');
	});

	it('a lost put_document answer ends with exactly one document and the mapping recorded', async () => {
		const before = ordersIn().length;
		env.sandbox.injectFault({ method: 'put_document', kind: 'applied_lost' });
		env.sandbox.resetCounters();
		const [outcome] = await syncDocuments({ client, store }, await resolve([rawDoc('so-lost', { count_code: 'CRM-LOST-1' })]));
		expect(outcome.error).toBeUndefined();
		expect(outcome).toMatchObject({ status: 'created', reconciled: true, countCode: 'CRM-LOST-1' });
		expect(env.sandbox.counters().put_document).toBe(1);
		expect(ordersIn().filter((d) => d.count_code === 'CRM-LOST-1')).toHaveLength(1);
		expect(ordersIn().length).toBe(before + 1);
		const mapping = (await store.salesDocuments.getByCrmIds(env.companyId, ['so-lost'])).get('so-lost')!;
		expect(mapping.mkId).toBe(outcome.mkId);

		// And the next run knows it: no second document.
		const [again] = await syncDocuments({ client, store }, await resolve([rawDoc('so-lost', { count_code: 'CRM-LOST-1' })]));
		expect(again.status).toBe('unchanged');
		expect(ordersIn().filter((d) => d.count_code === 'CRM-LOST-1')).toHaveLength(1);
	});

	it('a lost answer for a sales order is reconciled by buyer_order', async () => {
		env.sandbox.injectFault({ method: 'put_document', kind: 'applied_lost' });
		const [outcome] = await syncDocuments({ client, store }, await resolve([rawDoc('so-lost-bo', { buyer_order: 'WEB-LOST-7' })]));
		expect(outcome).toMatchObject({ status: 'created', reconciled: true });
		expect(ordersIn().filter((d) => d.buyer_order === 'WEB-LOST-7')).toHaveLength(1);
	});

	it('adopts an existing Metakocka document with the same count_code instead of duplicating it', async () => {
		const { result } = await client.putDocument({ doc_type: 'sales_order', count_code: 'PRE-EXIST-1', doc_date: '2026-08-01', partner: partnerFields, product_list: [line()] });
		const before = ordersIn().length;
		const [outcome] = await syncDocuments({ client, store }, await resolve([rawDoc('so-adopt', { count_code: 'PRE-EXIST-1', title: 'Adopted' })]));
		expect(outcome).toMatchObject({ status: 'updated', mkId: result.mk_id, matchedExisting: true });
		expect(ordersIn().length).toBe(before);
	});

	it('resolves partner and lines through contact and product mappings', async () => {
		const seeded = env.sandbox.store();
		const partner = seeded.partners.find((p) => p.count_code === '1002')!;
		const contact = (partner.partner_contact_list as Array<{ mk_address_id: string }>)[0];
		const product = seeded.products.find((p) => p.code === 'MAT-M8')!;
		await store.contacts.upsertMany(env.companyId, [{ crmId: 'crm-contact-9', mkId: String(partner.mk_id), extra: { mk_address_id: contact.mk_address_id } }]);
		await store.products.upsertMany(env.companyId, [{ crmId: 'crm-prod-4', mkId: String(product.mk_id), countCode: String(product.count_code) }]);

		const raw = { crmId: 'so-mapped', doc_type: 'sales_order', partnerCrmId: 'crm-contact-9', doc_date: '2026-08-02', lines: [{ productCrmId: 'crm-prod-4', amount: 3, price_with_tax: '1,22', tax: 'EX4' }] };
		const [doc] = await resolve([raw]);
		expect(doc.body.partner).toEqual({ mk_id: String(partner.mk_id), mk_address_id: contact.mk_address_id });
		expect(doc.body.product_list).toEqual([{ count_code: product.count_code, amount: 3, price_with_tax: 1.22, tax: 'EX4' }]);

		const before = env.sandbox.store().partners.length;
		const [outcome] = await syncDocuments({ client, store }, [doc]);
		expect(outcome.status).toBe('created');
		const written = ordersIn().find((d) => d.mk_id === outcome.mkId)!;
		expect((written.partner as { mk_id: string }).mk_id).toBe(partner.mk_id);
		expect((written.product_list as Array<{ code: string }>)[0].code).toBe('MAT-M8');
		expect(env.sandbox.store().partners.length).toBe(before);
	});

	it('unmapped CRM contact or product → an item error before anything is written', async () => {
		const parsed = [
			{ itemIndex: 0, doc: parseDocument({ ...rawDoc('x1'), partner: undefined, partnerCrmId: 'nobody' }, 0) },
			{ itemIndex: 1, doc: parseDocument(rawDoc('x2', { lines: [line(), { productCrmId: 'no-such', amount: 1, price: 1, tax: 'EX4' }] }), 1) },
		];
		const out = await resolveDocuments(store, env.companyId, parsed);
		expect((out[0] as { error: Error }).error.message).toBe('Item 0: field "partnerCrmId" has no Metakocka partner mapped to CRM contact "nobody"; sync the contact first');
		expect((out[1] as { error: Error }).error.message).toContain('Item 1: field "lines.1.productCrmId" has no Metakocka product mapped to CRM product "no-such" (line 2)');
	});

	it('an unknown product code fails the item naming the line, and nothing is written for it', async () => {
		env.sandbox.resetCounters();
		const partnersBefore = env.sandbox.store().partners.length;
		const docs = await resolve([rawDoc('bad-code', { lines: [line(), line({ code: 'NO-SUCH-PRODUCT' })] }), rawDoc('good-code', { count_code: 'CRM-GOOD' })]);
		const [bad, good] = await syncDocuments({ client, store }, docs);
		expect(bad.error).toBeInstanceOf(InputError);
		expect((bad.error as Error).message).toBe(
			'Item 0: field "lines.1.code" names product "NO-SUCH-PRODUCT" (line 2), which is not in Metakocka; nothing was written for this item',
		);
		expect(good.status).toBe('created');
		expect(env.sandbox.counters().put_document).toBe(1);
		expect(env.sandbox.store().partners.length).toBe(partnersBefore + 1);
		expect((await store.salesDocuments.getByCrmIds(env.companyId, ['bad-code'])).size).toBe(0);
	});

	it('bills: a status change goes through update_document; any other change is refused clearly', async () => {
		const bill = (over: Record<string, unknown> = {}) =>
			rawDoc('bill-1', { doc_type: 'sales_bill_domestic', count_code: 'CRM-BILL-1', service_to_date: '2026-08-01', duo_payment_days: 15, ...over });
		const [created] = await syncDocuments({ client, store }, await resolve([bill()]));
		expect(created.status).toBe('created');

		env.sandbox.resetCounters();
		const [status] = await syncDocuments({ client, store }, await resolve([bill({ status_code: 'open' })]));
		expect(status).toMatchObject({ status: 'updated', mkId: created.mkId });
		expect(env.sandbox.counters()).toMatchObject({ update_document: 1 });
		expect(env.sandbox.counters().put_document).toBeUndefined();
		expect(env.sandbox.store().documents.sales_bill_domestic.find((d) => d.mk_id === created.mkId)!.status_desc).toBe('open');

		const [refused] = await syncDocuments({ client, store }, await resolve([bill({ status_code: 'open', lines: [line({ amount: 5 })] })]));
		expect(refused.error).toBeInstanceOf(MetakockaError);
		expect((refused.error as MetakockaError).code).toBe('BILL_NOT_REWRITABLE');
		expect((refused.error as Error).message).toContain('Metakocka cannot rewrite a bill through the API, only change its status');
		expect(env.sandbox.counters().put_document).toBeUndefined();
	});

	it('a CRM document cannot switch its type', async () => {
		await syncDocuments({ client, store }, await resolve([rawDoc('typed-1', { count_code: 'CRM-TYPED' })]));
		const [outcome] = await syncDocuments({ client, store }, await resolve([rawDoc('typed-1', { doc_type: 'sales_offer' })]));
		expect((outcome.error as Error).message).toContain('field "doc_type" is sales_offer, but CRM document "typed-1" is already synced as sales_order');
	});

	it('two company ids in one database see only their own mappings', async () => {
		const other = clientFor(OTHER.companyId, OTHER.secretKey);
		const raw = rawDoc('shared-crm-id', { count_code: 'CRM-SHARED' });
		const [mine] = await syncDocuments({ client, store }, await resolve([raw]));
		const [theirs] = await syncDocuments({ client: other, store }, await resolve([raw], store, OTHER.companyId));
		// Same CRM id, different company: each gets its own document, neither is "unchanged".
		expect(mine.status).toBe('created');
		expect(theirs.status).toBe('created');
		expect(ordersIn(OTHER.companyId).filter((d) => d.count_code === 'CRM-SHARED')).toHaveLength(1);
		expect(ordersIn().filter((d) => d.count_code === 'CRM-SHARED')).toHaveLength(1);
		const otherMappings = await store.salesDocuments.list(OTHER.companyId, { limit: 1000 });
		expect(otherMappings.map((m) => m.crmId)).toEqual(['shared-crm-id']);
		expect((await store.salesDocuments.getByCrmIds(env.companyId, ['shared-crm-id'])).get('shared-crm-id')!.mkId).toBe(mine.mkId);
	});

	it('never creates twice when two runs race on the same CRM id', async () => {
		const before = ordersIn().length;
		const docs = await resolve([rawDoc('race-1', { count_code: 'CRM-RACE' })]);
		const [a, b] = await Promise.all([syncDocuments({ client, store }, docs), syncDocuments({ client, store }, docs)]);
		expect([a[0].status, b[0].status].sort()).toEqual(['created', 'unchanged']);
		expect(ordersIn().length).toBe(before + 1);
	});
});

describe('importDocuments', () => {
	// last_change_from is documented for sales orders (search_examples.md): the import refuses other types.
	const docType = 'sales_order' as const;
	const N = 1050;
	let ids: string[] = [];

	beforeAll(async () => {
		const puts = Array.from({ length: N }, (_, i) =>
			client.putDocument({ doc_type: docType, count_code: `IMP-${i}`, doc_date: '2026-08-01', partner: partnerFields, product_list: [line()] }),
		);
		await Promise.all(puts);
		ids = env.sandbox.store().documents[docType].map((d) => String(d.mk_id));
		expect(ids.length).toBeGreaterThanOrEqual(N);
		// last_change_from has second precision: start the import in a later second than the writes.
		await new Promise((r) => setTimeout(r, 1100));
	}, 120_000);

	it('pages through 1,000+ documents in pages of 100 with no gaps and no repeats, then resumes from its cursor', async () => {
		env.sandbox.resetCounters();
		const first = await importDocuments(client, store, { docType, useCursor: true });
		expect(first.complete).toBe(true);
		expect(first.since).toBeNull();
		const got = first.documents.map((d) => d.mk_id);
		expect(new Set(got).size).toBe(got.length);
		expect([...got].sort()).toEqual([...ids].sort());
		expect(env.sandbox.counters().search).toBe(Math.ceil(ids.length / 100));
		expect(first.searchCalls).toBe(Math.ceil(ids.length / 100));
		const cursor = await store.syncState.get<{ since: string }>(env.companyId, documentImportCursorKey(docType));
		expect(cursor?.since).toEqual(expect.any(String));

		// Nothing changed: one empty page.
		env.sandbox.resetCounters();
		const idle = await importDocuments(client, store, { docType, useCursor: true });
		expect(idle.documents).toHaveLength(0);
		expect(env.sandbox.counters().search).toBe(1);
		const idleCursor = await store.syncState.get<{ since: string }>(env.companyId, documentImportCursorKey(docType));
		expect(idleCursor!.since > cursor!.since).toBe(true);

		// Two changes → exactly those two.
		await new Promise((r) => setTimeout(r, 1100));
		await client.updateDocument(docType, { mk_id: ids[5], notes: 'changed' });
		await client.updateDocument(docType, { mk_id: ids[700], notes: 'changed' });
		const next = await importDocuments(client, store, { docType, useCursor: true });
		expect(next.documents.map((d) => d.mk_id).sort()).toEqual([ids[5], ids[700]].sort());
		expect(next.since).toBe(idleCursor!.since);
	}, 60_000);

	it('a limited run continues where it stopped; a deletion meanwhile leaves no gap', async () => {
		const since = new Date(Date.now() - 3_600_000);
		const seen: string[] = [];
		const a = await importDocuments(client, store, { docType, since, useCursor: true, limit: 250 });
		expect(a.complete).toBe(false);
		expect(a.documents).toHaveLength(250);
		seen.push(...a.documents.map((d) => d.mk_id));

		// Delete 10 documents the sweep has already passed: the rest shift left by 10.
		const passed = a.documents.slice(0, 10).map((d) => d.mk_id);
		for (const id of passed) await client.deleteDocument(docType, id);

		for (let guard = 0; guard < 20; guard++) {
			const run = await importDocuments(client, store, { docType, useCursor: true, limit: 250 });
			seen.push(...run.documents.map((d) => d.mk_id));
			if (run.complete) break;
		}
		const remaining = env.sandbox.store().documents[docType].map((d) => String(d.mk_id));
		for (const id of remaining) expect(seen).toContain(id);
		// Repeats are bounded by the step back (the 10 deletions), never gaps.
		expect(seen.length - new Set(seen).size).toBeLessThanOrEqual(10);
	}, 60_000);
});
