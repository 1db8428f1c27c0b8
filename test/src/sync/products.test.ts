import { MetakockaClient } from '../../../src/client';
import { InputError } from '../../../src/input';
import { MappingStore } from '../../../src/store';
import {
	importProducts,
	parseCrmProduct,
	parseProduct,
	parseProductPatch,
	syncProducts,
	toProductInput,
	type ProductToSync,
} from '../../../src/sync/products';
import { PG, startTestEnv, type TestEnv } from '../../helpers/env';

const writes = (c: Record<string, number>) => (c.product_add ?? 0) + (c.product_update ?? 0) + (c.product_delete ?? 0);

function crmProducts(n: number, offset = 0): ProductToSync[] {
	return Array.from({ length: n }, (_, k) => {
		const i = k + offset;
		return parseCrmProduct({ crmId: `sku-${i}`, code: `SYNC-${i}`, name: `Izdelek ${i}`, price: '12,50', pricelist: 'MPC', tax: 'EX4' }, k);
	});
}

describe('product input schema', () => {
	it('defaults the unit to kos and reads a decimal comma', () => {
		const p = parseProduct({ code: 'A-1', name: 'Čaj šipek – 茶', price: '19,99', pricelist: 'MPC', weight: '1.895,5' }, 0);
		expect(p).toMatchObject({ code: 'A-1', name: 'Čaj šipek – 茶', unit: 'kos', price: 19.99, weight: 1895.5 });
		expect(toProductInput(p)).toEqual({
			code: 'A-1',
			name: 'Čaj šipek – 茶',
			unit: 'kos',
			weight: 1895.5,
			pricelist: [{ count_code: 'MPC', price_def: [{ price: 19.99 }] }],
		});
	});

	it('maps categories (comma list or paths) and extra columns (object or rows)', () => {
		const a = toProductInput(parseProduct({ code: 'A', name: 'A', categories: 'Sadje, Zelenjava', extra_column: { barva: 'rdeča', kos: 3 } }, 0));
		expect(a.categories).toEqual([{ category: 'Sadje' }, { category: 'Zelenjava' }]);
		expect(a.extra_column).toEqual([
			{ name: 'barva', value: 'rdeča' },
			{ name: 'kos', value: '3' },
		]);
		const b = toProductInput(parseProduct({ code: 'B', name: 'B', categories: ['Sadje', ['Sadje', 'Hruška']], extra_column: [{ name: 'x', value: true }] }, 0));
		expect(b.categories).toEqual([{ category: 'Sadje' }, { category: ['Sadje', 'Hruška'] }]);
		expect(b.extra_column).toEqual([{ name: 'x', value: 'true' }]);
	});

	it.each([
		['missing code', { name: 'Brez kode' }, 'Item 3: field "code" is required'],
		['missing name', { code: 'X' }, 'Item 3: field "name" is required'],
		['a 201-character name', { code: 'X', name: 'N'.repeat(201) }, 'Item 3: field "name" must be at most 200 characters'],
		['a 21-character code (char 20, product_concept.md)', { code: 'C'.repeat(21), name: 'N' }, 'Item 3: field "code" must be at most 20 characters'],
		['a 701-character description', { code: 'X', name: 'N', name_desc: 'D'.repeat(701) }, 'Item 3: field "name_desc" must be at most 700 characters'],
		['a price with a currency', { code: 'X', name: 'N', price: '12 eur', pricelist: 'MPC' }, 'Item 3: field "price" must be a number, e.g. 19.99 or 19,99'],
		['a negative price', { code: 'X', name: 'N', price: '-1', pricelist: 'MPC' }, 'Item 3: field "price" must not be negative'],
		['a price without a price list', { code: 'X', name: 'N', price: '10' }, 'Item 3: field "pricelist" is required when a price or tax is given'],
		['a flag that is not a boolean', { code: 'X', name: 'N', sales: 'maybe' }, 'Item 3: field "sales" must be true or false'],
		['an unknown field', { code: 'X', name: 'N', colour: 'red' }, 'Item 3: field "(item)" unrecognized key(s) in object'],
	])('rejects %s naming the item and the field', (_label, raw, message) => {
		expect(() => parseProduct(raw, 3)).toThrow(InputError);
		expect(() => parseProduct(raw, 3)).toThrow(message);
	});

	it('requires a CRM id for sync and allows a partial patch for update', () => {
		expect(() => parseCrmProduct({ code: 'X', name: 'N' }, 0)).toThrow('Item 0: field "crmId" is required');
		expect(parseCrmProduct({ crmId: 42, code: 'X', name: 'N' }, 0)).toMatchObject({ crmId: '42', product: { unit: 'kos' } });
		expect(parseProductPatch({ price: '3,20', pricelist: 'MPC' }, 0)).toEqual({ price: 3.2, pricelist: 'MPC' });
		expect(parseProductPatch({}, 0)).toEqual({});
	});
});

describe('syncProducts / importProducts (sandbox + Postgres)', () => {
	let env: TestEnv;
	let client: MetakockaClient;
	let store: MappingStore;
	let otherStore: MappingStore;

	beforeAll(async () => {
		env = await startTestEnv({ companies: [{ companyId: '17', secretKey: 'secret-17' }] });
		client = new MetakockaClient(env.credentials.metakockaApi as never, { reconcileDelayMs: 0 });
		store = await MappingStore.open({ ...PG, ssl: 'disable' }, { schema: env.schema });
		// A second worker on the same database.
		otherStore = await MappingStore.open({ ...PG, ssl: 'disable' }, { schema: env.schema });
	});
	afterAll(async () => {
		await store.close();
		await otherStore.close();
		await env.close();
	});

	it('creates once; the second run costs no Metakocka call at all', async () => {
		const before = env.sandbox.store().products.length;
		const first = await syncProducts({ client, store }, crmProducts(30));
		expect(first.every((o) => o.status === 'created' && !o.error)).toBe(true);
		expect(env.sandbox.store().products.length - before).toBe(30);

		env.sandbox.resetCounters();
		const second = await syncProducts({ client, store }, crmProducts(30));
		expect(second.map((o) => o.status)).toEqual(Array(30).fill('unchanged'));
		expect(second.map((o) => o.mkId)).toEqual(first.map((o) => o.mkId));
		expect(env.sandbox.counters()).toEqual({});
		expect(env.sandbox.store().products.length - before).toBe(30);
	});

	it('updates a changed product in place by mk_id and records the new hash', async () => {
		const [item] = crmProducts(1, 0);
		item.product = { ...item.product, name: 'Izdelek 0 – nova različica', price: 13 };
		env.sandbox.resetCounters();
		const [out] = await syncProducts({ client, store }, [item]);
		expect(out).toMatchObject({ status: 'updated', matchedExisting: false });
		expect(env.sandbox.counters()).toMatchObject({ product_update: 1 });
		expect(env.sandbox.counters().product_add ?? 0).toBe(0);
		const p = await client.getProduct({ mk_id: out.mkId! }, { return_pricelist: true });
		expect(p).toMatchObject({ name: 'Izdelek 0 – nova različica', code: 'SYNC-0' });
		expect(p?.pricelist?.[0].price_def?.[0].price).toBe(13);
		const [again] = await syncProducts({ client, store }, [item]);
		expect(again.status).toBe('unchanged');
	});

	it('removes a barcode the CRM cleared (an empty value would keep it)', async () => {
		const base = parseCrmProduct({ crmId: 'bar-1', code: 'BAR-1', name: 'S črtno kodo', barcode: '3830000000012' }, 0);
		const [created] = await syncProducts({ client, store }, [base]);
		expect((await client.getProduct({ mk_id: created.mkId! }))?.barcode).toBe('3830000000012');
		const cleared = parseCrmProduct({ crmId: 'bar-1', code: 'BAR-1', name: 'S črtno kodo' }, 0);
		const [out] = await syncProducts({ client, store }, [cleared]);
		expect(out.status).toBe('updated');
		expect((await client.getProduct({ mk_id: created.mkId! }))?.barcode).toBeUndefined();
	});

	it('ends with exactly one product and its mapping when product_add was applied but its answer was lost', async () => {
		const before = env.sandbox.store().products.length;
		env.sandbox.injectFault({ method: 'product_add', kind: 'applied_lost' });
		const item = parseCrmProduct({ crmId: 'lost-1', code: 'LOST-1', name: 'Izgubljen odgovor' }, 0);
		const [out] = await syncProducts({ client, store }, [item]);
		expect(out).toMatchObject({ status: 'created', reconciled: true });
		expect(env.sandbox.store().products.filter((p) => p.code === 'LOST-1')).toHaveLength(1);
		expect(env.sandbox.store().products.length - before).toBe(1);
		const mapping = (await store.products.getByCrmIds(env.companyId, ['lost-1'])).get('lost-1');
		expect(mapping?.mkId).toBe(out.mkId);
		env.sandbox.resetCounters();
		const [again] = await syncProducts({ client, store }, [item]);
		expect(again.status).toBe('unchanged');
		expect(writes(env.sandbox.counters())).toBe(0);
	});

	it('adopts the existing product with the same code instead of adding a duplicate', async () => {
		// PA-101 / VIJ-M8-50 is in the seed, never synced.
		const item = parseCrmProduct({ crmId: 'shop-vij', code: 'VIJ-M8-50', name: 'Vijak M8x50 pocinkan (trgovina)' }, 0);
		env.sandbox.resetCounters();
		const [out] = await syncProducts({ client, store }, [item]);
		expect(out).toMatchObject({ status: 'updated', matchedExisting: true, countCode: 'PA-101' });
		expect(env.sandbox.counters().product_add ?? 0).toBe(0);
		expect(env.sandbox.store().products.filter((p) => p.code === 'VIJ-M8-50')).toHaveLength(1);

		// The same Metakocka product cannot be claimed by a second CRM product.
		const twin = parseCrmProduct({ crmId: 'shop-vij-2', code: 'VIJ-M8-50', name: 'Dvojnik' }, 0);
		const [conflict] = await syncProducts({ client, store }, [twin]);
		expect(String((conflict.error as Error).message)).toMatch(/already mapped to CRM id "shop-vij"/);
	});

	it('with matching off, always adds', async () => {
		const item = parseCrmProduct({ crmId: 'dup-mat', code: 'MAT-M8', name: 'Matica (nova)' }, 0);
		const [out] = await syncProducts({ client, store }, [item], { matchExisting: 'none' });
		expect(out).toMatchObject({ status: 'created', matchedExisting: false });
		expect(env.sandbox.store().products.filter((p) => p.code === 'MAT-M8')).toHaveLength(2);
		// Now the code is ambiguous: matching refuses to guess.
		const another = parseCrmProduct({ crmId: 'dup-mat-2', code: 'MAT-M8', name: 'Matica' }, 0);
		const [ambiguous] = await syncProducts({ client, store }, [another]);
		expect(String((ambiguous.error as Error).message)).toMatch(/2 products in Metakocka have code "MAT-M8"/);
	});

	it('adds the product again when it was deleted in Metakocka after being mapped', async () => {
		const item = parseCrmProduct({ crmId: 'gone-1', code: 'GONE-1', name: 'Izbrisan' }, 0);
		const [created] = await syncProducts({ client, store }, [item]);
		await client.deleteProduct({ mk_id: created.mkId! });
		const changed = parseCrmProduct({ crmId: 'gone-1', code: 'GONE-1', name: 'Izbrisan, spet tu' }, 0);
		const [out] = await syncProducts({ client, store }, [changed]);
		expect(out.status).toBe('created');
		expect(out.mkId).not.toBe(created.mkId);
		expect(env.sandbox.store().products.filter((p) => p.code === 'GONE-1')).toHaveLength(1);
	});

	it('two workers syncing the same new products at once create each only once', async () => {
		const items = crmProducts(10, 300);
		const [a, b] = await Promise.all([
			syncProducts({ client, store }, items),
			syncProducts({ client, store: otherStore }, items),
		]);
		const statuses = [...a, ...b].map((o) => o.status).sort();
		expect(statuses.filter((s) => s === 'created')).toHaveLength(10);
		expect(statuses.filter((s) => s === 'unchanged')).toHaveLength(10);
		for (let i = 300; i < 310; i++) expect(env.sandbox.store().products.filter((p) => p.code === `SYNC-${i}`)).toHaveLength(1);
	});

	it('keeps two companies in one database apart', async () => {
		const client17 = new MetakockaClient({ companyId: '17', secretKey: 'secret-17', baseUrl: env.sandbox.baseUrl });
		const items = crmProducts(2, 0);
		const out = await syncProducts({ client: client17, store }, items);
		// Company 16 has these CRM ids mapped already; company 17 gets its own products.
		expect(out.map((o) => o.status)).toEqual(['created', 'created']);
		const m16 = await store.products.getByCrmIds('16', ['sku-0', 'sku-1']);
		const m17 = await store.products.getByCrmIds('17', ['sku-0', 'sku-1']);
		expect(m17.get('sku-1')?.mkId).toBe(out[1].mkId);
		expect(m16.get('sku-1')?.mkId).not.toBe(out[1].mkId);
		expect(env.sandbox.store('17').products.filter((p) => String(p.code).startsWith('SYNC-'))).toHaveLength(2);
		expect(env.sandbox.store('16').products.filter((p) => p.mk_id === out[1].mkId)).toHaveLength(0);
	});

	it('imports the catalogue with the CRM id each product is mapped to', async () => {
		env.sandbox.resetCounters();
		const all = await importProducts(client, store);
		expect(all.count).toBe(env.sandbox.store().products.length);
		expect(env.sandbox.counters().product_list).toBe(1);
		const vij = all.products.find((p) => p.code === 'VIJ-M8-50');
		expect(vij?.crmId).toBe('shop-vij');
		expect(all.products.find((p) => p.code === 'POD-M8')?.crmId).toBeNull();
		expect(all.mapped).toBeGreaterThan(30);

		const few = await importProducts(client, store, { filter: { code: 'SYNC-', search_with_like: true }, limit: 5 });
		expect(few.count).toBe(5);
		expect(few.products.every((p) => p.crmId?.startsWith('sku-'))).toBe(true);
		expect(await store.syncState.get(env.companyId, 'product_import')).toMatchObject({ count: 5, complete: false });
	});

	it('Max Records per Run: bounded runs continue through the catalogue, every product once, also after a failed run', async () => {
		const total = env.sandbox.store().products.length;
		const seen: string[] = [];
		let runs = 0;
		let failedOnce = false;
		for (;;) {
			if (runs === 1 && !failedOnce) {
				// This run fails with every retry: it returns nothing and the position stays.
				env.sandbox.injectFault({ method: 'product_list', kind: 'http_500', times: 4 });
				await expect(importProducts(client, store, { limit: 14 })).rejects.toMatchObject({ code: 'HTTP_500' });
				failedOnce = true;
				continue;
			}
			const r = await importProducts(client, store, { limit: 14 });
			runs++;
			seen.push(...r.products.map((p) => p.mk_id));
			if (r.complete) break;
			if (runs > 100) throw new Error('no end');
		}
		env.sandbox.clearFaults();
		expect(failedOnce).toBe(true);
		expect(seen).toHaveLength(total);
		expect(new Set(seen).size).toBe(total);
	});
});
