// Issue 12, documents half, as a user meets it in the Sales Document node.
import { startTestEnv, type TestEnv } from '../../helpers/env';
import { fromItem, jsonLine, partnerFields, run, writeCount } from './helpers';

let env: TestEnv;

beforeAll(async () => {
	env = await startTestEnv();
});
afterAll(async () => {
	await env.close();
});

const BILL_HEAD = { service_to_date: '2026-08-10', duo_payment_days: 15 };
const errorOf = async (p: Promise<unknown>): Promise<Error> => (await p.then(() => new Error('no error'), (e: unknown) => e)) as Error;

async function createBill(count: string): Promise<string> {
	const [bill] = await run(env, { operation: 'create', docType: 'sales_bill_domestic', ...fromItem }, {
		items: [{ partner: partnerFields, date: '2026-08-10', lines: [jsonLine()], additional: { ...BILL_HEAD, count_code: count, status_code: 'open' } }],
	});
	return String(bill.json.mkId);
}
const bills = () => env.sandbox.store().documents.sales_bill_domestic;

describe('Update (finding 5)', () => {
	it('a bill with an empty Status is refused and keeps its status (nothing sent)', async () => {
		const mkId = await createBill('NODE-B-1');
		expect(bills().find((b) => b.mk_id === mkId)!.status_desc).toBe('open');
		env.sandbox.resetCounters();
		const error = await errorOf(run(env, { operation: 'update', docType: 'sales_bill_domestic', document: { mode: 'id', value: mkId }, statusCode: '' }));
		expect(error.message).toContain('"Status" is empty');
		expect(env.sandbox.counters().update_document).toBeUndefined();
		expect(bills().find((b) => b.mk_id === mkId)!.status_desc).toBe('open');
		// Clearing is an explicit choice.
		const out = await run(env, { operation: 'update', docType: 'sales_bill_domestic', document: { mode: 'id', value: mkId }, statusCode: '', clearStatus: true });
		expect(out[0].json.status).toBe('updated');
		expect(bills().find((b) => b.mk_id === mkId)!.status_desc).toBeUndefined();
	});

	it('a field the doc type ignores is refused naming the parameter; offers cannot be updated', async () => {
		const [order] = await run(env, { operation: 'create', ...fromItem }, { items: [{ partner: partnerFields, date: '2026-08-10', lines: [jsonLine()] }] });
		env.sandbox.resetCounters();
		const title = await errorOf(run(env, { operation: 'update', document: { mode: 'id', value: String(order.json.mkId) }, updateFields: { title: 'New' } }));
		expect(title.message).toContain('"Title" is not applied');
		const offer = await errorOf(run(env, { operation: 'update', docType: 'sales_offer', document: { mode: 'id', value: '1' }, updateFields: { notes: 'x' } }));
		expect(offer.message).toContain('"docType" is sales_offer, which Metakocka cannot update');
		expect(writeCount(env.sandbox.counters())).toBe(0);
	});
});

describe('Create (finding 6)', () => {
	it('does not offer purchase_bill_prepaid (no documented put_document)', async () => {
		const error = await errorOf(run(env, { operation: 'create', docType: 'purchase_bill_prepaid', ...fromItem }, { items: [{ partner: partnerFields, date: '2026-08-10', lines: [jsonLine()] }] }));
		expect(error.message).toContain('"docType" is purchase_bill_prepaid, but Create works for');
	});

	it('creates a goods credit note against an invoice, without a partner of its own', async () => {
		await createBill('NODE-INV-7');
		const [note] = await run(env, {
			operation: 'create',
			docType: 'sales_bill_credit_note',
			partnerSource: 'mkId',
			partnerMkId: { mode: 'id', value: '' },
			docDate: '2026-08-12',
			linesSource: 'json',
			linesJson: [jsonLine()],
			additionalFields: { service_to_date: '2026-08-12', duo_payment: '2026-08-12', credit_note_type: 'goods', credit_note_bill: 'NODE-INV-7' },
		});
		expect(note.json.status).toBe('created');
		const stored = env.sandbox.store().documents.sales_bill_credit_note.find((d) => d.mk_id === note.json.mkId)!;
		expect((stored.partner as { customer: string }).customer).toBe(partnerFields.customer);
	});

	it('a sales bill without its service date is refused before any call', async () => {
		env.sandbox.resetCounters();
		const error = await errorOf(run(env, { operation: 'create', docType: 'sales_bill_domestic', ...fromItem }, { items: [{ partner: partnerFields, date: '2026-08-10', lines: [jsonLine()] }] }));
		expect(error.message).toContain('"service_to_date" is required for sales_bill_domestic');
		expect(writeCount(env.sandbox.counters())).toBe(0);
	});
});

describe('Get PDF (finding 11)', () => {
	it('report 38 is the bill report: refused for a sales order, standard for bills', async () => {
		env.sandbox.resetCounters();
		const error = await errorOf(run(env, { operation: 'getPdf', document: { mode: 'id', value: '1' }, reportId: '38', binaryPropertyName: 'data', pdfOptions: {} }));
		expect(error.message).toContain('"Report ID" is 38, which prints sales_bill_domestic');
		const none = await errorOf(run(env, { operation: 'getPdf', document: { mode: 'id', value: '1' }, reportId: '', binaryPropertyName: 'data', pdfOptions: {} }));
		expect(none.message).toContain('"Report ID" is required for sales_order');
		expect(env.sandbox.counters().report).toBeUndefined();
	});
});

describe('Search (finding 11)', () => {
	it('refuses order and last-change filters where Metakocka documents none', async () => {
		env.sandbox.resetCounters();
		const order = await errorOf(run(env, { operation: 'search', docType: 'sales_bill_domestic', query: '', filters: {}, advancedFilters: {}, returnAll: true, searchOptions: { order_direction: 'desc' } }));
		expect(order.message).toContain('"Order" is documented for sales orders and warehouse documents only');
		const change = await errorOf(
			run(env, { operation: 'search', docType: 'sales_offer', query: '', filters: {}, advancedFilters: { filter: [{ type: 'last_change_from', value: '2026-01-01T00:00:00+01:00' }] }, returnAll: true, searchOptions: {} }),
		);
		expect(change.message).toContain('documented for sales orders only');
		expect(env.sandbox.counters().search).toBeUndefined();
		const ok = await run(env, { operation: 'search', docType: 'sales_order', query: '', filters: {}, advancedFilters: {}, returnAll: false, limit: 2, searchOptions: { order_direction: 'desc' } });
		expect(ok.length).toBeGreaterThan(0);
	});
});
