// search [DOC:search_concept.md, search_examples.md]: paging, filters, and the per-company queue.
import { AUTH, minimalOrder, nonStringScalars, post, useSandbox, V1, type Json } from './helpers';

const { sb, v1, json } = useSandbox({ companies: [{ companyId: '17', secretKey: 'other-secret' }] });

let created: string[] = [];

beforeAll(async () => {
	await json('product_add', { count_code: 'PA_115_PA', code: 'art1', name: 'art1', unit: 'kos', sales: 'true' });
	created = [];
	for (let i = 0; i < 120; i++) {
		const r = await v1('put_document', minimalOrder({ count_code: `bulk-${i}`, buyer_order: `BULK-${i}` }));
		created.push(r.mk_id);
	}
});

describe('search', () => {
	it('answers the documented shape: result_all_records, result_count, offset, limit, result[{mk_id, opr_code, count_code}]', async () => {
		const r = await v1('search', { doc_type: 'sales_order', query: 'BULK-7', limit: '1' });
		expect(Object.keys(r)).toEqual(['opr_code', 'opr_time_ms', 'result_all_records', 'result_count', 'offset', 'limit', 'result']);
		// BULK-7, BULK-70..79
		expect(r).toMatchObject({ opr_code: '0', result_all_records: '11', result_count: '1', offset: '0', limit: '1' });
		expect(Object.keys(r.result[0])).toEqual(['mk_id', 'opr_code', 'count_code']);
		expect(r.result[0]).toMatchObject({ opr_code: '0', count_code: 'bulk-7' });
		expect(nonStringScalars(r)).toEqual([]);
	});

	it('caps limit at 100 and pages with offset, ordered by mk_id ascending', async () => {
		const all = Number((await v1('search', { doc_type: 'sales_order', limit: 1 })).result_all_records);
		expect(all).toBeGreaterThanOrEqual(123);
		const p1 = await v1('search', { doc_type: 'sales_order', limit: 500 });
		expect(p1.result).toHaveLength(100);
		expect(p1).toMatchObject({ result_count: '100', limit: '100', result_all_records: String(all) });
		const p2 = await v1('search', { doc_type: 'sales_order', limit: 100, offset: 100 });
		expect(p2.result).toHaveLength(all - 100);
		const ids = [...p1.result, ...p2.result].map((x: Json) => Number(x.mk_id));
		expect(ids).toEqual([...ids].sort((a, b) => a - b));
		expect(new Set(ids).size).toBe(all);
	});

	it('order_direction desc reverses the order', async () => {
		const r = await v1('search', { doc_type: 'sales_order', limit: '3', order_direction: 'desc' });
		expect(r.result[0].mk_id).toBe(created[created.length - 1]);
	});

	it('result_type "doc" returns full documents', async () => {
		const r = await v1('search', { doc_type: 'sales_order', query: 'WEB-10002', result_type: 'doc' });
		expect(r.result).toHaveLength(1);
		expect(r.result[0]).toMatchObject({ doc_type: 'sales_order', opr_code: '0', buyer_order: 'WEB-10002', status_desc: 'ready_to_ship' });
		expect(r.result[0].product_list.length).toBeGreaterThan(0);
	});

	it('free-text query matches partner names and e-mails', async () => {
		expect((await v1('search', { doc_type: 'sales_order', query: 'zupančič' })).result[0].count_code).toBe('PP-1002');
		expect((await v1('search', { doc_type: 'sales_bill_domestic', query: 'prilipi.si' })).result[0].count_code).toBe('1-MK-1003');
	});

	const qa = (doc_type: string, query_advance: Json[], extra: Json = {}): Promise<Json> => v1('search', { doc_type, query_advance, ...extra });

	it('query_advance: doc_date_from/to, status_list, status_id_list, customer_order, recipient email', async () => {
		const dates = await qa('sales_order', [
			{ type: 'doc_date_from', value: '2026-07-01+02:00' },
			{ type: 'doc_date_to', value: '2026-07-31+02:00' },
		]);
		expect(dates.result.map((x: Json) => x.count_code)).toEqual(['PP-1001', 'PP-1002']);
		expect((await qa('sales_order', [{ type: 'status_list', value: 'draft,ready_to_ship' }])).result.map((x: Json) => x.count_code)).toEqual(['PP-1002']);
		expect((await qa('sales_order', [{ type: 'customer_order', value: 'WEB-10003' }])).result[0].count_code).toBe('PP-1003');
		expect((await qa('sales_order', [{ type: 'partner_recipient_email', value: 'marko.zupancic@gmail.com' }])).result[0].count_code).toBe('PP-1002');
		expect((await qa('warehouse_acceptance_note', [{ type: 'status_id_list', value: '-2' }])).result_all_records).toBe('0');
	});

	it('query_advance: partner_tax_num, partner_mk_id, product_code_list, payment_status', async () => {
		const bills = await qa('sales_bill_domestic', [{ type: 'partner_tax_num', value: 'SI12345678' }], { result_type: 'doc' });
		expect(bills.result.map((x: Json) => x.count_code)).toEqual(['1-MK-1002']);
		const pid = bills.result[0].partner.mk_id;
		expect((await qa('sales_bill_domestic', [{ type: 'partner_mk_id', value: pid }])).result_all_records).toBe('1');
		expect((await qa('sales_order', [{ type: 'product_code_list', value: 'KAVA-ZRN,NOPE' }])).result.map((x: Json) => x.count_code)).toEqual(['PP-1003']);
		const unpaid = await qa('sales_bill_domestic', [{ type: 'payment_status', value: 'false' }]);
		expect(unpaid.result.map((x: Json) => x.count_code).sort()).toEqual(['1-MK-1001', '1-MK-1003']);
	});

	it('query_advance: last_change_from/to sees fresh changes; advance_query is accepted too', async () => {
		// Second precision, as Metakocka's timestamps: start at the next full second.
		const fromMs = Math.ceil((Date.now() + 1) / 1000) * 1000;
		await new Promise((r) => setTimeout(r, fromMs - Date.now() + 5));
		const from = `${new Date(fromMs).toISOString().slice(0, 19)}+00:00`;
		expect((await qa('sales_order', [{ type: 'last_change_from', value: from }])).result_all_records).toBe('0');
		await v1('update_document', { doc_type: 'sales_order', buyer_order: 'WEB-10001', notes: 'changed' });
		const buyer = (await v1('get_document', { doc_type: 'sales_order', buyer_order: 'WEB-10001' })).mk_id;
		const after = await v1('search', { doc_type: 'sales_order', advance_query: [{ type: 'last_change_from', value: from }] });
		expect(after.result.map((x: Json) => x.mk_id)).toEqual([buyer]);
		const old = await qa('sales_order', [
			{ type: 'last_change_from', value: '2019-12-17T14:28:54+02:00' },
			{ type: 'last_change_to', value: '2020-12-17T14:28:54+02:00' },
		]);
		expect(old.result_all_records).toBe('0');
	});

	it('last_change_from/to take only the full timestamp with an offset [OBS noriks-bot/packing NAVODILA-VZDRZEVANJE.md]', async () => {
		for (const value of ['2026-08-31', '2026-08-31+02:00', '2026-08-31T14:00:00', '2026-08-31T12:00:00Z', '2026-08-31T12:00:00.000Z', '31.08.2026']) {
			const r = await qa('sales_order', [{ type: 'last_change_from', value }]);
			expect([value, r.opr_code, r.opr_desc]).toEqual([value, expect.stringMatching(/^[1-9]/), expect.stringContaining('Cannot find value')]);
		}
		for (const value of ['2026-08-31T14:00:00+02:00', '2026-01-15T14:00:00+01:00']) {
			expect((await qa('sales_order', [{ type: 'last_change_from', value }])).opr_code).toBe('0');
		}
	});

	it('a filter with the +01:00 offset is read at that offset [INF: the offset is honoured]', async () => {
		const before = Date.now() - 3000;
		await v1('update_document', { doc_type: 'sales_order', buyer_order: 'WEB-10001', notes: 'changed again' });
		const changed = (await v1('get_document', { doc_type: 'sales_order', buyer_order: 'WEB-10001' })).mk_id;
		const at = (ms: number) => `${new Date(ms + 3_600_000).toISOString().slice(0, 19)}+01:00`;
		expect((await qa('sales_order', [{ type: 'last_change_from', value: at(before) }])).result.map((x: Json) => x.mk_id)).toContain(changed);
		const later = await qa('sales_order', [{ type: 'last_change_from', value: at(Date.now() + 3000) }]);
		expect(later.result_all_records).toBe('0');
	});

	it('status_change_* needs all three and finds a status change', async () => {
		const r = await v1('put_document', minimalOrder());
		await v1('change_document_status', { doc_type: 'sales_order', status_code: 'lost', mk_id: r.mk_id });
		expect((await qa('sales_order', [{ type: 'status_change_list', value: 'lost' }])).opr_code).toBe('2');
		const hits = await qa('sales_order', [
			{ type: 'status_change_from', value: '2020-01-01T00:00:00+02:00' },
			{ type: 'status_change_to', value: '2099-01-01T00:00:00+02:00' },
			{ type: 'status_change_list', value: 'canceled,lost,damaged' },
		]);
		expect(hits.result.map((x: Json) => x.mk_id)).toEqual([r.mk_id]);
	});

	it('sales_offer search rejects date filters (reference §14.7); unknown types and doc types are errors', async () => {
		expect((await qa('sales_offer', [{ type: 'doc_date_from', value: '2026-01-01+02:00' }])).opr_code).not.toBe('0');
		expect((await qa('sales_offer', [{ type: 'status_list', value: 'sent' }])).result[0].count_code).toBe('PON-1002');
		expect((await qa('sales_order', [{ type: 'bogus', value: '1' }])).opr_code).toBe('2');
		expect(await v1('search', { doc_type: 'sales_orders' })).toMatchObject({ opr_code: '2', opr_desc: 'Unknown document type : sales_orders' });
	});

	it('show_status_code adds the status label to id-only results', async () => {
		const r = await v1('search', { doc_type: 'sales_order', query: 'WEB-10003', show_status_code: 'true' });
		expect(r.result[0]).toMatchObject({ count_code: 'PP-1003', status_code: 'Odpremljen' });
	});

	it('purchase_product answers in result_product', async () => {
		const r = await v1('search', { doc_type: 'purchase_product', query_advance: [{ type: 'eshop_sync', value: 'true' }], result_type: 'doc', limit: '2' });
		expect(r.result_product).toHaveLength(2);
		expect(r.result_product.every((p: Json) => p.eshop_sync === 'true')).toBe(true);
	});

	it('search_query_advance_discovery lists types per doc_type', async () => {
		const r = await v1('search_query_advance_discovery', { doc_type: 'sales_order' });
		expect(r.sales_order).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'partner_tax_num', label: expect.any(String), value_desc: expect.any(String) })]));
	});
});

describe('one search at a time per company', () => {
	afterEach(() => sb().setLatency(0));

	it('queues concurrent searches of one company on the server', async () => {
		sb().setLatency(150);
		const before = sb().stats().searchesQueued;
		const t0 = Date.now();
		const rs = await Promise.all([0, 1, 2, 3].map(() => v1('search', { doc_type: 'sales_order', limit: '1' })));
		const elapsed = Date.now() - t0;
		expect(rs.every((r) => r.opr_code === '0')).toBe(true);
		expect(elapsed).toBeGreaterThanOrEqual(4 * 150 - 20);
		expect(sb().stats().searchesQueued - before).toBe(3);
		expect(sb().stats().maxConcurrentSearchesPerCompany).toBe(1);
	});

	it('does not block searches of another company', async () => {
		sb().setLatency(200);
		const busy = Promise.all([0, 1, 2].map(() => v1('search', { doc_type: 'sales_order', limit: '1' })));
		await new Promise((r) => setTimeout(r, 20));
		const t0 = Date.now();
		const other = await post(sb().baseUrl, V1 + 'search', { secret_key: 'other-secret', company_id: 17, doc_type: 'sales_order', limit: '1' });
		const otherElapsed = Date.now() - t0;
		await busy;
		expect(other.json.opr_code).toBe('0');
		expect(otherElapsed).toBeLessThan(2 * 200);
	});

	it('does not serialise non-search calls', async () => {
		sb().setLatency(150);
		const t0 = Date.now();
		await Promise.all([0, 1, 2, 3].map(() => v1('get_partner', { partner_name: 'novak' })));
		expect(Date.now() - t0).toBeLessThan(2 * 150);
		void AUTH;
	});
});
