// Issue 12, documents half: the sandbox applies only what the Metakocka docs say each doc_type takes.
import { ART1, BILL_DATES, minimalOrder, useSandbox } from './helpers';

const { v1, json } = useSandbox();
const SERVICE = { count_code: 'SRV_1', code: 'srv1', name: 'Storitev', unit: 'ura', service: 'true', sales: 'true' };

beforeAll(async () => {
	expect((await json('product_add', ART1)).opr_code).toBe('0');
	expect((await json('product_add', SERVICE)).opr_code).toBe('0');
});

const get = async (docType: string, mkId: string) => await v1('get_document', { doc_type: docType, doc_id: mkId });

describe('update_document applies only documented fields (finding 5)', () => {
	it('a sales offer has no update page: "0", nothing changes', async () => {
		const r = await v1('put_document', minimalOrder({ doc_type: 'sales_offer', count_code: 'off-1', title: 'before' }));
		expect(r.opr_code).toBe('0');
		expect((await v1('update_document', { doc_type: 'sales_offer', mk_id: r.mk_id, title: 'after', notes: 'n' })).opr_code).toBe('0');
		const doc = await get('sales_offer', r.mk_id);
		expect(doc.title).toBe('before');
		expect(doc.notes).toBeUndefined();
	});

	it('a purchase order has no update page either', async () => {
		const r = await v1('put_document', minimalOrder({ doc_type: 'purchase_order', count_code: 'po-1' }));
		await v1('update_document', { doc_type: 'purchase_order', mk_id: r.mk_id, product_list: [{ code: 'art1', amount: '3', price: '1', tax: 'EX4' }] });
		expect((await get('purchase_order', r.mk_id)).product_list).toHaveLength(1);
	});

	it('product_add is a sales-order key: a warehouse document ignores it and takes product_list', async () => {
		const r = await v1('put_document', minimalOrder({ doc_type: 'warehouse_packing_list', count_code: 'pl-1' }));
		const line = { code: 'art1', amount: '2', price: '5', tax: 'EX4' };
		await v1('update_document', { doc_type: 'warehouse_packing_list', mk_id: r.mk_id, product_add: [line] });
		expect((await get('warehouse_packing_list', r.mk_id)).product_list).toHaveLength(1);
		await v1('update_document', { doc_type: 'warehouse_packing_list', mk_id: r.mk_id, product_list: [line] });
		expect((await get('warehouse_packing_list', r.mk_id)).product_list).toHaveLength(2);
	});

	it('a sales order does not take title (not on its update page)', async () => {
		const r = await v1('put_document', minimalOrder({ count_code: 'so-title', title: 'kept' }));
		await v1('update_document', { doc_type: 'sales_order', mk_id: r.mk_id, title: 'changed', notes_header: 'glava' });
		const doc = await get('sales_order', r.mk_id);
		expect(doc.title).toBe('kept');
		expect(doc.notes_header).toBe('glava');
	});

	it('a bill keeps everything but status_code; "" clears the status', async () => {
		const r = await v1('put_document', minimalOrder({ doc_type: 'sales_bill_domestic', count_code: 'b-5', ...BILL_DATES }));
		expect((await get('sales_bill_domestic', r.mk_id)).status_desc).toBeDefined();
		await v1('update_document', { doc_type: 'sales_bill_domestic', mk_id: r.mk_id, status_code: '', notes: 'x' });
		const doc = await get('sales_bill_domestic', r.mk_id);
		expect(doc.status_desc).toBeUndefined();
		expect(doc.notes).toBeUndefined();
	});
});

describe('put_document: bills and credit notes (finding 6)', () => {
	it('a sales bill without the minimum request dates is refused', async () => {
		const r = await v1('put_document', minimalOrder({ doc_type: 'sales_bill_domestic', count_code: 'b-nodates' }));
		expect(r).toMatchObject({ opr_code: '2' });
		expect(r.opr_desc).toContain('service_to_date');
	});

	it('a purchase bill needs duo_payment and receive_date', async () => {
		const body = minimalOrder({ doc_type: 'purchase_bill_domestic', count_code: 'bill3', duo_payment: '2014-11-24+02:00' });
		expect((await v1('put_document', body)).opr_desc).toContain('receive_date');
		expect((await v1('put_document', { ...body, receive_date: '2014-11-25+02:00' })).opr_code).toBe('0');
	});

	it('purchase_bill_prepaid is not a put_document type', async () => {
		const r = await v1('put_document', minimalOrder({ doc_type: 'purchase_bill_prepaid', ...BILL_DATES }));
		expect(r.opr_code).toBe('2');
	});

	it('credit notes need credit_note_type; financial/goods need credit_note_bill of an existing bill', async () => {
		const bill = await v1('put_document', minimalOrder({ doc_type: 'sales_bill_domestic', count_code: '1-MK-1830', ...BILL_DATES }));
		expect(bill.opr_code).toBe('0');
		const note = (extra: Record<string, unknown>) => ({
			doc_type: 'sales_bill_credit_note',
			doc_date: '2021-11-05+02:00',
			...BILL_DATES,
			product_list: [{ code: 'art1', amount: '1', price: '100', tax: 'EX4' }],
			...extra,
		});
		expect((await v1('put_document', note({}))).opr_desc).toContain("'credit_note_type'");
		expect((await v1('put_document', note({ credit_note_type: 'goods' }))).opr_desc).toContain('credit_note_bill');
		expect((await v1('put_document', note({ credit_note_type: 'goods', credit_note_bill: 'nope' }))).opr_code).toBe('2');
		// financial: service lines only [DOC]
		expect((await v1('put_document', note({ credit_note_type: 'financial', credit_note_bill: '1-MK-1830' }))).opr_code).toBe('2');
		const fin = await v1(
			'put_document',
			note({ credit_note_type: 'financial', credit_note_bill: '1-MK-1830', product_list: [{ code: 'srv1', amount: '1', price: '10', tax: 'EX4' }] }),
		);
		expect(fin.opr_code).toBe('0');
		const goods = await v1('put_document', note({ credit_note_type: 'goods', credit_note_bill: '1-MK-1830' }));
		expect(goods.opr_code).toBe('0');
		const read = await get('sales_bill_credit_note', goods.mk_id);
		expect(read.partner.customer).toBe('API partner 1');
		expect(read.bill_for_credit_note).toEqual({ mk_id: bill.mk_id, count_code: '1-MK-1830' });
		// standalone needs a partner
		expect((await v1('put_document', note({ credit_note_type: 'standalone' }))).opr_code).toBe('2');
		expect((await v1('put_document', note({ credit_note_type: 'standalone', partner: minimalOrder().partner }))).opr_code).toBe('0');
	});
});

describe('put_document with mk_id replaces the whole document (finding 11)', () => {
	it('statuses included: a replace without status_code leaves none', async () => {
		const r = await v1('put_document', minimalOrder({ count_code: 'repl-status', status_code: 'created' }));
		expect((await get('sales_order', r.mk_id)).status_desc).toBe('created');
		expect((await v1('put_document', minimalOrder({ mk_id: r.mk_id }))).opr_code).toBe('0');
		expect((await get('sales_order', r.mk_id)).status_desc).toBeUndefined();
		await v1('put_document', minimalOrder({ mk_id: r.mk_id, status_code: 'shipped' }));
		expect((await get('sales_order', r.mk_id)).status_desc).toBe('shipped');
	});
});

describe('products (finding 11)', () => {
	it('code is char 20 [DOC:product_concept.md]', async () => {
		expect((await json('product_add', { code: 'C'.repeat(21), name: 'x', unit: 'kos' })).opr_code).toBe('2');
		expect((await json('product_add', { code: 'C'.repeat(20), name: 'x', unit: 'kos' })).opr_code).toBe('0');
	});

	it('title is a LIKE field, with or without search_with_like', async () => {
		await json('product_add', { code: 'chair-1', name: 'Armchair', unit: 'kos' });
		await json('product_add', { code: 'chair-2', name: 'Chair', unit: 'kos' });
		const r = await json('product_list', { title: 'Chair' });
		expect(r.product_list_count).toBe('2');
	});
});
