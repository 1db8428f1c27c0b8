import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { MetakockaProduct } from '../../../nodes/MetakockaProduct/MetakockaProduct.node';
import { listSearch } from '../../../nodes/shared/methods/listSearch';
import { MetakockaClient } from '../../../src/client';
import { fakeExecuteFunctions, type FakeRun, type LogLine } from '../../helpers/n8n';
import { startTestEnv, type TestEnv } from '../../helpers/env';

const node = new MetakockaProduct();
type Item = { json: IDataObject };

// The node's default field expressions, evaluated the way n8n would for a typical shop export.
const FIELD_PARAMS: FakeRun['params'] = {
	code: (_i: number, item: Item) => item.json.code ?? item.json.sku ?? '',
	name: (_i: number, item: Item) => item.json.name ?? item.json.title ?? '',
	unit: (_i: number, item: Item) => item.json.unit ?? '',
	price: (_i: number, item: Item) => item.json.price ?? '',
	pricelist: '',
	otherFields: {},
	extraColumns: {},
};

describe('Metakocka Product: operations', () => {
	let env: TestEnv;
	let client: MetakockaClient;
	const logs: LogLine[] = [];

	beforeAll(async () => {
		env = await startTestEnv();
		client = new MetakockaClient(env.credentials.metakockaApi as never);
	});
	afterAll(async () => env.close());

	const run = (params: FakeRun['params'], items: IDataObject[] = [{}], extra: Partial<FakeRun> = {}) =>
		node.execute.call(fakeExecuteFunctions({ params, items, credentials: env.credentials, ...extra }, logs));
	const product = (operation: string, params: FakeRun['params'], items?: IDataObject[], extra?: Partial<FakeRun>) =>
		run({ resource: 'product', operation, ...params }, items, extra);
	const writes = () => {
		const c = env.sandbox.counters();
		return (c.product_add ?? 0) + (c.product_update ?? 0) + (c.product_delete ?? 0) + (c.__writes_applied ?? 0);
	};
	const byCode = (code: string) => env.sandbox.store().products.filter((p) => p.code === code);

	describe('Create', () => {
		it('creates products from the item, with a decimal comma price, unicode and extra fields', async () => {
			const items = [
				{ sku: 'CAJ-SIP', title: 'Čaj šipek 🍵 – 茶', price: '19,99' },
				{ sku: 'MED-LIP', title: 'Lipov med', unit: 'kg', price: 12.4 },
			];
			const [out] = await product(
				'create',
				{
					...FIELD_PARAMS,
					pricelist: 'MPC',
					otherFields: { field: [{ name: 'sales', value: 'true' }, { name: 'categories', value: 'Hrana, Pijača' }, { name: 'weight', value: '0,25' }] },
					extraColumns: { column: [{ name: 'izvor', value: 'Slovenija' }] },
				},
				items,
			);
			expect(out).toHaveLength(2);
			expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
			expect(out[0].json).toMatchObject({ status: 'created', reconciled: false });
			expect(out[0].json.mk_id).toMatch(/^\d+$/);
			const [caj] = byCode('CAJ-SIP');
			expect(caj).toMatchObject({ name: 'Čaj šipek 🍵 – 茶', unit: 'kos', sales: 'true', weight: '0.25' });
			expect(caj.pricelist).toEqual([{ count_code: 'MPC', price_def: { price: '19.99' } }]);
			expect(caj.extra_column).toEqual([{ name: 'izvor', value: 'Slovenija' }]);
			expect(byCode('MED-LIP')[0]).toMatchObject({ unit: 'kg' });
		});

		it('rejects bad input naming the item and the field, before any write', async () => {
			env.sandbox.resetCounters();
			const items = [{ sku: 'OK-1', title: 'V redu' }, { title: 'Brez kode' }];
			await expect(product('create', FIELD_PARAMS, items)).rejects.toThrow('"code" is required');
			const huge = [{ sku: 'OK-2', title: 'x'.repeat(5000) }];
			await expect(product('create', FIELD_PARAMS, huge)).rejects.toThrow('"name" must be at most 200 characters');
			const noList = [{ sku: 'OK-3', title: 'Cena brez cenika', price: '19,99' }];
			await expect(product('create', FIELD_PARAMS, noList)).rejects.toThrow('"pricelist" is required when a price or tax is given');
			const badPrice = [{ sku: 'OK-4', title: 'Cena', price: '19,99 €' }];
			await expect(product('create', { ...FIELD_PARAMS, pricelist: 'MPC' }, badPrice)).rejects.toThrow('"price" must be a number');
			expect(writes()).toBe(0);
			expect(byCode('OK-1')).toHaveLength(0);
		});

		it('with Continue On Fail creates the good items and reports the bad one on its own', async () => {
			const items = [{ sku: 'COF-1', title: 'Dober' }, { sku: 'COF-2' }, { sku: 'COF-3', title: 'Tudi dober' }];
			const [out] = await product('create', FIELD_PARAMS, items, { continueOnFail: true });
			expect(out.map((o) => o.json.status ?? 'error')).toEqual(['created', 'error', 'created']);
			expect(out[1].json).toMatchObject({ field: 'name' });
			expect(out[1].json.error).toMatch(/Item 1: field "name" is required/);
			expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		});
	});

	describe('Get', () => {
		it('gets a product by Metakocka ID, code and count code, with stock and price lists', async () => {
			const [vij] = byCode('VIJ-M8-50');
			const options = { return_warehause_stock: true, return_pricelist: true };
			const [byId] = await product('get', { findBy: 'mkId', product: { mode: 'id', value: vij.mk_id }, getOptions: options });
			expect(byId).toHaveLength(1);
			expect(byId[0].json).toMatchObject({ mk_id: vij.mk_id, code: 'VIJ-M8-50', count_code: 'PA-101', sales: true, amount: 3400 });
			expect(byId[0].json.pricelist).toEqual([expect.objectContaining({ count_code: 'MPC', price_def: [expect.objectContaining({ price: 0.35 })] })]);
			const [code] = await product('get', { findBy: 'code', value: 'VIJ-M8-50', getOptions: {} });
			const [count] = await product('get', { findBy: 'countCode', value: 'PA-101', getOptions: {} });
			expect(code[0].json.mk_id).toBe(vij.mk_id);
			expect(count[0].json.mk_id).toBe(vij.mk_id);
		});

		it('returns no item for a product Metakocka does not know', async () => {
			const [out] = await product('get', { findBy: 'code', value: 'NI-TAKEGA', getOptions: {} });
			expect(out).toEqual([]);
		});

		it('names the item when the value is empty', async () => {
			await expect(product('get', { findBy: 'code', value: '  ', getOptions: {} })).rejects.toThrow('"value" is required');
		});
	});

	describe('Get Many', () => {
		it('filters by title with a partial match, flags and category, and honours the limit', async () => {
			const [vijaki] = await product('getAll', { returnAll: true, filters: { category: 'Vijaki' }, listOptions: {} });
			expect(vijaki.map((o) => o.json.code)).toContain('VIJ-M8-50');
			const [partial] = await product('getAll', { returnAll: true, filters: { title: 'm8' }, listOptions: {} });
			expect(partial.map((o) => o.json.code).sort()).toEqual(['MAT-M8', 'POD-M8', 'VIJ-M8-50']);
			const [exact] = await product('getAll', { returnAll: true, filters: { title: 'm8', exactMatch: true }, listOptions: {} });
			expect(exact).toHaveLength(0);
			const [services] = await product('getAll', { returnAll: true, filters: { service: true }, listOptions: {} });
			expect(services.length).toBeGreaterThan(0);
			expect(services.every((o) => o.json.service === true)).toBe(true);
			env.sandbox.resetCounters();
			const [limited] = await product('getAll', { returnAll: false, limit: 3, filters: {}, listOptions: {} });
			expect(limited).toHaveLength(3);
			expect(env.sandbox.counters().product_list).toBe(1);
		});

		it('returns a single hit although Metakocka sends it as an object, not a list', async () => {
			const raw = await client.call('product_list', { code: 'POD-M8' });
			expect(Array.isArray(raw.product_list)).toBe(false);
			const [out] = await product('getAll', { returnAll: true, filters: { code: 'POD-M8', exactMatch: true }, listOptions: {} });
			expect(out).toHaveLength(1);
			expect(out[0].json).toMatchObject({ code: 'POD-M8', count_code: 'PA-103' });
			expect(out[0].pairedItem).toEqual({ item: 0 });
		});
	});

	describe('Update and Delete', () => {
		it('updates only the given fields of the picked product', async () => {
			const [caj] = byCode('CAJ-SIP');
			const [out] = await product('update', {
				...FIELD_PARAMS,
				product: { mode: 'list', value: caj.mk_id },
				pricelist: 'MPC',
			}, [{ price: '21,50' }]);
			expect(out[0].json).toMatchObject({ status: 'updated', mk_id: caj.mk_id });
			const [after] = byCode('CAJ-SIP');
			expect(after).toMatchObject({ name: 'Čaj šipek 🍵 – 茶', unit: 'kos' });
			expect(after.pricelist).toEqual([{ count_code: 'MPC', price_def: { price: '21.5' } }]);
		});

		it('deletes by Metakocka ID and by count code', async () => {
			const [med] = byCode('MED-LIP');
			const [a] = await product('delete', { findBy: 'mkId', product: { mode: 'id', value: med.mk_id } });
			expect(a[0].json).toEqual({ status: 'deleted', mk_id: med.mk_id });
			const [cof] = byCode('COF-1');
			const [b] = await product('delete', { findBy: 'countCode', countCode: cof.count_code });
			expect(b[0].json).toEqual({ status: 'deleted', count_code: cof.count_code });
			expect(byCode('MED-LIP')).toHaveLength(0);
			expect(byCode('COF-1')).toHaveLength(0);
		});

		it('reports Metakocka refusing to delete a product used on documents, on that item only', async () => {
			const [bar] = byCode('BAR-LES-075');
			const [cof] = byCode('COF-3');
			const items = [{ id: String(bar.mk_id) }, { id: String(cof.mk_id) }];
			const [out] = await product(
				'delete',
				{ findBy: 'mkId', product: (_i: number, item: Item) => ({ mode: 'id', value: item.json.id }) },
				items,
				{ continueOnFail: true },
			);
			expect(out[0].json).toMatchObject({ code: '2', method: 'product_delete' });
			expect(String(out[0].json.error)).toMatch(/used on documents/);
			expect(out[1].json.status).toBe('deleted');
			await expect(product('delete', { findBy: 'mkId', product: { mode: 'id', value: bar.mk_id } })).rejects.toThrow(/used on documents/);
		});
	});

	describe('Warehouse', () => {
		it('lists warehouses and offers them in the locator', async () => {
			const [out] = await run({ resource: 'warehouse', operation: 'getAll', returnAll: true });
			expect(out.map((o) => o.json.mark)).toEqual(['GL', 'TR']);
			const ctx = fakeExecuteFunctions({ params: {}, credentials: env.credentials });
			const found = await listSearch.searchWarehouses.call(ctx as never, 'maribor');
			expect(found.results).toEqual([{ name: 'Trgovina Maribor (TR)', value: out[1].json.mk_id }]);
		});

		it('gets stock for a chosen warehouse and product codes, one row per warehouse and product', async () => {
			const warehouses = env.sandbox.store().warehouses;
			const gl = warehouses.find((w) => w.mark === 'GL')!;
			const [out] = await run(
				{
					resource: 'warehouse',
					operation: 'getStock',
					warehouseScope: 'one',
					warehouse: { mode: 'list', value: gl.mk_id },
					productScope: 'codes',
					productCodes: (_i: number, item: Item) => item.json.code,
					stockOptions: {},
				},
				[{ code: 'VIJ-M8-50, BAR-LES-075' }],
			);
			const rows = Object.fromEntries(out.map((o) => [o.json.code, o.json]));
			expect(Object.keys(rows).sort()).toEqual(['BAR-LES-075', 'VIJ-M8-50']);
			// VIJ-M8-50 lies in two microlocations of GL (2500 in A1, 500 in B3).
			expect(rows['VIJ-M8-50']).toMatchObject({ warehouse_id: gl.mk_id, warehouse_mark: 'GL', warehouse_name: gl.name, amount: 3000, reserved_amount: 0, free_amount: 3000, rows: 2 });
			// An open sales order reserves 3 of the 48.
			expect(rows['BAR-LES-075']).toMatchObject({ amount: 48, reserved_amount: 3, free_amount: 45, unit: 'kos' });
			expect(out.every((o) => o.pairedItem && (o.pairedItem as { item: number }).item === 0)).toBe(true);
		});

		it('gets all stock, raw rows as Metakocka sends them', async () => {
			const [grouped] = await run({ resource: 'warehouse', operation: 'getStock', warehouseScope: 'all', productScope: 'all', stockOptions: {} });
			const [raw] = await run({ resource: 'warehouse', operation: 'getStock', warehouseScope: 'all', productScope: 'all', stockOptions: { rows: 'raw' } });
			const marks = new Set(grouped.map((o) => o.json.warehouse_mark));
			expect(marks).toEqual(new Set(['GL', 'TR']));
			expect(raw.length).toBe(grouped.length + 1);
			const sum = (list: INodeExecutionData[]) => list.reduce((s, o) => s + Number(o.json.amount), 0);
			expect(sum(raw)).toBeCloseTo(sum(grouped), 6);
			expect(raw.filter((o) => o.json.code === 'VIJ-M8-50' && o.json.warehouse_mark === 'GL').map((o) => o.json.microlocation).sort()).toEqual(['A1', 'B3']);
		});

		it('names the item when no product code is given', async () => {
			await expect(
				run({ resource: 'warehouse', operation: 'getStock', warehouseScope: 'all', productScope: 'codes', productCodes: ' , ', stockOptions: {} }),
			).rejects.toThrow('"productCodes" is required');
		});
	});

	it('never writes the secret key into a log line', () => {
		expect(logs.length).toBeGreaterThan(0);
		expect(JSON.stringify(logs)).not.toContain(env.secretKey);
	});
});
