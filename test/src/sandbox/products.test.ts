// product_list/add/update/delete, warehouse_list, warehouse_stock, sync_stock (/rest/eshop/v1/json/, /rest/eshop/).
import { ART1, AUTH, ESHOP, minimalOrder, nonStringScalars, post, useSandbox, type Json } from './helpers';

const { sb, v1, json } = useSandbox();

/** The product_add request of product_add.md (trimmed of pricelist rows). */
const DOC_PRODUCT = {
	count_code: 'eshop_001',
	code: 'eshop_001_sif',
	barcode: '987654321',
	name: 'artikel eshop_001',
	name_desc: 'artikel eshop_001 - daljsi opis',
	unit: 'kos',
	service: 'false',
	sales: 'true',
	purchasing: 'false',
	height: '12.23',
	depth: '4.12',
	width: '15',
	weight: '6.3',
	gross_weight: '0,8',
	localization: [{ language: 'en', name: 'en name', name_desc: 'en desc' }],
	categories: [{ category: 'Sadje' }, { category: ['Sadje', 'Hruška'] }],
	pricelist: [{ count_code: 'CENIK_001', price_def: [{ amount_from: '0', amount_to: '6', discount: '5', tax: '220', price: '8', price_with_tax: '10' }] }],
};

describe('product_add', () => {
	it('answers {opr_code, opr_time_ms, mk_id, count_code} for the documented request', async () => {
		const r = await json('product_add', DOC_PRODUCT);
		expect(Object.keys(r).sort()).toEqual(['count_code', 'mk_id', 'opr_code', 'opr_time_ms']);
		expect(r).toMatchObject({ opr_code: '0', count_code: 'eshop_001' });
		expect(r.mk_id).toMatch(/^\d+$/);
	});

	it('fails when a product with the same count_code and code exists', async () => {
		const r = await json('product_add', DOC_PRODUCT);
		expect(r.opr_code).not.toBe('0');
		expect(r.opr_desc).toContain('eshop_001');
	});

	it('needs code, name and unit; auto-numbers count_code when missing', async () => {
		expect((await json('product_add', { code: 'x1', name: 'X' })).opr_code).toBe('2');
		const r = await json('product_add', { code: 'auto1', name: 'Auto', unit: 'kg' });
		expect(r.opr_code).toBe('0');
		expect(r.count_code).toMatch(/^PA-\d+$/);
	});
});

describe('product_list', () => {
	it('returns a single hit as an OBJECT and echoes the request filters', async () => {
		const r = await json('product_list', { count_code: 'eshop_001', return_pricelist: 'true' });
		expect(r).toMatchObject({ opr_code: '0', count_code: 'eshop_001', return_pricelist: 'true', limit: '1000', offset: '0', product_list_count: '1' });
		expect(Array.isArray(r.product_list)).toBe(false);
		expect(r.product_list).toMatchObject({ count_code: 'eshop_001', code: 'eshop_001_sif', unit: 'kos', sales: 'true', activated: 'true', gross_weight: '0,8' });
		// localization with one entry is a bare object; price_def is one object per pricelist entry in reads
		expect(r.product_list.localization).toEqual({ language: 'en', name: 'en name', name_desc: 'en desc' });
		expect(r.product_list.pricelist[0].price_def).toMatchObject({ price: '8', tax: '220' });
		expect(nonStringScalars(r)).toEqual([]);
	});

	it('returns several hits as an array; product_list_count = rows in this response', async () => {
		const r = await json('product_list', { sales: true, limit: 5, offset: 0 });
		expect(Array.isArray(r.product_list)).toBe(true);
		expect(r.product_list).toHaveLength(5);
		expect(r).toMatchObject({ sales: 'true', limit: '5', offset: '0', product_list_count: '5' });
		const next = await json('product_list', { sales: 'true', limit: '5', offset: '5' });
		expect(next.product_list[0].mk_id).not.toBe(r.product_list[0].mk_id);
	});

	it('caps limit at 1000', async () => {
		expect((await json('product_list', { limit: '5000' })).limit).toBe('1000');
	});

	it('filters with LIKE on count_code/code/title and by service/active/mk_id', async () => {
		const like = await json('product_list', { search_with_like: true, title: 'vijak' });
		expect(like.product_list).toMatchObject({ code: 'VIJ-M8-50' });
		// title is documented only as a LIKE field (product_list.md 1.8): no exact form.
		const plain = await json('product_list', { title: 'vijak' });
		expect(plain.product_list).toMatchObject({ code: 'VIJ-M8-50' });
		const exactCode = await json('product_list', { code: 'vij' });
		expect(exactCode.product_list_count).toBe('0');
		const services = await json('product_list', { service: 'true' });
		expect(services.product_list.every((p: Json) => p.service === 'true')).toBe(true);
		const one = await json('product_list', { code: 'MAT-M8' });
		expect((await json('product_list', { mk_id: one.product_list.mk_id })).product_list.code).toBe('MAT-M8');
	});

	it('return_warehause_stock (sic) adds amount ("0" when never stocked) and amount_detail', async () => {
		const stocked = await json('product_list', { code: 'VRT-AKU-18', return_warehause_stock: 'true' });
		expect(stocked.product_list.amount).toBe('17');
		expect(stocked.product_list.amount_detail).toEqual([
			{ warehouse_mark: 'GL', warehouse_name: 'Glavno skladišče', amount: '14' },
			{ warehouse_mark: 'TR', warehouse_name: 'Trgovina Maribor', amount: '3' },
		]);
		const fresh = await json('product_list', { count_code: 'eshop_001', return_warehause_stock: 'true' });
		expect(fresh.product_list.amount).toBe('0');
		expect(fresh.product_list.amount_detail).toBeUndefined();
	});
});

describe('product_update / product_delete', () => {
	it('updates by count_code; empty leaves a value, $REMOVE_STRING_VALUE$ clears name_desc', async () => {
		const r = await json('product_update', { count_code: 'eshop_001', name: 'novo ime', barcode: '', name_desc: '$REMOVE_STRING_VALUE$' });
		expect(r).toMatchObject({ opr_code: '0', count_code: 'eshop_001' });
		const p = (await json('product_list', { count_code: 'eshop_001' })).product_list;
		expect(p.name).toBe('novo ime');
		expect(p.barcode).toBe('987654321');
		expect(p.name_desc).toBeUndefined();
		expect((await json('product_update', { count_code: 'missing', name: 'x' })).opr_code).not.toBe('0');
	});

	it('cannot delete a product used on a document, nor drop its sales flag', async () => {
		await json('product_add', ART1);
		expect((await v1('put_document', minimalOrder())).opr_code).toBe('0');
		expect((await json('product_delete', { count_code: 'PA_115_PA' })).opr_code).toBe('2');
		expect((await json('product_update', { count_code: 'PA_115_PA', sales: 'false' })).opr_code).toBe('2');
	});

	it('deletes an unused product by mk_id', async () => {
		const a = await json('product_add', { count_code: 'del-me', code: 'del-me', name: 'Del', unit: 'kos' });
		expect(await json('product_delete', { mk_id: a.mk_id })).toMatchObject({ opr_code: '0', mk_id: a.mk_id, count_code: 'del-me' });
		expect((await json('product_list', { count_code: 'del-me' })).product_list_count).toBe('0');
	});
});

describe('warehouse_list', () => {
	it('answers the documented shape with limit "1000" and string values', async () => {
		const r = await json('warehouse_list');
		expect(r).toMatchObject({ opr_code: '0', offset: '0', limit: '1000', warehouse_list_count: '2' });
		expect(r.warehouse_list.map((w: Json) => w.mark)).toEqual(['GL', 'TR']);
		expect(r.warehouse_list[0]).toMatchObject({ name: 'Glavno skladišče', main_warehouse: 'true', active: 'true', warehouse_type: 'normal', post: '1000', place: 'Ljubljana' });
		expect(nonStringScalars(r)).toEqual([]);
	});
});

describe('warehouse_stock', () => {
	it('filters by product_code_list (matching code, not count_code) and wh_id_list, and echoes them', async () => {
		const tr = (await json('warehouse_list')).warehouse_list[1].mk_id;
		const r = await json('warehouse_stock', { product_code_list: 'VIJ-M8-50,MAT-M8', wh_id_list: tr });
		expect(r).toMatchObject({ opr_code: '0', product_code_list: 'VIJ-M8-50,MAT-M8', wh_id_list: tr, offset: '0', limit: '1000' });
		expect(r.stock_list.map((s: Json) => s.code).sort()).toEqual(['MAT-M8', 'VIJ-M8-50']);
		for (const s of r.stock_list) {
			expect(Object.keys(s)).toEqual(expect.arrayContaining(['warehouse_id', 'mk_id', 'count_code', 'code', 'title', 'amount', 'reserved_amount', 'free_amount', 'unit']));
		}
		expect((await json('warehouse_stock', { product_code_list: 'PA-101' })).stock_list).toEqual([]);
	});

	it('keeps several rows per product/warehouse (microlocations) and pages with offset/limit', async () => {
		const rows = (await json('warehouse_stock', { product_code_list: 'VIJ-M8-50' })).stock_list;
		expect(rows.filter((s: Json) => s.microlocation).map((s: Json) => s.microlocation).sort()).toEqual(['A1', 'B3']);
		const page = await json('warehouse_stock', { limit: '3', offset: '2' });
		expect(page.stock_list).toHaveLength(3);
		expect(page.limit).toBe('3');
	});
});

describe('sync_stock (/rest/eshop/, no v1)', () => {
	it('needs a known api_user_email', async () => {
		const r = await post(sb().baseUrl, ESHOP + 'sync_stock', { ...AUTH, stock_list: [] });
		expect(r.json.opr_code).toBe('6');
	});

	it('sets stock, reports row errors under opr_code 0 and removed products (a single one as an object)', async () => {
		const wh = (await json('warehouse_list')).warehouse_list[1].mk_id; // TR
		const r = await post(sb().baseUrl, ESHOP + 'sync_stock', {
			...AUTH,
			api_user_email: 'api@sandbox.metakocka.si',
			stock_list: [
				{ warehouse_id: wh, product_code: 'MAT-M8', amount: '100' },
				{ warehouse_id: wh, product_code: 'VIJ-M8-50', amount: '5' },
				{ warehouse_id: wh, product_code: 'SID-6', amount: '7' },
				{ warehouse_id: wh, product_code: 'BAR-LES-075', amount: '1' },
				{ warehouse_id: wh, product_code: 'CEM-25', amount: '1' },
				{ warehouse_id: wh, product_code: 'SOL-PIR', amount: '1' },
				{ warehouse_id: wh, product_code: 'MED-CV-900', amount: '1' },
				{ warehouse_id: wh, product_code: 'OLJE-BUC-1', amount: '1' },
				{ warehouse_id: wh, product_code: 'ROK-DEL-L', amount: '1' },
				{ warehouse_id: wh, product_code: 'VRT-AKU-18', amount: '1' },
				{ warehouse_id: wh, product_code: 'SVED-HSS-8', amount: '1' },
				{ warehouse_id: wh, product_code: 'NOPE', amount: '1' },
				{ warehouse_id: '1', product_code: 'MAT-M8', amount: '1' },
			],
		});
		expect(r.json).toMatchObject({ opr_code: '0', opr_desc: 'Sync successful' });
		expect(r.json.stock_list).toHaveLength(11);
		expect(r.json.error_list.map((e: Json) => e.error).sort()).toEqual(['Product not found', 'Warehouse not found']);
		// PAP-A4-500 was stocked in TR and is missing from the request
		expect(r.json.stock_remove_list).toMatchObject({ product_code: 'PAP-A4-500', warehouse_id: wh, amount: '0' });
		const stock = (await json('warehouse_stock', { product_code_list: 'MAT-M8', wh_id_list: wh })).stock_list;
		expect(stock[0].amount).toBe('100');
	});
});
