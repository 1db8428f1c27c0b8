import { Pool } from 'pg';

import { MappingStore, StoreError, contentHash, type MappingUpsert } from '../../../src/store';
import { countStatements, dropSchema, newPool, randomSchema } from './helpers';

const schema = randomSchema();
let pool: Pool;
let store: MappingStore;

beforeAll(async () => {
	pool = newPool();
	store = await MappingStore.fromPool(pool, { schema });
});

afterAll(async () => {
	await store.close();
	await pool.end();
	await dropSchema(schema);
});

describe('MappingRepository', () => {
	it('upserts and reads back a mapping with all fields', async () => {
		const snapshot = { name: 'ACME d.o.o.', tax_id: 'SI123' };
		const [written] = await store.contacts.upsertMany('c1', [
			{
				crmId: 'crm-1',
				mkId: 'mk-1',
				countCode: 'P-1',
				contentHash: contentHash(snapshot),
				mkSnapshot: snapshot,
				extra: { mk_contact_id: '11', mk_address_id: '12' },
			},
		]);
		expect(written).toMatchObject({
			companyId: 'c1',
			crmId: 'crm-1',
			mkId: 'mk-1',
			docType: null,
			countCode: 'P-1',
			contentHash: contentHash(snapshot),
			mkSnapshot: snapshot,
			extra: { mk_contact_id: '11', mk_address_id: '12' },
		});
		expect(written.createdAt).toBeInstanceOf(Date);

		const byCrm = await store.contacts.getByCrmIds('c1', ['crm-1', 'missing']);
		expect([...byCrm.keys()]).toEqual(['crm-1']);
		expect(byCrm.get('crm-1')).toEqual(written);
		const byMk = await store.contacts.getByMkIds('c1', ['mk-1']);
		expect(byMk.get('mk-1')?.crmId).toBe('crm-1');
	});

	it('replaces an existing mapping on upsert and bumps updated_at', async () => {
		const [before] = await store.products.upsertMany('c1', [{ crmId: 'p-1', mkId: 'mk-p-1', countCode: 'A' }]);
		const [after] = await store.products.upsertMany('c1', [{ crmId: 'p-1', mkId: 'mk-p-2' }]);
		expect(after.id).toBe(before.id);
		expect(after).toMatchObject({ mkId: 'mk-p-2', countCode: null, extra: {} });
		expect(after.updatedAt.getTime()).toBeGreaterThanOrEqual(before.updatedAt.getTime());
		expect(after.createdAt).toEqual(before.createdAt);
	});

	it('returns upserted rows in input order and lets a later duplicate crmId win', async () => {
		const rows = await store.products.upsertMany('c1', [
			{ crmId: 'o-3', mkId: 'mk-o-3' },
			{ crmId: 'o-1', mkId: 'mk-o-1-old' },
			{ crmId: 'o-2', mkId: 'mk-o-2' },
			{ crmId: 'o-1', mkId: 'mk-o-1' },
		]);
		expect(rows.map((r) => [r.crmId, r.mkId])).toEqual([
			['o-3', 'mk-o-3'],
			['o-2', 'mk-o-2'],
			['o-1', 'mk-o-1'],
		]);
	});

	it('writes 10,000 rows in one call using one statement per 1,000-row chunk inside a transaction', async () => {
		const rows: MappingUpsert[] = Array.from({ length: 10_000 }, (_, i) => ({
			crmId: `bulk-${i}`,
			mkId: `mk-bulk-${i}`,
			contentHash: `h${i}`,
			mkSnapshot: { i },
		}));
		const counter = countStatements(pool);
		let written;
		try {
			written = await store.contacts.upsertMany('bulk', rows);
		} finally {
			counter.restore();
		}
		expect(written).toHaveLength(10_000);
		expect(written[9_999]).toMatchObject({ crmId: 'bulk-9999', mkId: 'mk-bulk-9999', mkSnapshot: { i: 9999 } });
		const inserts = counter.texts.filter((t) => t.includes('INSERT INTO'));
		expect(inserts).toHaveLength(10);
		expect(counter.texts.filter((t) => !t.includes('INSERT INTO'))).toEqual(['BEGIN', 'COMMIT']);

		const lookup = countStatements(pool);
		let found;
		try {
			found = await store.contacts.getByCrmIds(
				'bulk',
				Array.from({ length: 5_000 }, (_, i) => `bulk-${i * 2}`),
			);
		} finally {
			lookup.restore();
		}
		expect(lookup.texts).toHaveLength(1);
		expect(found.size).toBe(5_000);
		expect(found.get('bulk-4242')?.mkId).toBe('mk-bulk-4242');
	});

	it('a small batch is a single statement without a transaction', async () => {
		const counter = countStatements(pool);
		try {
			await store.contacts.upsertMany('c1', [
				{ crmId: 'single-1', mkId: 'mk-single-1' },
				{ crmId: 'single-2', mkId: 'mk-single-2' },
			]);
		} finally {
			counter.restore();
		}
		expect(counter.texts).toHaveLength(1);
	});

	it('rolls back every chunk when one chunk fails', async () => {
		const small = await MappingStore.fromPool(pool, { schema, batchSize: 2 });
		await small.products.upsertMany('rb', [{ crmId: 'taken', mkId: 'mk-taken' }]);
		await expect(
			small.products.upsertMany('rb', [
				{ crmId: 'rb-1', mkId: 'mk-rb-1' },
				{ crmId: 'rb-2', mkId: 'mk-rb-2' },
				{ crmId: 'rb-3', mkId: 'mk-taken' },
			]),
		).rejects.toMatchObject({ code: 'CONFLICT' });
		expect((await small.products.getByCrmIds('rb', ['rb-1', 'rb-2', 'rb-3'])).size).toBe(0);
	});

	it('keeps two companies apart: same crm_id and mk_id are separate rows, reads and deletes never cross', async () => {
		await store.contacts.upsertMany('company-a', [{ crmId: 'shared', mkId: 'mk-shared', countCode: 'A' }]);
		await store.contacts.upsertMany('company-b', [{ crmId: 'shared', mkId: 'mk-shared', countCode: 'B' }]);
		// B's upsert did not overwrite A's row.
		expect((await store.contacts.getByCrmIds('company-a', ['shared'])).get('shared')?.countCode).toBe('A');
		expect((await store.contacts.getByCrmIds('company-b', ['shared'])).get('shared')?.countCode).toBe('B');
		expect((await store.contacts.getByMkIds('company-a', ['mk-shared'])).get('mk-shared')?.countCode).toBe('A');
		expect((await store.contacts.list('company-a')).map((m) => m.companyId)).toEqual(['company-a']);

		await store.contacts.upsertMany('company-b', [{ crmId: 'only-b', mkId: 'mk-only-b' }]);
		expect((await store.contacts.getByCrmIds('company-a', ['only-b'])).size).toBe(0);
		expect(await store.contacts.deleteByCrmIds('company-a', ['only-b'])).toBe(0);
		expect(await store.contacts.deleteByCrmIds('company-a', ['shared'])).toBe(1);
		expect((await store.contacts.getByCrmIds('company-b', ['shared', 'only-b'])).size).toBe(2);
	});

	it('rejects mapping one Metakocka id to two CRM ids in the same company', async () => {
		await store.contacts.upsertMany('uq', [{ crmId: 'crm-x', mkId: 'mk-x' }]);
		const err = await store.contacts.upsertMany('uq', [{ crmId: 'crm-y', mkId: 'mk-x' }]).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(StoreError);
		expect(err).toMatchObject({ code: 'CONFLICT', pgCode: '23505' });
		expect((err as Error).message).toMatch(/already mapped to a different CRM id/);
		// Within one batch too.
		await expect(
			store.contacts.upsertMany('uq', [
				{ crmId: 'crm-p', mkId: 'mk-dup' },
				{ crmId: 'crm-q', mkId: 'mk-dup' },
			]),
		).rejects.toMatchObject({ code: 'CONFLICT' });
	});

	it('sales documents: mk_id is unique per doc_type, docType is required', async () => {
		await store.salesDocuments.upsertMany('docs', [
			{ crmId: 'deal-1', mkId: '100', docType: 'sales_order', countCode: 'SO-1' },
			{ crmId: 'deal-2', mkId: '100', docType: 'sales_bill_domestic', countCode: 'R-1' },
			{ crmId: 'deal-3', mkId: '101', extra: { doc_type: 'sales_offer' } },
		]);
		const offer = await store.salesDocuments.getByMkIds('docs', ['101']);
		expect(offer.get('101')).toMatchObject({ crmId: 'deal-3', docType: 'sales_offer' });
		const bill = await store.salesDocuments.getByMkIds('docs', ['100'], { docType: 'sales_bill_domestic' });
		expect(bill.get('100')?.crmId).toBe('deal-2');
		await expect(store.salesDocuments.getByMkIds('docs', ['100'])).rejects.toThrow(/pass docType/);
		await expect(store.salesDocuments.upsertMany('docs', [{ crmId: 'deal-4', mkId: '102' }])).rejects.toThrow(
			/needs a docType/,
		);
		await expect(
			store.salesDocuments.upsertMany('docs', [{ crmId: 'deal-5', mkId: '100', docType: 'sales_order' }]),
		).rejects.toMatchObject({ code: 'CONFLICT' });
	});

	it('stores SQL injection attempts verbatim', async () => {
		const evil = `x'); DROP TABLE "${schema}".metakocka_contact_mappings; --`;
		const evilCompany = `c' OR '1'='1`;
		await store.contacts.upsertMany(evilCompany, [
			{ crmId: evil, mkId: `$1 ${evil}`, countCode: '\\x00', extra: { q: "'; SELECT pg_sleep(10); --" }, mkSnapshot: [evil] },
		]);
		const found = await store.contacts.getByCrmIds(evilCompany, [evil]);
		expect(found.get(evil)).toMatchObject({
			companyId: evilCompany,
			crmId: evil,
			mkId: `$1 ${evil}`,
			countCode: '\\x00',
			extra: { q: "'; SELECT pg_sleep(10); --" },
			mkSnapshot: [evil],
		});
		// The injected OR did not widen the company filter.
		expect((await store.contacts.list(evilCompany)).map((m) => m.crmId)).toEqual([evil]);
		expect((await store.contacts.list('c1', { limit: 1 })).length).toBe(1);
	});

	it('lists with limit, offset, updatedSince and crmIds, and deletes in batches', async () => {
		await store.products.upsertMany('list', [
			{ crmId: 'l-1', mkId: 'mk-l-1' },
			{ crmId: 'l-2', mkId: 'mk-l-2' },
			{ crmId: 'l-3', mkId: 'mk-l-3' },
		]);
		const all = await store.products.list('list');
		expect(all.map((m) => m.crmId)).toEqual(['l-1', 'l-2', 'l-3']);
		expect((await store.products.list('list', { limit: 1, offset: 1 })).map((m) => m.crmId)).toEqual(['l-2']);
		expect((await store.products.list('list', { crmIds: ['l-3', 'l-1'] })).map((m) => m.crmId)).toEqual([
			'l-1',
			'l-3',
		]);
		const future = new Date(Date.now() + 60_000);
		expect(await store.products.list('list', { updatedSince: future })).toEqual([]);
		expect(await store.products.list('list', { updatedSince: all[0].updatedAt })).toHaveLength(3);
		expect(await store.products.deleteByCrmIds('list', ['l-1', 'l-2', 'nope'])).toBe(2);
		expect((await store.products.list('list')).map((m) => m.crmId)).toEqual(['l-3']);
	});

	it('validates input before touching the database', async () => {
		await expect(store.contacts.getByCrmIds('', ['x'])).rejects.toMatchObject({ code: 'INVALID_INPUT' });
		await expect(store.contacts.upsertMany('c1', [{ crmId: '', mkId: 'x' }])).rejects.toMatchObject({
			code: 'INVALID_INPUT',
		});
		await expect(
			store.contacts.upsertMany('c1', [{ crmId: 'a', mkId: 'b', extra: [] as unknown as Record<string, unknown> }]),
		).rejects.toMatchObject({ code: 'INVALID_INPUT' });
		await expect(store.contacts.list('c1', { limit: -1 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
		expect(await store.contacts.upsertMany('c1', [])).toEqual([]);
		expect((await store.contacts.getByCrmIds('c1', [])).size).toBe(0);
	});

	it('exposes repositories by entity name', () => {
		expect(store.mappings('contact')).toBe(store.contacts);
		expect(store.mappings('sales_document')).toBe(store.salesDocuments);
		expect(store.mappings('product')).toBe(store.products);
	});
});
