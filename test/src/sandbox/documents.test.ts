// put/get/update/delete_document, change_document_status, get_change_documents, put_transaction,
// report — requests and answers as in the Metakocka docs.
import { ART1, AUTH, BILL_DATES, minimalOrder, nonStringScalars, post, useSandbox, V1, type Json } from './helpers';

const { sb, v1, json } = useSandbox();

beforeAll(async () => {
	expect((await json('product_add', ART1)).opr_code).toBe('0');
});

describe('put_document', () => {
	it('answers the documented shape for the minimal sales order example', async () => {
		const r = await v1('put_document', minimalOrder({ count_code: 'min-1' }));
		expect(r).toMatchObject({ opr_code: '0', count_code: 'min-1', document_type_short: 'PR_SO' });
		expect(r.mk_id).toMatch(/^\d+$/);
		expect(r.opr_time_ms).toMatch(/^\d+$/);
		expect(nonStringScalars(r)).toEqual([]);
	});

	it('without mk_id ALWAYS inserts, auto-numbering a count_code that already exists', async () => {
		const a = await v1('put_document', minimalOrder({ count_code: 'dup-1' }));
		const b = await v1('put_document', minimalOrder({ count_code: 'dup-1' }));
		expect(a.opr_code).toBe('0');
		expect(b.opr_code).toBe('0');
		expect(b.mk_id).not.toBe(a.mk_id);
		expect(a.count_code).toBe('dup-1');
		expect(b.count_code).not.toBe('dup-1');
		const orders = sb().store().documents.sales_order;
		expect(orders.filter((d) => [a.mk_id, b.mk_id].includes(d.mk_id))).toHaveLength(2);
	});

	it('with mk_id replaces the document: count_code ignored, lines replaced, sums recomputed', async () => {
		const a = await v1('put_document', minimalOrder({ count_code: 'repl-1' }));
		const before = sb().store().documents.sales_order.length;
		const r = await v1(
			'put_document',
			minimalOrder({
				mk_id: a.mk_id,
				count_code: 'ignored',
				product_list: [
					{ code: 'art1', amount: '2', price: '50', tax: 'EX4' },
					{ code: 'art1', amount: '1', price: '10', tax: 'EX4' },
				],
			}),
		);
		expect(r).toMatchObject({ opr_code: '0', mk_id: a.mk_id, count_code: 'repl-1' });
		expect(sb().store().documents.sales_order.length).toBe(before);
		const doc = await v1('get_document', { doc_type: 'sales_order', doc_id: a.mk_id });
		expect(doc.product_list).toHaveLength(2);
		expect(doc.sum_basic).toBe('110');
		expect(doc.sum_tax_ex4).toBe('24.2');
		expect(doc.sum_all).toBe('134.2');
	});

	it('omitting product_list on replace empties the document [OBS]', async () => {
		const a = await v1('put_document', minimalOrder({ count_code: 'empty-1' }));
		const { product_list: _drop, ...noLines } = minimalOrder({ mk_id: a.mk_id });
		expect((await v1('put_document', noLines)).opr_code).toBe('0');
		expect((await v1('get_document', { doc_type: 'sales_order', doc_id: a.mk_id })).product_list).toEqual([]);
	});

	it('rejects an mk_id that does not exist', async () => {
		const r = await v1('put_document', minimalOrder({ mk_id: '999' }));
		expect(r).toMatchObject({ opr_code: '2', opr_desc: 'Cannot find document type sales_order with id = 999' });
	});

	it('accepts the gross-price example with a decimal comma ("19,99")', async () => {
		const r = await v1('put_document', minimalOrder({ product_list: [{ code: 'art1', amount: '1', price_with_tax: '19,99', tax: 'EX4' }] }));
		const doc = await v1('get_document', { doc_type: 'sales_order', doc_id: r.mk_id });
		expect(doc.sum_all).toBe('19.99');
		expect(doc.sum_basic).toBe('16.39');
		expect(doc.product_list[0].price_with_tax).toBe('19,99');
	});

	it('computes chained discounts, tax_factor and document discount_value', async () => {
		const r = await v1(
			'put_document',
			minimalOrder({
				discount_value: '10',
				product_list: [
					{ code: 'art1', amount: '1', price_with_tax: '100', tax_factor: '0.22' },
					{ code: 'art1', amount: '1', price: '100', discount: '10;10', tax: 'EX4' },
				],
			}),
		);
		const doc = await v1('get_document', { doc_type: 'sales_order', doc_id: r.mk_id });
		// 100 gross + 81 net * 1.22 = 198.82, minus 10 (gross discount value)
		expect(doc.sum_all).toBe('188.82');
		expect(doc.sum_discount).toBeDefined();
	});

	it('answers the documented error for an unknown document type', async () => {
		const r = await v1('put_document', minimalOrder({ doc_type: 'warehouse_packing_list1' }));
		expect(r).toMatchObject({ opr_code: '2', opr_desc: 'Unknown document type : warehouse_packing_list1' });
		expect(r.opr_time_ms).toMatch(/^\d+$/);
	});

	it('answers the documented error for an invalid status_code', async () => {
		const r = await v1('put_document', minimalOrder({ doc_type: 'warehouse_packing_list', status_code: 'XXXactive' }));
		expect(r.opr_code).toBe('2');
		expect(r.opr_desc).toMatch(/^Paramether 'status_code' has invalid value : XXXactive\. Valid values : active,finished,deleted/);
	});

	it('rejects unknown products without unit, listing them in product_not_found_list', async () => {
		const r = await v1(
			'put_document',
			minimalOrder({
				doc_type: 'warehouse_packing_list',
				product_list: [
					{ code: 'art200', amount: '1', price: '100', tax: 'EX4' },
					{ code: 'art400', amount: '1', price: '100', tax: 'EX4' },
				],
			}),
		);
		expect(r.opr_code).toBe('2');
		expect(r.opr_desc).toBe('Product with code art400 not found - unit must be set to add new product');
		expect(r.product_not_found_list.map((p: Json) => p.code)).toEqual(['art200', 'art400']);
		expect(r.partner.mk_id).toMatch(/^\d+$/);
	});

	it('creates an unknown product when unit is given', async () => {
		const r = await v1(
			'put_document',
			minimalOrder({ product_list: [{ code: 'eshop_artikel_2', name: 'Artikel 2', unit: 'kom', amount: '3', price: '31', tax: '000' }] }),
		);
		expect(r.opr_code).toBe('0');
		const list = await json('product_list', { code: 'eshop_artikel_2' });
		expect(list.product_list).toMatchObject({ code: 'eshop_artikel_2', unit: 'kom', name: 'Artikel 2' });
	});

	it('rejects lines without tax and negative lines that are not services', async () => {
		expect((await v1('put_document', minimalOrder({ product_list: [{ code: 'art1', amount: '1', price: '1' }] }))).opr_code).toBe('2');
		expect((await v1('put_document', minimalOrder({ product_list: [{ code: 'art1', amount: '-1', price: '1', tax: 'EX4' }] }))).opr_code).toBe('2');
		const coupon = { code: 'MyCouponCode', name: 'Coupon for 10 EUR', amount: '-1', price_with_tax: '10', tax: 'EX4', unit: 'stor', service: 'true', sales: 'true' };
		const ok = await v1('put_document', minimalOrder({ product_list: [{ code: 'art1', amount: '1', price_with_tax: '100', tax: 'EX4' }, coupon] }));
		expect(ok.opr_code).toBe('0');
		expect((await v1('get_document', { doc_type: 'sales_order', doc_id: ok.mk_id })).sum_all).toBe('90');
	});

	it.each([
		['23.03.2022', '2022-03-23+02:00'],
		['2014-11-23+02:00', '2014-11-23+02:00'],
	])('accepts doc_date %s', async (input, stored) => {
		const r = await v1('put_document', minimalOrder({ doc_date: input }));
		expect(r.opr_code).toBe('0');
		expect((await v1('get_document', { doc_type: 'sales_order', doc_id: r.mk_id })).doc_date).toBe(stored);
	});

	it.each(['2024-01-15', '2024-01-15+01:00', '2024-01-15+00:00', '2024-01-15+0200', '2024-01-15T10:00:00+02:00', '31.02.2024'])(
		'rejects doc_date %s with opr_code 6 [OBS]',
		async (input) => {
			expect((await v1('put_document', minimalOrder({ doc_date: input }))).opr_code).toBe('6');
		},
	);

	it('inline partner data creates a NEW partner every time', async () => {
		const partner = { ...minimalOrder().partner, tax_id_number: 'SI99887766', customer: 'Dvojnik d.o.o.' };
		await v1('put_document', minimalOrder({ partner }));
		await v1('put_document', minimalOrder({ partner }));
		const r = await v1('get_partner', { partner_tax_number: 'SI99887766' });
		expect(r.partner_list_count).toBe('2');
	});

	it('rejects partner:{mk_id} alone, accepts mk_id + mk_address_id, rejects a missing partner', async () => {
		const p = (await v1('get_partner', { partner_name: 'Kovinarstvo Novak' })).partner_list[0];
		expect(await v1('put_document', minimalOrder({ partner: { mk_id: p.mk_id } }))).toMatchObject({ opr_code: '2', opr_desc: 'Partner data are missing' });
		const { partner: _p, ...noPartner } = minimalOrder();
		expect(await v1('put_document', noPartner)).toMatchObject({ opr_code: '2', opr_desc: 'Partner data are missing' });
		const addr = p.partner_delivery_address_list[0].mk_id;
		const r = await v1('put_document', minimalOrder({ partner: { mk_id: p.mk_id, mk_address_id: addr } }));
		expect(r.opr_code).toBe('0');
		const doc = await v1('get_document', { doc_type: 'sales_order', doc_id: r.mk_id });
		expect(doc.partner).toMatchObject({ mk_id: p.mk_id, mk_address_id: addr, customer: 'Kovinarstvo Novak d.o.o.', place: 'Ljubljana', country_iso_2: 'SI' });
	});

	it('accepts the full sales order example; an unknown warehouse mark becomes the default warehouse', async () => {
		const r = await v1(
			'put_document',
			minimalOrder({
				count_code: 'resttest1',
				title: 'REST test 1',
				prepayment_percent: '15',
				discount_percent: '20',
				currency_code: 'USD',
				status_code: 'created',
				profit_center: 'ProfitCenter1',
				offer_list: [{ count_code: 'PON-1001' }, { count_code: 'PP1_265' }],
				delivery_deadline: '2014-09-14+02:00',
				warehouse: 'glavni',
				delivery_type: 'DHL',
				priority: '3-Visoka',
				buyer_order: 'border',
				order_create_ts: '2024-09-12T12:13:15+02:00',
				duo_payment: '2024-09-24+02:00',
			}),
		);
		expect(r.opr_code).toBe('0');
		const doc = await v1('get_document', { doc_type: 'sales_order', doc_id: r.mk_id });
		expect(doc).toMatchObject({ warehouse: 'GL', status_code: 'Novo', status_desc: 'created', buyer_order: 'border', sum_all: '97.6', sum_prepayment: '14.64' });
		expect(doc.doc_link_list).toEqual([expect.objectContaining({ count_code: 'PON-1001', doc_type: 'sales_offer' })]);
	});

	it('rejects an unknown profit center with opr_code 6 [OBS]', async () => {
		expect(await v1('put_document', minimalOrder({ profit_center: 'Nope' }))).toMatchObject({ opr_code: '6', opr_desc: "Profit center 'Nope' doesn't exist." });
	});

	it('create_invoice adds a linked sales bill', async () => {
		const r = await v1('put_document', minimalOrder({ create_invoice: 'true' }));
		expect(r.attachment_list[0].bill_mk_id).toMatch(/^\d+$/);
		expect(r.total_price).toBe('122.00');
		const bill = await v1('get_document', { doc_type: 'sales_bill_domestic', doc_id: r.attachment_list[0].bill_mk_id });
		expect(bill).toMatchObject({ opr_code: '0', sum_all: '122', status_desc: 'created' });
	});

	it('mark_paid sets sum_paid; omitted on replace keeps it; [{amount:"0.00"}] clears it', async () => {
		const mark = [{ payment_type: 'PayPal', date: '12.03.2011' }];
		const r = await v1('put_document', minimalOrder({ mark_paid: mark }));
		expect((await v1('get_document', { doc_type: 'sales_order', doc_id: r.mk_id })).sum_paid).toBe('122');
		await v1('put_document', minimalOrder({ mk_id: r.mk_id }));
		expect((await v1('get_document', { doc_type: 'sales_order', doc_id: r.mk_id })).sum_paid).toBe('122');
		await v1('put_document', minimalOrder({ mk_id: r.mk_id, mark_paid: [{ amount: '0.00' }] }));
		expect((await v1('get_document', { doc_type: 'sales_order', doc_id: r.mk_id })).sum_paid).toBeUndefined();
		expect((await v1('put_document', minimalOrder({ mark_paid: [{ payment_type: 'Bitcoin', date: '12.03.2011' }] }))).opr_code).toBe('2');
	});
});

describe('get_document', () => {
	it('returns the document at the top level with status_code = label and status_desc = key', async () => {
		const r = await v1('put_document', minimalOrder({ buyer_order: 'WEB-77' }));
		const doc = await v1('get_document', { doc_type: 'sales_order', doc_id: r.mk_id });
		expect(doc).toMatchObject({ opr_code: '0', mk_id: r.mk_id, doc_type: 'sales_order', status_code: 'Novo naročilo', status_desc: 'new_order' });
		expect(doc.partner).toMatchObject({ customer: 'API partner 1', country_iso_2: 'SI' });
		expect(doc.product_list[0]).toMatchObject({ code: 'art1', count_code: 'PA_115_PA', unit: 'kos', amount: '1', price: '100', tax: 'EX4' });
		expect(doc.created_ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+02:00$/);
		expect(nonStringScalars(doc)).toEqual([]);
		const byBuyerOrder = await v1('get_document', { doc_type: 'sales_order', buyer_order: 'WEB-77' });
		expect(byBuyerOrder.mk_id).toBe(r.mk_id);
	});

	it('answers the documented misses', async () => {
		expect(await v1('get_document', { doc_type: 'sales_order', doc_id: '123' })).toMatchObject({ opr_code: '2', opr_desc: 'Cannot find document type sales_order with id = 123' });
		expect(await v1('get_document', { doc_type: 'sales_order', buyer_order: '5662' })).toMatchObject({ opr_code: '6', opr_desc: "Cannot find sales order with buyer order '5662'" });
		// get_document takes doc_id, not mk_id [OBS]
		const r = await v1('put_document', minimalOrder());
		expect(await v1('get_document', { doc_type: 'sales_order', mk_id: r.mk_id })).toMatchObject({ opr_code: '2', opr_desc: 'Cannot find document type sales_order with id = null' });
	});

	it('returns seeded Slovenian-style sums as observed live', async () => {
		const hit = await v1('search', { doc_type: 'sales_bill_domestic', query: '1-MK-1001' });
		const doc = await v1('get_document', { doc_type: 'sales_bill_domestic', doc_id: hit.result[0].mk_id });
		expect(doc.sum_all).toBe('209,00');
		expect(doc.status_code).toBe('Izdelan');
		expect(doc.publish_ts).toBeDefined();
	});

	it('show_payment_detail and show_product_detail add mark_paid and mk_row_id', async () => {
		const r = await v1('put_document', minimalOrder({ mark_paid: [{ payment_type: 'PayPal', date: '14.03.2024' }] }));
		const doc = await v1('get_document', { doc_type: 'sales_order', doc_id: r.mk_id, show_payment_detail: 'true', show_product_detail: 'true' });
		expect(doc.mark_paid[0]).toMatchObject({ payment_type: 'PayPal', date: '2024-03-14+02:00', amount: '122' });
		expect(doc.product_list[0].mk_row_id).toMatch(/^\d+$/);
	});
});

describe('update_document', () => {
	it('updates sales order fields by mk_id and by buyer_order, answering only the envelope', async () => {
		const r = await v1('put_document', minimalOrder({ buyer_order: 'OR-100' }));
		const u = await v1('update_document', {
			doc_type: 'sales_order',
			buyer_order: 'OR-100',
			delivery_type: 'Pošta Slovenije',
			status_code: 'draft',
			tracking_code: 'SI2001',
			shipped_date: '2019-09-26+02:00',
			notes: 'to so notes.',
		});
		expect(Object.keys(u).sort()).toEqual(['opr_code', 'opr_time_ms']);
		expect(u.opr_code).toBe('0');
		const doc = await v1('get_document', { doc_type: 'sales_order', doc_id: r.mk_id });
		expect(doc).toMatchObject({ status_desc: 'draft', status_code: 'Osnutek', delivery_type: 'Pošta Slovenije', notes: 'to so notes.', shipped_date: '2019-09-26+02:00' });
		expect(doc.extra_column).toContainEqual({ name: 'tracking_number', value: 'SI2001' });
		await v1('update_document', { doc_type: 'sales_order', mk_id: r.mk_id, clear: ['tracking_code', 'notes'] });
		const cleared = await v1('get_document', { doc_type: 'sales_order', doc_id: r.mk_id });
		expect(cleared.notes).toBeUndefined();
		expect(cleared.extra_column).toBeUndefined();
	});

	it('updates lines by mk_row_id, adds lines without it, deletes with mark_delete', async () => {
		const r = await v1('put_document', minimalOrder());
		const rowId = (await v1('get_document', { doc_type: 'sales_order', doc_id: r.mk_id, show_product_detail: 'true' })).product_list[0].mk_row_id;
		await v1('update_document', { doc_type: 'sales_order', mk_id: r.mk_id, product_list: [{ mk_row_id: rowId, amount: '3' }] });
		let doc = await v1('get_document', { doc_type: 'sales_order', doc_id: r.mk_id, show_product_detail: 'true' });
		expect(doc.product_list).toHaveLength(1);
		expect(doc.product_list[0]).toMatchObject({ amount: '3', mk_row_id: rowId });
		expect(doc.sum_all).toBe('366');
		await v1('update_document', { doc_type: 'sales_order', mk_id: r.mk_id, product_add: [{ code: 'art1', amount: '1', price: '12', tax: 'EX4' }] });
		doc = await v1('get_document', { doc_type: 'sales_order', doc_id: r.mk_id, show_product_detail: 'true' });
		expect(doc.product_list).toHaveLength(2);
		await v1('update_document', { doc_type: 'sales_order', mk_id: r.mk_id, product_list: [{ mk_row_id: rowId, mark_delete: 'true' }] });
		doc = await v1('get_document', { doc_type: 'sales_order', doc_id: r.mk_id });
		expect(doc.product_list).toHaveLength(1);
		expect(doc.product_list[0].price).toBe('12');
	});

	it('product_remove by code with amount decreases the line', async () => {
		const r = await v1('put_document', minimalOrder({ product_list: [{ code: 'art1', amount: '5', price: '1', tax: 'EX4' }] }));
		await v1('update_document', { doc_type: 'sales_order', mk_id: r.mk_id, product_remove: [{ code: 'art1', amount: '2' }] });
		expect((await v1('get_document', { doc_type: 'sales_order', doc_id: r.mk_id })).product_list[0].amount).toBe('3');
	});

	it('bills change status only; "" clears it', async () => {
		const r = await v1('put_document', minimalOrder({ doc_type: 'sales_bill_domestic', count_code: 'bill-upd', ...BILL_DATES }));
		expect((await v1('update_document', { doc_type: 'sales_bill_domestic', count_code: 'bill-upd', status_code: 'draft', notes: 'ignored' })).opr_code).toBe('0');
		let bill = await v1('get_document', { doc_type: 'sales_bill_domestic', doc_id: r.mk_id });
		expect(bill.status_desc).toBe('draft');
		expect(bill.notes).toBeUndefined();
		await v1('update_document', { doc_type: 'sales_bill_domestic', mk_id: r.mk_id, status_code: '' });
		bill = await v1('get_document', { doc_type: 'sales_bill_domestic', doc_id: r.mk_id });
		expect(bill.status_code).toBeUndefined();
	});

	it('warehouse documents need mk_id, reject amount 0 and answer document_type_short', async () => {
		const r = await v1('put_document', minimalOrder({ doc_type: 'warehouse_delivery_note', count_code: 'rest_test_1', status_code: 'delno_aktiven' }));
		expect(await v1('update_document', { doc_type: 'warehouse_delivery_note', title: 'x' })).toMatchObject({ opr_code: '2', opr_desc: 'Paramether mk_id must be set' });
		expect((await v1('update_document', { doc_type: 'warehouse_delivery_note', mk_id: r.mk_id, product_list: [{ code: 'art1', amount: '0', price: '1', tax: 'EX4' }] })).opr_code).toBe('2');
		const u = await v1('update_document', { doc_type: 'warehouse_delivery_note', mk_id: r.mk_id, title: 'This is title', buyer_order: 'MK1223312' });
		expect(u).toMatchObject({ opr_code: '0', document_type_short: 'SK_DO', mk_id: r.mk_id, count_code: 'rest_test_1' });
		expect((await v1('get_document', { doc_type: 'warehouse_delivery_note', doc_id: r.mk_id })).title).toBe('This is title');
	});
});

describe('delete_document', () => {
	it('deletes a sales order by {doc_type, mk_id}', async () => {
		const r = await v1('put_document', minimalOrder());
		const d = await v1('delete_document', { doc_type: 'sales_order', mk_id: r.mk_id });
		expect(Object.keys(d).sort()).toEqual(['opr_code', 'opr_time_ms']);
		expect((await v1('get_document', { doc_type: 'sales_order', doc_id: r.mk_id })).opr_code).toBe('2');
	});

	it('answers the observed errors', async () => {
		const r = await v1('put_document', minimalOrder());
		expect(await v1('delete_document', { doc_type: 'sales_order', doc_id: r.mk_id })).toMatchObject({ opr_code: '2', opr_desc: 'Paramether mk_id must be set' });
		expect(await v1('delete_document', { mk_id: r.mk_id })).toMatchObject({ opr_code: '1', opr_desc: 'Internal server error.' });
		expect((await v1('delete_document', { doc_type: 'sales_bill_domestic', mk_id: r.mk_id })).opr_code).toBe('2');
	});
});

describe('change_document_status', () => {
	it('changes by mk_id_list (numbers, as in the docs) and by buyer_order', async () => {
		const a = await v1('put_document', minimalOrder());
		const b = await v1('put_document', minimalOrder({ buyer_order: '79473216' }));
		const r = await v1('change_document_status', { doc_type: 'sales_order', status_code: 'ready_to_ship', mk_id_list: [Number(a.mk_id), Number(b.mk_id)] });
		expect(r).toMatchObject({ opr_code: '0' });
		expect((await v1('get_document', { doc_type: 'sales_order', doc_id: a.mk_id })).status_desc).toBe('ready_to_ship');
		await v1('change_document_status', { doc_type: 'sales_order', status_code: 'canceled', buyer_order: '79473216' });
		expect((await v1('get_document', { doc_type: 'sales_order', doc_id: b.mk_id })).status_code).toBe('Preklican');
	});

	it('rejects an unknown status with the valid list, and an unknown api_user_email', async () => {
		const a = await v1('put_document', minimalOrder());
		const r = await v1('change_document_status', { doc_type: 'sales_order', status_code: 'nope', mk_id: a.mk_id });
		expect(r.opr_code).toBe('2');
		expect(r.opr_desc).toContain('Valid values : ');
		expect(r.opr_desc).toContain('shipped');
		const e = await v1('change_document_status', { doc_type: 'sales_order', status_code: 'created', mk_id: a.mk_id, api_user_email: 'x@y.si' });
		expect(e).toMatchObject({ opr_code: '6', opr_desc: "Cannot find email 'x@y.si' for paramether api_user_email" });
		const okUser = await v1('change_document_status', { doc_type: 'sales_order', status_code: 'created', mk_id: a.mk_id, api_user_email: 'api@sandbox.metakocka.si' });
		expect(okUser.opr_code).toBe('0');
	});
});

describe('get_change_documents [INF shape]', () => {
	it('returns warehouse documents changed since the previous call, per doc_type cursor', async () => {
		const first = await v1('get_change_documents', { doc_type: 'warehouse_acceptance_note' });
		expect(first.opr_code).toBe('0');
		expect(first.result.map((d: Json) => d.count_code)).toContain('PRE-1001');
		const again = await v1('get_change_documents', { doc_type: 'warehouse_acceptance_note' });
		expect(again).toMatchObject({ result_count: '0', result: [] });
		const p = await v1('put_document', minimalOrder({ doc_type: 'warehouse_acceptance_note', count_code: 'np-7' }));
		const next = await v1('get_change_documents', { doc_type: 'warehouse_acceptance_note' });
		expect(next).toMatchObject({ result_count: '1', result: [{ mk_id: p.mk_id, count_code: 'np-7', doc_type: 'warehouse_acceptance_note' }] });
		expect((await v1('get_change_documents', { doc_type: 'sales_order' })).opr_code).toBe('2');
	});
});

describe('stock effects', () => {
	it('a new sales order raises reserved_amount, not amount; an acceptance note raises amount', async () => {
		const stock = async (): Promise<Json[]> => (await json('warehouse_stock', { product_code_list: 'CEM-25' })).stock_list;
		const gl = sb().store().warehouses.find((w) => w.mark === 'GL')!.mk_id;
		const before = (await stock()).find((r) => r.warehouse_id === gl)!;
		await v1('put_document', minimalOrder({ warehouse: 'GL', product_list: [{ code: 'CEM-25', amount: '4', price: '6.5', tax: 'EX4' }] }));
		const after = (await stock()).find((r) => r.warehouse_id === gl)!;
		expect(Number(after.reserved_amount)).toBe(Number(before.reserved_amount) + 4);
		expect(after.amount).toBe(before.amount);
		expect(Number(after.free_amount)).toBe(Number(after.amount) - Number(after.reserved_amount));
		await v1('put_document', minimalOrder({ doc_type: 'warehouse_acceptance_note', warehouse: 'GL', product_list: [{ code: 'CEM-25', amount: '10', price: '4', tax: 'EX4' }] }));
		expect(Number((await stock()).find((r) => r.warehouse_id === gl)!.amount)).toBe(Number(before.amount) + 10);
	});
});

describe('put_transaction', () => {
	it('adds a payment (sum_paid) and validates payment_type and payment_mode', async () => {
		const r = await v1('put_document', minimalOrder({ doc_type: 'sales_bill_domestic', ...BILL_DATES }));
		const body = { doc_type: 'sales_bill_domestic', mk_id: r.mk_id, payment_mode: 'payment', payment_type: 'Transakcijski račun', date: '2014-08-23+02:00', price: '22.00', notes: 'delno' };
		expect(await v1('put_transaction', body)).toMatchObject({ opr_code: '0' });
		expect((await v1('get_document', { doc_type: 'sales_bill_domestic', doc_id: r.mk_id })).sum_paid).toBe('22');
		const bad = await v1('put_transaction', { ...body, payment_type: 'Nakazilo' });
		expect(bad.opr_code).toBe('2');
		expect(bad.opr_desc).toContain("Paramether 'payment_type' has invalid value : Nakazilo. Valid values : ");
		expect((await v1('put_transaction', { ...body, payment_mode: 'gift' })).opr_code).toBe('2');
		// documented under /v1/json/ as well (add_payment.md)
		expect((await post(sb().baseUrl, '/rest/eshop/v1/json/put_transaction', { ...AUTH, ...body })).json.opr_code).toBe('0');
	});
});

describe('report', () => {
	it('returns a PDF naming the document', async () => {
		const hit = await v1('search', { doc_type: 'sales_bill_domestic', query: '1-MK-1002' });
		const res = await fetch(sb().baseUrl + V1 + 'report', {
			method: 'POST',
			body: JSON.stringify({ ...AUTH, mk_id: hit.result[0].mk_id, report_id: '38', params: [{ type: 'REPORT_TYPE', value: 'PDF' }] }),
		});
		expect(res.headers.get('content-type')).toBe('application/pdf');
		const text = Buffer.from(await res.arrayBuffer()).toString('latin1');
		expect(text.startsWith('%PDF-1.4')).toBe(true);
		expect(text).toContain('1-MK-1002');
		expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
	});

	it('answers errors as an application/json envelope', async () => {
		const r = await post(sb().baseUrl, V1 + 'report', { ...AUTH, mk_id: '42', report_id: '38' });
		expect(r.contentType).toContain('application/json');
		expect(r.json.opr_code).not.toBe('0');
	});

	it('supports the async token flow (token → progress → url)', async () => {
		const hit = await v1('search', { doc_type: 'sales_bill_domestic', query: '1-MK-1002' });
		const start = await v1('report', { mk_id: hit.result[0].mk_id, report_id: '38', async: 'true' });
		expect(start.token).toMatch(/^[0-9a-f-]{36}$/);
		const progress = await v1('report', { report_id: '38', async: 'true', token: start.token });
		expect(progress.progress).toBeDefined();
		const done = await v1('report', { report_id: '38', async: 'true', token: start.token });
		expect(done.progress).toBeUndefined();
		expect(done.url).toBe(`${sb().baseUrl}/download/report/${start.token}`);
		const file = await fetch(done.url);
		expect(file.headers.get('content-type')).toBe('application/pdf');
		expect(await v1('report', { report_id: '38', async: 'true', token: 'nope' })).toMatchObject({ opr_code: '6', opr_desc: 'Report with this token does not exist.' });
	});
});
