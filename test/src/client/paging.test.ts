import nock from 'nock';
import { auth, BASE, makeClient, mk, ok } from './helpers';


const product = (i: number) => ({ mk_id: String(1600000000 + i), count_code: `P${i}`, code: `c${i}`, name: `N${i}`, amount: '1,5' });
const products = (from: number, n: number) => Array.from({ length: n }, (_, k) => product(from + k));

describe('product_list windows', () => {
	it('1000 + 1000 + 37: three windows with offsets, echoed filters ignored', async () => {
		const offsets: string[] = [];
		const reply = (rows: ReturnType<typeof products>) =>
			ok({
				// echoes of the request filters: must not end up in the results
				sales: 'true',
				return_warehause_stock: 'true',
				limit: '1000',
				product_list_count: String(rows.length),
				product_list: rows,
			});
		const scope = mk()
			.post('/rest/eshop/v1/json/product_list', (b) => {
				offsets.push(b.offset);
				return b.secret_key === auth.secret_key && b.sales === 'true' && b.return_warehause_stock === 'true' && b.limit === '1000';
			})
			.times(3)
			.reply((_uri, body) => {
				const offset = Number((body as Record<string, string>).offset);
				return [200, reply(offset === 0 ? products(0, 1000) : offset === 1000 ? products(1000, 1000) : products(2000, 37))];
			});
		const seen: string[] = [];
		for await (const p of makeClient().iterateProducts({ sales: true, return_warehause_stock: true })) {
			seen.push(p.count_code as string);
			expect(p.amount).toBe(1.5);
			expect(p).not.toHaveProperty('sales');
		}
		expect(seen).toHaveLength(2037);
		expect(new Set(seen).size).toBe(2037);
		expect(offsets).toEqual(['0', '1000', '2000']);
		expect(scope.isDone()).toBe(true);
	});

	it('a window that is exactly full is followed by an empty one', async () => {
		mk()
			.post('/rest/eshop/v1/json/product_list', (b) => b.offset === '0' && b.limit === '2')
			.reply(200, ok({ product_list_count: '2', product_list: products(0, 2) }))
			.post('/rest/eshop/v1/json/product_list', (b) => b.offset === '2' && b.limit === '2')
			.reply(200, ok({ product_list_count: '0' }));
		const all = [];
		for await (const p of makeClient().iterateProducts({}, 2)) all.push(p);
		expect(all).toHaveLength(2);
	});

	it('listProducts is one window, limit clamped to 1000', async () => {
		const scope = mk()
			.post('/rest/eshop/v1/json/product_list', { ...auth, code: 'x', limit: '1000', offset: '5' })
			.reply(200, ok({ product_list_count: '1', product_list: product(1) }));
		const rows = await makeClient().listProducts({ code: 'x' }, { limit: 5000, offset: 5 });
		expect(rows).toEqual([{ mk_id: '1600000001', count_code: 'P1', code: 'c1', name: 'N1', amount: 1.5 }]);
		expect(scope.isDone()).toBe(true);
	});
});

describe('search pages', () => {
	const hits = (from: number, n: number) => Array.from({ length: n }, (_, k) => ({ mk_id: String(from + k), opr_code: '0', count_code: `S${from + k}` }));

	it('result_all_records 250 -> 3 calls of limit 100 via offset', async () => {
		const bodies: Array<Record<string, string>> = [];
		const scope = mk()
			.post('/rest/eshop/v1/search')
			.times(3)
			.reply((_uri, body) => {
				const b = body as Record<string, string>;
				bodies.push(b);
				const offset = Number(b.offset);
				const rows = hits(offset, Math.min(100, 250 - offset));
				return [200, ok({ result_all_records: '250', result_count: String(rows.length), offset: b.offset, limit: '100', result: rows })];
			});
		const ids: string[] = [];
		for await (const r of makeClient().iterateSearch({ doc_type: 'sales_order', query_advance: [{ type: 'payment_status', value: false }] })) {
			ids.push(r.mk_id as string);
		}
		expect(ids).toHaveLength(250);
		expect(ids[249]).toBe('249');
		expect(bodies.map((b) => b.offset)).toEqual(['0', '100', '200']);
		expect(bodies.every((b) => b.limit === '100' && b.company_id === auth.company_id)).toBe(true);
		expect(bodies[0].query_advance).toEqual([{ type: 'payment_status', value: 'false' }]);
		expect(scope.isDone()).toBe(true);
	});

	it('streams: the next page is fetched only when the consumer gets there', async () => {
		let calls = 0;
		mk()
			.post('/rest/eshop/v1/search')
			.times(3)
			.reply((_uri, body) => {
				calls++;
				const offset = Number((body as Record<string, string>).offset);
				return [200, ok({ result_all_records: '250', result_count: '100', result: hits(offset, 100) })];
			});
		const it = makeClient().iterateSearch({ doc_type: 'sales_order' });
		await it.next();
		expect(calls).toBe(1);
		for (let i = 0; i < 100; i++) await it.next();
		expect(calls).toBe(2);
		await it.return(undefined);
		expect(calls).toBe(2);
	});

	it('search clamps limit to 100 and maps the page', async () => {
		mk()
			.post('/rest/eshop/v1/search', {
				...auth,
				doc_type: 'sales_bill_domestic',
				query: 'john',
				limit: '100',
				offset: '200',
				result_type: 'doc',
				show_payment_detail: 'true',
			})
			.reply(200, ok({
				result_all_records: '201',
				result_count: '1',
				offset: '200',
				limit: '100',
				// one record arrives as an object, numbers with decimal commas
				result: { mk_id: '1600203710', count_code: 'PRD1_494', sum_all: '1.895,01', sum_tax_ex4: '341,72', product_list: { code: 'a', amount: '2', price: '10,52' } },
			}));
		const page = await makeClient().search({
			doc_type: 'sales_bill_domestic',
			query: 'john',
			limit: 500,
			offset: 200,
			result_type: 'doc',
			flags: { show_payment_detail: true },
		});
		expect(page).toEqual({
			total: 201,
			count: 1,
			offset: 200,
			limit: 100,
			records: [
				{
					mk_id: '1600203710',
					count_code: 'PRD1_494',
					sum_all: 1895.01,
					sum_tax_ex4: 341.72,
					product_list: [{ code: 'a', amount: 2, price: 10.52 }],
				},
			],
		});
	});
});

describe('warehouse_stock pages', () => {
	it('pages by 1000 until a short page and joins id lists with commas', async () => {
		const row = (i: number) => ({ warehouse_id: '1', mk_id: String(i), code: `c${i}`, amount: '-1,5', reserved_amount: '0', free_amount: '-1,5' });
		const offsets: string[] = [];
		nock(BASE)
			.post('/rest/eshop/v1/json/warehouse_stock', (b) => {
				offsets.push(b.offset);
				return b.wh_id_list === '11,12' && b.product_code_list === 'a,b' && b.limit === '1000';
			})
			.times(2)
			.reply((_uri, body) => {
				const offset = Number((body as Record<string, string>).offset);
				const n = offset === 0 ? 1000 : 3;
				return [200, ok({ stock_list_count: String(n), stock_list: Array.from({ length: n }, (_, k) => row(offset + k)) })];
			});
		const rows = await makeClient().getStock({ wh_id_list: ['11', '12'], product_code_list: ['a', 'b'] });
		expect(rows).toHaveLength(1003);
		expect(rows[0]).toEqual({ warehouse_id: '1', mk_id: '0', code: 'c0', amount: -1.5, reserved_amount: 0, free_amount: -1.5 });
		expect(offsets).toEqual(['0', '1000']);
	});
});
