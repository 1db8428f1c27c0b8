import type { IDataObject } from 'n8n-workflow';

import { MetakockaProduct } from '../../../nodes/MetakockaProduct/MetakockaProduct.node';
import { fakeExecuteFunctions, type FakeRun } from '../../helpers/n8n';
import { startTestEnv, type TestEnv } from '../../helpers/env';

const node = new MetakockaProduct();
type Item = { json: IDataObject };

const FIELD_PARAMS: FakeRun['params'] = {
	crmId: (_i: number, item: Item) => item.json.id,
	code: (_i: number, item: Item) => item.json.code ?? item.json.sku ?? '',
	name: (_i: number, item: Item) => item.json.name ?? item.json.title ?? '',
	unit: (_i: number, item: Item) => item.json.unit ?? '',
	price: (_i: number, item: Item) => item.json.price ?? '',
	pricelist: 'MPC',
	otherFields: { field: [{ name: 'sales', value: 'true' }] },
	extraColumns: {},
};

function shopProducts(n: number, offset = 0): IDataObject[] {
	return Array.from({ length: n }, (_, k) => {
		const i = k + offset;
		return { id: `shop-${i}`, sku: `SHOP-${i}`, title: `Artikel ${i} – ščž`, price: `${i},99` };
	});
}

const COMPANY_17 = { companyId: '17', secretKey: 'secret-of-17' };

describe('Metakocka Product: Sync, Import, Get Mappings', () => {
	let env: TestEnv;
	beforeAll(async () => {
		env = await startTestEnv({ companies: [COMPANY_17] });
	});
	afterAll(async () => env.close());

	const exec = (operation: string, params: FakeRun['params'], items: IDataObject[] = [{}], extra: Partial<FakeRun> = {}) =>
		node.execute.call(
			fakeExecuteFunctions({
				params: { resource: 'product', operation, mappingStore: env.mappingStore, ...params },
				items,
				credentials: env.credentials,
				...extra,
			}),
		);
	const sync = (items: IDataObject[], extra: Partial<FakeRun> = {}) => exec('sync', { ...FIELD_PARAMS, syncOptions: {} }, items, extra);
	const writeCalls = () => {
		const c = env.sandbox.counters();
		return (c.product_add ?? 0) + (c.product_update ?? 0) + (c.product_delete ?? 0) + (c.__writes_applied ?? 0);
	};
	const mappingCount = async (companyId = env.companyId) =>
		(await env.pool.query(`SELECT count(*)::int AS n FROM ${env.schema}.metakocka_product_mappings WHERE company_id = $1`, [companyId])).rows[0].n;

	it('creates 120 products once; the second run makes zero write calls and no duplicates', async () => {
		const before = env.sandbox.store().products.length;
		const [first] = await sync(shopProducts(120));
		expect(first).toHaveLength(120);
		expect(first.every((o) => o.json.status === 'created')).toBe(true);
		expect(first.map((o) => o.pairedItem)).toEqual(shopProducts(120).map((_, i) => ({ item: i })));
		expect(env.sandbox.store().products.length - before).toBe(120);
		expect(await mappingCount()).toBe(120);

		env.sandbox.resetCounters();
		const [second] = await sync(shopProducts(120));
		expect(second.every((o) => o.json.status === 'unchanged')).toBe(true);
		expect(second.map((o) => o.json.mkId)).toEqual(first.map((o) => o.json.mkId));
		expect(writeCalls()).toBe(0);
		// Not even a read: unchanged products are decided from the mapping store alone.
		expect(env.sandbox.counters()).toEqual({});
		expect(env.sandbox.store().products.length - before).toBe(120);
		const stored = env.sandbox.store().products.find((p) => p.code === 'SHOP-7');
		expect(stored).toMatchObject({ name: 'Artikel 7 – ščž', unit: 'kos', sales: 'true' });
		expect(stored?.pricelist).toEqual([{ count_code: 'MPC', price_def: { price: '7.99' } }]);
	});

	it('updates a changed product in place and reports created / updated / unchanged per item', async () => {
		const items = shopProducts(2, 0);
		items[1] = { ...items[1], price: '2,49' };
		items.push(...shopProducts(1, 500));
		env.sandbox.resetCounters();
		const [out] = await sync(items);
		expect(out.map((o) => o.json.status)).toEqual(['unchanged', 'updated', 'created']);
		expect(env.sandbox.counters()).toMatchObject({ product_update: 1, product_add: 1 });
	});

	it('ends with exactly one product and its mapping when product_add was applied but its answer was lost', async () => {
		const before = env.sandbox.store().products.length;
		env.sandbox.injectFault({ method: 'product_add', kind: 'applied_lost' });
		const item = shopProducts(1, 900)[0];
		const [out] = await sync([item]);
		expect(out[0].json).toMatchObject({ status: 'created', reconciled: true });
		expect(env.sandbox.store().products.filter((p) => p.code === 'SHOP-900')).toHaveLength(1);
		expect(env.sandbox.store().products.length - before).toBe(1);
		const { rows } = await env.pool.query(`SELECT mk_id FROM ${env.schema}.metakocka_product_mappings WHERE crm_id = 'shop-900'`);
		expect(rows).toEqual([{ mk_id: out[0].json.mkId }]);
		env.sandbox.resetCounters();
		const [again] = await sync([item]);
		expect(again[0].json.status).toBe('unchanged');
		expect(writeCalls()).toBe(0);
	});

	it('rejects bad input naming the item and the field, and writes nothing', async () => {
		env.sandbox.resetCounters();
		const bad = [...shopProducts(2, 700), { id: 'shop-bad', sku: 'BAD', title: 'x'.repeat(10_000) }];
		await expect(sync(bad)).rejects.toThrow('"name" must be at most 200 characters');
		await expect(sync([{ id: 'shop-nocode', title: 'Brez kode' }])).rejects.toThrow('"code" is required');
		await expect(sync([{ id: 'shop-noname', sku: 'NONAME' }])).rejects.toThrow('"name" is required');
		await expect(sync([{ sku: 'NOID', title: 'Brez ID' }])).rejects.toThrow('"crmId" is required');
		await expect(sync([{ id: 'shop-price', sku: 'P', title: 'P', price: 'devetnajst' }])).rejects.toThrow('"price" must be a number');
		expect(env.sandbox.counters()).toEqual({});
		expect(env.sandbox.store().products.filter((p) => p.code === 'SHOP-700')).toHaveLength(0);
	});

	it('with Continue On Fail reports the bad item on its own and syncs the rest', async () => {
		const items = [...shopProducts(1, 600), { id: 'shop-601', title: 'Brez kode' }];
		const [out] = await sync(items, { continueOnFail: true });
		expect(out).toHaveLength(2);
		expect(out[0].json.status).toBe('created');
		expect(out[1].json).toMatchObject({ field: 'code' });
		expect(out[1].pairedItem).toEqual({ item: 1 });
	});

	it('keeps two companies in one database apart', async () => {
		const credentials17 = { ...env.credentials, metakockaApi: { ...env.credentials.metakockaApi, ...COMPANY_17 } };
		const [out] = await sync(shopProducts(3, 0), { credentials: credentials17 });
		// shop-0..2 are mapped for company 16 already; company 17 gets products of its own.
		expect(out.map((o) => o.json.status)).toEqual(['created', 'created', 'created']);
		expect(await mappingCount('17')).toBe(3);
		expect(env.sandbox.store('17').products.filter((p) => String(p.code).startsWith('SHOP-'))).toHaveLength(3);

		const [mine] = await exec('getMappings', { crmIds: 'shop-0', returnAll: true });
		const [theirs] = await exec('getMappings', { crmIds: 'shop-0', returnAll: true }, [{}], { credentials: credentials17 });
		expect(mine).toHaveLength(1);
		expect(theirs).toHaveLength(1);
		expect(mine[0].json.companyId).toBe('16');
		expect(theirs[0].json.companyId).toBe('17');
		expect(theirs[0].json.mkId).toBe(out[0].json.mkId);
		expect(mine[0].json.mkId).not.toBe(theirs[0].json.mkId);
	});

	it('lists mappings with Return All beyond one page, or up to a limit', async () => {
		const total = await mappingCount();
		const [all] = await exec('getMappings', { crmIds: '', returnAll: true });
		expect(all).toHaveLength(total);
		expect(total).toBeGreaterThan(100);
		const [some] = await exec('getMappings', { crmIds: '', returnAll: false, limit: 5 });
		expect(some).toHaveLength(5);
		expect(some[0].json).toMatchObject({ crmId: expect.any(String), mkId: expect.any(String), createdAt: expect.any(String) });
	});

	it('imports the catalogue with the CRM id of each synced product', async () => {
		env.sandbox.resetCounters();
		const [out] = await exec('import', { returnAll: true, filters: { code: 'SHOP-' }, listOptions: {} });
		expect(out.length).toBe(env.sandbox.store().products.filter((p) => String(p.code).startsWith('SHOP-')).length);
		expect(env.sandbox.counters().product_list).toBe(1);
		const shop5 = out.find((o) => o.json.code === 'SHOP-5');
		expect(shop5?.json.crmId).toBe('shop-5');
		expect(out.every((o) => o.json.crmId !== null)).toBe(true);
		expect(out.every((o) => (o.pairedItem as { item: number }).item === 0)).toBe(true);

		const [seed] = await exec('import', { returnAll: false, limit: 2, filters: { code: 'M8' }, listOptions: {} });
		expect(seed).toHaveLength(2);
		expect(seed.every((o) => o.json.crmId === null)).toBe(true);
	});
});
