// Issue 12, documents half: Sync and the document schemas send what Metakocka documents, and nothing
// that it would ignore or read as "clear".
import { InputError } from '../../../src/input';
import { importDocuments, parseDocument, parseDocumentUpdate, resolveDocuments, syncDocuments, type ResolvedDocument } from '../../../src/sync/documents';
import { syncSuite } from '../../helpers/env';

const t = syncSuite({ poolMax: 10, client: { timeoutMs: 5000 } });

const partnerFields = { customer: 'ACME d.o.o.', street: 'Slovenska cesta 1', post_number: '1000', place: 'Ljubljana', country: 'Slovenia' };
const line = (over: Record<string, unknown> = {}) => ({ code: 'VIJ-M8-50', amount: 10, price: 0.32, tax: 'EX4', ...over });
const rawDoc = (crmId: string, over: Record<string, unknown> = {}) => ({ crmId, doc_type: 'sales_order', partner: partnerFields, doc_date: '2026-08-01', lines: [line()], ...over });

async function resolve(raws: unknown[]): Promise<ResolvedDocument[]> {
	const parsed = raws.map((raw, itemIndex) => ({ itemIndex, doc: parseDocument(raw, itemIndex) }));
	const out = await resolveDocuments(t.store, t.env.companyId, parsed);
	for (const r of out) if ('error' in r) throw r.error;
	return out as ResolvedDocument[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const stored = (docType: string, mkId: string): Record<string, any> => t.env.sandbox.store().documents[docType].find((d) => d.mk_id === mkId)!;
const inputError = (fn: () => unknown): InputError => {
	try {
		fn();
	} catch (error) {
		if (error instanceof InputError) return error;
		throw error;
	}
	throw new Error('no InputError');
};

describe('finding 5: updates Metakocka ignores are refused before any call', () => {
	it('names the parameter as the editor shows it', () => {
		expect(inputError(() => parseDocumentUpdate({ title: 'x' }, 2, 'sales_order')).message).toBe(
			'Item 2: field "Title" is not applied: Metakocka does not update it on sales_order; nothing was sent',
		);
		expect(inputError(() => parseDocumentUpdate({ notes_header: 'x' }, 0, 'warehouse_packing_list')).field).toBe('Notes Header');
		expect(inputError(() => parseDocumentUpdate({ tracking_code: 'SI1' }, 0, 'warehouse_delivery_note')).field).toBe('Tracking Code');
		expect(inputError(() => parseDocumentUpdate({ notes: 'x' }, 0, 'sales_bill_domestic')).message).toContain('an issued bill changes only its Status');
		expect(inputError(() => parseDocumentUpdate({ notes: 'x' }, 0, 'sales_offer')).field).toBe('docType');
		expect(inputError(() => parseDocumentUpdate({ notes: 'x' }, 0, 'purchase_order')).field).toBe('docType');
	});

	it('an empty Status is not a value: nothing is sent', () => {
		expect(inputError(() => parseDocumentUpdate({ status_code: '' }, 0, 'sales_order')).message).toContain('is empty');
		expect(parseDocumentUpdate({ status_code: '', notes: 'n' }, 0, 'sales_order')).toEqual({ notes: 'n' });
	});

	it('warehouse documents get new lines as product_list (product_add is a sales-order key)', () => {
		const lines = [line()];
		expect(parseDocumentUpdate({ product_add: lines }, 0, 'warehouse_packing_list')).toEqual({ product_list: [expect.objectContaining({ code: 'VIJ-M8-50' })] });
		expect(parseDocumentUpdate({ product_add: lines }, 0, 'sales_order')).toEqual({ product_add: [expect.objectContaining({ code: 'VIJ-M8-50' })] });
	});

	it('the t.client refuses an offer update and ignored fields without calling Metakocka', async () => {
		t.env.sandbox.resetCounters();
		await expect(t.client.updateDocument('sales_offer', { mk_id: '1', notes: 'x' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
		await expect(t.client.updateDocument('sales_order', { mk_id: '1', title: 'x' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
		await expect(t.client.updateDocument('warehouse_packing_list', { mk_id: '1', product_add: [] })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
		expect(t.env.sandbox.counters().update_document).toBeUndefined();
	});

	it('Sync of a bill whose CRM status went empty does not clear the status in Metakocka', async () => {
		const bill = (over: Record<string, unknown> = {}) =>
			rawDoc('bill-empty', { doc_type: 'sales_bill_domestic', count_code: 'CRM-BILL-E', service_to_date: '2026-08-01', duo_payment: '2026-08-15', ...over });
		const [created] = await syncDocuments(t, await resolve([bill({ status_code: 'open' })]));
		expect(created.status).toBe('created');
		expect(stored('sales_bill_domestic', created.mkId!).status_desc).toBe('open');
		t.env.sandbox.resetCounters();
		const [again] = await syncDocuments(t, await resolve([bill()]));
		expect(again.status).toBe('updated');
		expect(t.env.sandbox.counters().update_document).toBeUndefined();
		expect(stored('sales_bill_domestic', created.mkId!).status_desc).toBe('open');
	});
});

describe('finding 6: bills and credit notes carry what the docs require', () => {
	it('sales bills need service_to_date and a due date; days become the duo_payment date', () => {
		expect(inputError(() => parseDocument(rawDoc('b', { doc_type: 'sales_bill_domestic', duo_payment_days: 10 }), 0)).field).toBe('service_to_date');
		expect(inputError(() => parseDocument(rawDoc('b', { doc_type: 'sales_bill_domestic', service_to_date: '2026-08-01' }), 0)).field).toBe('duo_payment');
		const doc = parseDocument(rawDoc('b', { doc_type: 'sales_bill_domestic', service_to_date: '2026-08-01', duo_payment_days: 30 }), 0);
		expect(doc).toMatchObject({ service_to_date: '2026-08-01+02:00', duo_payment: '2026-08-31+02:00' });
		expect(doc).not.toHaveProperty('duo_payment_days');
	});

	it('purchase bills need receive_date; purchase_bill_prepaid is not a put_document type', () => {
		expect(inputError(() => parseDocument(rawDoc('p', { doc_type: 'purchase_bill_domestic', duo_payment: '2026-08-10' }), 0)).field).toBe('receive_date');
		expect(inputError(() => parseDocument(rawDoc('p', { doc_type: 'purchase_bill_prepaid', duo_payment: '2026-08-10' }), 0)).field).toBe('doc_type');
	});

	it('credit notes need credit_note_type, and credit_note_bill for financial/goods (whose partner comes from the invoice)', () => {
		const note = (over: Record<string, unknown>) => rawDoc('cn', { doc_type: 'sales_bill_credit_note', service_to_date: '2026-08-01', duo_payment: '2026-08-01', ...over });
		expect(inputError(() => parseDocument(note({}), 0)).field).toBe('credit_note_type');
		expect(inputError(() => parseDocument(note({ credit_note_type: 'goods' }), 0)).field).toBe('credit_note_bill');
		const { partner: _p, ...noPartner } = note({ credit_note_type: 'goods', credit_note_bill: '1-MK-1830' });
		expect(parseDocument(noPartner, 0)).toMatchObject({ credit_note_type: 'goods', credit_note_bill: '1-MK-1830' });
		expect(inputError(() => parseDocument(rawDoc('x', { credit_note_type: 'goods' }), 0)).field).toBe('credit_note_type');
	});

	it('a goods credit note against a synced invoice is created in the sandbox', async () => {
		const [invoice] = await syncDocuments(
			t,
			await resolve([rawDoc('inv-cn', { doc_type: 'sales_bill_domestic', count_code: 'INV-CN-1', service_to_date: '2026-08-01', duo_payment_days: 8 })]),
		);
		expect(invoice.status).toBe('created');
		const { partner: _p, ...note } = rawDoc('cn-1', {
			doc_type: 'sales_bill_credit_note',
			service_to_date: '2026-08-02',
			duo_payment: '2026-08-02',
			credit_note_type: 'goods',
			credit_note_bill: 'INV-CN-1',
		});
		const [created] = await syncDocuments(t, await resolve([note]));
		expect(created.error).toBeUndefined();
		expect(created.status).toBe('created');
		expect(stored('sales_bill_credit_note', created.mkId!).partner.customer).toBe('ACME d.o.o.');
	});
});

describe('finding 7: lines need a tax', () => {
	it('a line without tax or tax_factor is refused before any call', () => {
		expect(inputError(() => parseDocument(rawDoc('t', { lines: [line({ tax: undefined })] }), 4)).message).toContain('Item 4: field "lines.0.tax"');
	});
});

describe('finding 11: replace keeps the status; search keys only where documented', () => {
	it('a changed CRM document without a status keeps the status Metakocka has', async () => {
		const [created] = await syncDocuments(t, await resolve([rawDoc('keep-status', { count_code: 'CRM-KEEP' })]));
		await t.client.changeDocumentStatus('sales_order', { mk_id: created.mkId! }, 'shipped');
		const [updated] = await syncDocuments(t, await resolve([rawDoc('keep-status', { count_code: 'CRM-KEEP', lines: [line({ amount: 3 })] })]), {
			conflictPolicy: 'crmWins',
		});
		expect(updated.status).toBe('updated');
		const doc = stored('sales_order', created.mkId!);
		expect(doc.status_desc).toBe('shipped');
		expect(doc.product_list[0].amount).toBe('3');
	});

	it('Import refuses a type without a documented last-change filter and sends no order_direction it does not document', async () => {
		await expect(importDocuments(t.client, t.store, { docType: 'sales_bill_domestic', useCursor: false })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
		const seen: unknown[] = [];
		const original = t.client.search.bind(t.client);
		t.client.search = async (params) => {
			seen.push(params.order_direction);
			return await original(params);
		};
		try {
			await syncDocuments(t, await resolve([rawDoc('offer-adopt', { doc_type: 'sales_offer', count_code: 'OFF-ADOPT' })]));
		} finally {
			t.client.search = original;
		}
		expect(seen.length).toBeGreaterThan(0);
		expect(seen.every((d) => d === undefined)).toBe(true);
	});
});
