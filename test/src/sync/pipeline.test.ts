import { parseDocument, previewDocuments, resolveDocuments, syncDocuments, type ResolvedDocument } from '../../../src/sync/documents';
import { type DryRunOutcome, type SyncOutcome } from '../../../src/sync/pipeline';
import { parseCrmProduct, previewProducts, syncProducts, type ProductToSync } from '../../../src/sync/products';
import { syncSuite } from '../../helpers/env';
import { countStatements } from '../store/helpers';

// The pipeline's Dry Run for products and documents: the same decisions as the real run that follows,
// from reads only (no Metakocka write, no Postgres write, no lock).

const t = syncSuite({ poolMax: 10 });

const WRITES = ['add_partner', 'update_partner', 'put_document', 'update_document', 'product_add', 'product_update', 'product_delete', '__writes_applied'];

async function fingerprint(): Promise<Record<string, string>> {
	const { rows } = await t.env.pool.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`, [t.env.schema]);
	const out: Record<string, string> = {};
	for (const { table_name } of rows) {
		const res = await t.env.pool.query(`SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM "${t.env.schema}"."${table_name}" t`);
		out[table_name] = `${res.rows[0].n}:${res.rows[0].h}`;
	}
	return out;
}

/** Runs the Dry Run and checks that it wrote nothing anywhere and took no lock. */
async function dryRun<T>(run: () => Promise<T>): Promise<T> {
	const tables = await fingerprint();
	const sandboxState = JSON.stringify(t.env.sandbox.store());
	t.env.sandbox.resetCounters();
	const statements = countStatements(t.pool);
	let result: T;
	try {
		result = await run();
	} finally {
		statements.restore();
	}
	expect(statements.texts.filter((t) => /\b(INSERT|UPDATE|DELETE)\b|advisory/i.test(t))).toEqual([]);
	expect(statements.texts.length).toBeGreaterThan(0);
	const counters = t.env.sandbox.counters();
	for (const write of WRITES) expect([write, counters[write] ?? 0]).toEqual([write, 0]);
	expect(JSON.stringify(t.env.sandbox.store())).toBe(sandboxState);
	expect(await fingerprint()).toEqual(tables);
	return result;
}

const REAL_OF: Record<string, string> = { create: 'created', adopt: 'updated', update: 'updated', unchanged: 'unchanged', conflict: 'conflict' };

/** Item by item: the real run did what the Dry Run said. */
function expectSameDecisions(dry: DryRunOutcome[], real: SyncOutcome[]) {
	expect(real).toHaveLength(dry.length);
	for (const [i, d] of dry.entries()) {
		const r = real[i];
		const what = `item ${i} (${d.crmId})`;
		if (d.error !== undefined) {
			expect([what, (r.error as Error | undefined)?.message]).toEqual([what, (d.error as Error).message]);
			continue;
		}
		expect([what, r.error]).toEqual([what, undefined]);
		expect([what, r.status, r.matchedExisting]).toEqual([what, REAL_OF[d.status!], d.status === 'adopt']);
		if (d.mkId) expect([what, r.mkId]).toEqual([what, d.mkId]);
		else expect(['create', 'update']).toContain(d.status);
	}
}

describe('Dry Run: products', () => {
	const product = (crmId: string, over: Record<string, unknown> = {}, itemIndex = 0): ProductToSync =>
		parseCrmProduct({ crmId, code: `PL-${crmId}`, name: `Izdelek ${crmId}`, price: '10,00', pricelist: 'MPC', tax: 'EX4', ...over }, itemIndex);

	it('create, adopt, update, unchanged, conflict, re-create and a refused adoption: as the real run then does', async () => {
		const seeded = await syncProducts(t, [product('upd'), product('same'), product('conf'), product('gone')]);
		expect(seeded.map((o) => o.status)).toEqual(['created', 'created', 'created', 'created']);
		const existing = await t.client.addProduct({ code: 'PL-adopt', name: 'Že v Metakocki', unit: 'kos' });
		await t.client.updateProduct({ mk_id: seeded[2].mkId!, name: 'Spremenjeno v Metakocki' });
		await t.client.deleteProduct({ mk_id: seeded[3].mkId! });

		const items = [
			product('new'),
			product('adopt', { name: 'Iz CRM' }),
			product('upd', { price: '12,00' }),
			product('same'),
			product('conf', { price: '11,00' }),
			product('gone', { name: 'Spet tu' }),
			// Its code belongs to the product mapped to "upd": adopting it would map two CRM ids to one.
			product('owned', { code: 'PL-upd' }),
		].map((p, itemIndex) => ({ ...p, itemIndex }));

		const dry = await dryRun(() => previewProducts(t, items));
		expect(dry.map((o) => o.error === undefined ? o.status : 'error')).toEqual(['create', 'adopt', 'update', 'unchanged', 'conflict', 'create', 'error']);
		expect(dry[1]).toMatchObject({ mkId: existing.result.mk_id, foundBy: 'code "PL-adopt"', matchedExisting: true });
		expect(dry[1].changes).toEqual(expect.arrayContaining([{ field: 'name', old: 'Že v Metakocki', new: 'Iz CRM' }]));
		expect(dry[2].changes).toEqual([expect.objectContaining({ new: 12 })]);
		expect(dry[4].conflict).toMatchObject({ policy: 'skip', fields: ['name'], metakocka: { name: 'Spremenjeno v Metakocki' } });
		expect((dry[6].error as Error).message).toContain('already mapped to CRM id "upd"');

		const real = await syncProducts(t, items);
		expectSameDecisions(dry, real);
	});
});

describe('Dry Run: sales documents', () => {
	const partner = { customer: 'Dry d.o.o.', street: 'Slovenska cesta 1', post_number: '1000', place: 'Ljubljana', country: 'Slovenia' };
	const line = (over: Record<string, unknown> = {}) => ({ code: 'VIJ-M8-50', amount: 10, price: 0.32, tax: 'EX4', ...over });
	const raw = (crmId: string, over: Record<string, unknown> = {}) => ({ crmId, doc_type: 'sales_order', partner, doc_date: '2026-08-01', lines: [line()], ...over });
	async function resolve(raws: unknown[]): Promise<ResolvedDocument[]> {
		const out = await resolveDocuments(t.store, t.env.companyId, raws.map((r, itemIndex) => ({ itemIndex, doc: parseDocument(r, itemIndex) })));
		for (const r of out) if ('error' in r) throw r.error;
		return out as ResolvedDocument[];
	}

	it('create, adopt by buyer order, update, unchanged, a bill\'s status, the errors a write would hit, and a CRM id twice', async () => {
		const billHead = { doc_type: 'sales_bill_domestic', service_to_date: '2026-08-01', duo_payment_days: 15 };
		const bill = (over: Record<string, unknown> = {}) => raw('d-bill', { ...billHead, count_code: 'DRY-BILL-1', ...over });
		const seeded = await syncDocuments(t, await resolve([raw('d-upd', { buyer_order: 'DRY-UPD' }), raw('d-same', { buyer_order: 'DRY-SAME' }), bill(), raw('d-bill2', { ...billHead, count_code: 'DRY-BILL-2' })]));
		expect(seeded.map((o) => o.status)).toEqual(['created', 'created', 'created', 'created']);
		const { result: adoptable } = await t.client.putDocument({ doc_type: 'sales_order', doc_date: '2026-08-01+02:00', buyer_order: 'DRY-ADOPT', partner, product_list: [line({ amount: 3 })] } as never);

		const items = await resolve([
			raw('d-new', { buyer_order: 'DRY-NEW' }),
			raw('d-adopt', { buyer_order: 'DRY-ADOPT' }),
			raw('d-upd', { buyer_order: 'DRY-UPD', lines: [line({ amount: 20 })] }),
			raw('d-same', { buyer_order: 'DRY-SAME' }),
			bill({ status_code: 'open' }),
			raw('d-bill2', { ...billHead, count_code: 'DRY-BILL-2', lines: [line({ amount: 1 })] }),
			raw('d-noproduct', { buyer_order: 'DRY-NOPROD', lines: [line({ code: 'NO-SUCH-PRODUCT' })] }),
			raw('d-twice', { buyer_order: 'DRY-TWICE' }),
			raw('d-twice', { buyer_order: 'DRY-TWICE', lines: [line({ amount: 7 })] }),
		]);

		const dry = await dryRun(() => previewDocuments(t, items));
		expect(dry.map((o) => (o.error === undefined ? o.status : (o.error as { code?: string }).code))).toEqual([
			'create',
			'adopt',
			'update',
			'unchanged',
			'update',
			'BILL_NOT_REWRITABLE',
			undefined, // an InputError: the line's product is not in Metakocka
			'create',
			'update',
		]);
		expect(dry[1]).toMatchObject({ mkId: adoptable.mk_id, foundBy: 'buyer order "DRY-ADOPT"' });
		expect(dry[1].changes).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'product_list[0].amount', new: 10 })]));
		expect(dry[2].changes).toEqual([expect.objectContaining({ field: 'product_list[0].amount', new: 20 })]);
		expect(dry[4].changes).toEqual([{ field: 'status_code', old: 'created', new: 'open' }]);
		expect((dry[6].error as Error).message).toContain('names product "NO-SUCH-PRODUCT"');

		const real = await syncDocuments(t, items);
		expectSameDecisions(dry, real);
	});
});
