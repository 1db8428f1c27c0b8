import { NodeApiError, NodeOperationError, type IDataObject } from 'n8n-workflow';

import { DOC_TYPES, MetakockaClient } from '../../../src/client';
import { startTestEnv, type TestEnv } from '../../helpers/env';
import { fromItem, jsonLine, node, partnerFields, run, writeCount } from './helpers';

let env: TestEnv;

beforeAll(async () => {
	env = await startTestEnv();
});
afterAll(async () => {
	await env.close();
});

const orders = () => env.sandbox.store().documents.sales_order;
/** The minimum sales bill head (documents_put_document.md). */
const BILL_HEAD = { service_to_date: '2026-08-10', duo_payment_days: 15 };
const seededPartner = () => env.sandbox.store().partners.find((p) => p.count_code === '1001')!;

async function createOrder(over: Record<string, unknown> = {}) {
	const [out] = await run(env, { operation: 'create', ...fromItem }, { items: [{ partner: partnerFields, date: '2026-08-10', lines: [jsonLine()], additional: over }] });
	return out.json as { mkId: string; countCode: string };
}

describe('node description', () => {
	const d = node.description;
	it('is the Metakocka Sales Document node, usable as a tool, with the shared icons', () => {
		expect(d).toMatchObject({ name: 'metakockaSalesDocument', displayName: 'Metakocka Sales Document', usableAsTool: true });
		expect(d.icon).toEqual({ light: 'file:../shared/metakocka.svg', dark: 'file:../shared/metakocka.dark.svg' });
	});
	it('offers every documented doc type, default sales_order, and every operation', () => {
		const docType = d.properties.find((p) => p.name === 'docType')!;
		expect(docType.default).toBe('sales_order');
		expect((docType.options as Array<{ value: string }>).map((o) => o.value).sort()).toEqual([...DOC_TYPES].sort());
		const ops = d.properties.find((p) => p.name === 'operation')!.options as Array<{ value: string }>;
		expect(ops.map((o) => o.value).sort()).toEqual(
			['changeStatus', 'create', 'delete', 'get', 'getMappings', 'getPdf', 'getSyncRuns', 'import', 'search', 'sync', 'update'].sort(),
		);
	});
	it('asks for Postgres only for sync, import and get mappings', () => {
		const pg = d.credentials!.find((c) => c.name === 'postgres')!;
		expect(pg.displayOptions?.show?.operation).toEqual(['sync', 'import', 'getMappings']);
	});
});

describe('Create', () => {
	it('creates from fixedCollection lines and a partner picked by Metakocka ID', async () => {
		const partner = seededPartner();
		const before = orders().length;
		const out = await run(env, {
			operation: 'create',
			partnerSource: 'mkId',
			partnerMkId: { mode: 'id', value: partner.mk_id },
			docDate: '10.08.2026',
			linesSource: 'fields',
			lines: {
				line: [
					{ code: 'VIJ-M8-50', amount: 100, price: 0.39, priceIncludesTax: true, tax: 'EX4', tax_factor: '', discount: '', name: '', unit: '' },
					{ code: 'MAT-M8', amount: 50, price: 0.07, priceIncludesTax: false, tax: '', tax_factor: '0.22', discount: '10', name: 'Matice', unit: '' },
				],
			},
			additionalFields: { title: 'Node order', buyer_order: 'N-1', duo_payment_days: 15 },
		});
		expect(out).toHaveLength(1);
		expect(out[0].pairedItem).toEqual({ item: 0 });
		expect(out[0].json).toMatchObject({ status: 'created', docType: 'sales_order', reconciled: false });
		expect(orders().length).toBe(before + 1);
		const doc = orders().find((o) => o.mk_id === out[0].json.mkId)!;
		expect(doc).toMatchObject({ title: 'Node order', buyer_order: 'N-1', doc_date: '2026-08-10+02:00' });
		expect((doc.partner as { mk_id: string }).mk_id).toBe(partner.mk_id);
		expect(doc.product_list).toEqual([
			expect.objectContaining({ code: 'VIJ-M8-50', amount: '100', price_with_tax: '0.39', tax: 'EX4' }),
			expect.objectContaining({ code: 'MAT-M8', amount: '50', price: '0.07', tax_factor: '0.22', discount: '10', name: 'Matice' }),
		]);
	});

	it('creates from JSON lines and partner fields; decimal comma amounts are accepted', async () => {
		const items = [
			{ partner: partnerFields, date: '2026-08-11', lines: [jsonLine({ amount: '1,5', price: '0,32' })] },
			{ partner: partnerFields, date: '2026-08-12', lines: [jsonLine({ amount: 3 })], additional: { count_code: 'NODE-JSON-2' } },
		];
		const out = await run(env, { operation: 'create', ...fromItem }, { items });
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(out.map((o) => o.json.status)).toEqual(['created', 'created']);
		expect(out[1].json.countCode).toBe('NODE-JSON-2');
		const first = orders().find((o) => o.mk_id === out[0].json.mkId)!;
		expect((first.product_list as Array<{ amount: string; price: string }>)[0]).toMatchObject({ amount: '1.5', price: '0.32' });
	});

	it('creates with partner fields from the Partner Fields collection', async () => {
		const out = await run(env, {
			operation: 'create',
			partnerSource: 'fields',
			partnerFields: { customer: 'Collection Partner', street: 'Cesta 1', post_number: '2000', place: 'Maribor', country: 'SI', email: 'info@collection.si' },
			docDate: '2026-08-13',
			linesSource: 'json',
			linesJson: JSON.stringify([jsonLine()]),
			additionalFields: {},
		});
		const doc = orders().find((o) => o.mk_id === out[0].json.mkId)!;
		expect((doc.partner as { customer: string }).customer).toBe('Collection Partner');
	});

	it.each([
		['missing lines', { lines: undefined }, '"lines" is required'],
		['wrong date format', { date: '2026/08/01' }, '"doc_date" must be a date'],
		['bad amount', { lines: [jsonLine({ amount: 'abc' })] }, '"lines.0.amount" must be a number (got "abc")'],
		['lines that are not JSON', { lines: '[{"code":' }, '"lines" must be valid JSON'],
	])('%s → error naming item and field, nothing written', async (_name, over, message) => {
		env.sandbox.resetCounters();
		const items = [
			{ partner: partnerFields, date: '2026-08-10', lines: [jsonLine()] },
			{ partner: partnerFields, date: '2026-08-10', lines: [jsonLine()], ...over },
		];
		const error = await run(env, { operation: 'create', ...fromItem }, { items }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toContain(message);
		expect(writeCount(env.sandbox.counters())).toBe(0);
	});

	it('unknown doc type → error naming the field, nothing sent', async () => {
		env.sandbox.resetCounters();
		const error = await run(env, { operation: 'create', docType: 'sales_invoice', ...fromItem }, { items: [{ partner: partnerFields, date: '2026-08-10', lines: [jsonLine()] }] }).catch((e: unknown) => e);
		expect((error as Error).message).toContain('"docType" must be one of sales_offer');
		expect(env.sandbox.counters()).toEqual({});
	});

	it('with Continue On Fail a bad item becomes an error item and the others are written', async () => {
		const items = [
			{ partner: partnerFields, date: '2026-08-10', lines: [jsonLine({ code: 'NO-SUCH' })] },
			{ partner: partnerFields, date: 'yesterday', lines: [jsonLine()] },
			{ partner: partnerFields, date: '2026-08-10', lines: [jsonLine()] },
		];
		env.sandbox.resetCounters();
		const out = await run(env, { operation: 'create', ...fromItem }, { items, continueOnFail: true });
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out[0].json.error).toContain('Item 0: field "lines.0.code" names product "NO-SUCH" (line 1)');
		expect(out[1].json).toMatchObject({ field: 'doc_date' });
		expect(out[2].json.status).toBe('created');
		expect(env.sandbox.counters().put_document).toBe(1);
	});
});

describe('Get', () => {
	it('by Metakocka ID, with options', async () => {
		const { mkId } = await createOrder();
		const out = await run(env, { operation: 'get', findBy: 'mkId', document: { mode: 'id', value: mkId }, readOptions: { show_product_detail: true } });
		expect(out).toHaveLength(1);
		expect(out[0].json).toMatchObject({ mk_id: mkId, doc_type: 'sales_order' });
		expect((out[0].json.product_list as Array<{ mk_row_id?: string }>)[0].mk_row_id).toEqual(expect.any(String));
	});

	it('by buyer order (sales orders only)', async () => {
		const { mkId } = await createOrder({ buyer_order: 'GET-BO-1' });
		const out = await run(env, { operation: 'get', findBy: 'buyerOrder', buyerOrder: 'GET-BO-1' });
		expect(out[0].json.mk_id).toBe(mkId);
		const error = await run(env, { operation: 'get', docType: 'sales_offer', findBy: 'buyerOrder', buyerOrder: 'GET-BO-1' }).catch((e: unknown) => e);
		expect((error as Error).message).toContain('"docType" is sales_offer, but finding by buyer order works for sales_order only');
	});

	it('a miss is an empty result', async () => {
		expect(await run(env, { operation: 'get', findBy: 'mkId', document: { mode: 'id', value: '999999999' } })).toEqual([]);
	});

	it('Simplify (version 2): number, partner, date, totals and status without the lines; off gives the whole document; version 1 has no switch', async () => {
		const { mkId } = await createOrder({ buyer_order: 'SIMPLE-1' });
		const get = (typeVersion: number, simple?: boolean) =>
			run(env, { operation: 'get', findBy: 'mkId', document: { mode: 'id', value: mkId }, ...(simple === undefined ? {} : { simple }) }, { typeVersion });
		const [simple] = await get(2, true);
		const [whole] = await get(2, false);
		expect(Object.keys(simple.json).sort()).toEqual(
			['buyer_order', 'count_code', 'currency_code', 'doc_date', 'doc_type', 'lines', 'mk_id', 'partner_mk_id', 'partner_name', 'status_code', 'status_desc', 'sum_all', 'sum_basic', 'sum_paid', 'title'].sort(),
		);
		const lines = whole.json.product_list as IDataObject[];
		const partner = whole.json.partner as IDataObject;
		expect(simple.json).toMatchObject({
			mk_id: mkId,
			doc_type: 'sales_order',
			count_code: whole.json.count_code,
			buyer_order: 'SIMPLE-1',
			partner_mk_id: partner.mk_id,
			partner_name: partner.customer,
			status_code: whole.json.status_code ?? null,
			status_desc: whole.json.status_desc ?? null,
			lines: lines.length,
		});
		expect(lines.length).toBeGreaterThan(0);
		expect(typeof simple.json.sum_all).toBe('number');
		expect(simple.pairedItem).toEqual({ item: 0 });
		// Version 1 keeps release 0.1's whole document even when a stray `simple` is saved.
		const [v1] = await get(1, true);
		expect(v1.json.product_list).toEqual(lines);
	});
});

describe('Update', () => {
	it('updates sales order fields and returns the document', async () => {
		const { mkId } = await createOrder();
		const out = await run(env, {
			operation: 'update',
			document: { mode: 'id', value: mkId },
			updateFields: { notes: 'Leave at the door', delivery_type: 'Pošta Slovenije', status_code: 'shipped', shipped_date: '12.08.2026', product_add: JSON.stringify([jsonLine({ code: 'POD-M8', amount: '4' })]) },
		});
		expect(out[0].json).toMatchObject({ status: 'updated', mkId, notes: 'Leave at the door', delivery_type: 'Pošta Slovenije', status_desc: 'shipped' });
		expect((out[0].json.product_list as Array<{ code: string }>).map((l) => l.code)).toEqual(['VIJ-M8-50', 'POD-M8']);
	});

	it('bills: status only', async () => {
		const [bill] = await run(env, { operation: 'create', docType: 'sales_bill_domestic', ...fromItem }, { items: [{ partner: partnerFields, date: '2026-08-10', lines: [jsonLine()], additional: BILL_HEAD }] });
		const mkId = String(bill.json.mkId);
		const out = await run(env, { operation: 'update', docType: 'sales_bill_domestic', document: { mode: 'id', value: mkId }, statusCode: 'open', updateFields: { notes: 'ignored for bills' } });
		expect(out[0].json).toMatchObject({ status: 'updated', status_desc: 'open' });
		expect(out[0].json.notes).toBeUndefined();
	});

	it('an empty update is an input error', async () => {
		const { mkId } = await createOrder();
		const error = await run(env, { operation: 'update', document: { mode: 'id', value: mkId }, updateFields: {} }).catch((e: unknown) => e);
		expect((error as Error).message).toContain('"(item)" is empty');
	});
});

describe('Delete', () => {
	it('deletes a sales order', async () => {
		const { mkId } = await createOrder();
		const out = await run(env, { operation: 'delete', document: { mode: 'id', value: mkId } });
		expect(out[0].json).toEqual({ deleted: true, docType: 'sales_order', mkId });
		expect(orders().some((o) => o.mk_id === mkId)).toBe(false);
	});

	it('refuses types Metakocka cannot delete, before calling it', async () => {
		env.sandbox.resetCounters();
		const error = await run(env, { operation: 'delete', docType: 'sales_bill_domestic', document: { mode: 'id', value: '123' } }).catch((e: unknown) => e);
		expect((error as Error).message).toContain('"docType" is sales_bill_domestic, but Delete works for sales_order, warehouse_delivery_note');
		expect(env.sandbox.counters()).toEqual({});
	});
});

describe('Search', () => {
	it('finds full documents by query, date range, status and advanced filters, with a limit', async () => {
		const partner = seededPartner();
		const made = [];
		for (let i = 0; i < 3; i++) {
			const [o] = await run(env, {
				operation: 'create',
				partnerSource: 'mkId',
				partnerMkId: { mode: 'list', value: partner.mk_id },
				docDate: `2026-09-0${i + 1}`,
				linesSource: 'json',
				linesJson: [jsonLine()],
				additionalFields: { title: `SEARCHME ${i}` },
			});
			made.push(o.json.mkId);
		}
		const all = await run(env, {
			operation: 'search',
			query: 'searchme',
			filters: { doc_date_from: '2026-09-01T00:00:00', doc_date_to: '2026-09-30T00:00:00', status_list: 'new_order' },
			advancedFilters: { filter: [{ type: 'partner_mk_id', value: partner.mk_id }] },
			returnAll: true,
		});
		expect(all.map((o) => o.json.mk_id)).toEqual(made);
		expect(all[0].json.product_list).toEqual(expect.any(Array));
		expect(all.every((o) => (o.pairedItem as { item: number }).item === 0)).toBe(true);

		const limited = await run(env, { operation: 'search', query: 'SEARCHME', returnAll: false, limit: 2, searchOptions: { order_direction: 'desc' } });
		expect(limited.map((o) => o.json.mk_id)).toEqual([made[2], made[1]]);

		const none = await run(env, { operation: 'search', query: 'SEARCHME', filters: { doc_date_from: '2026-10-01' }, returnAll: true });
		expect(none).toEqual([]);

		const simple = await run(env, { operation: 'search', query: 'SEARCHME', returnAll: true, simple: true }, { typeVersion: 2 });
		expect(simple.map((o) => [o.json.mk_id, o.json.title, o.json.partner_mk_id, o.json.product_list])).toEqual(made.map((mk, i) => [mk, `SEARCHME ${i}`, partner.mk_id, undefined]));
	});

	it('Return All reads every page', async () => {
		const client = new MetakockaClient({ companyId: env.companyId, secretKey: env.secretKey, baseUrl: env.sandbox.baseUrl });
		await Promise.all(
			Array.from({ length: 130 }, (_, i) =>
				client.putDocument({ doc_type: 'sales_offer', count_code: `OFF-${i}`, doc_date: '2026-08-01', partner: partnerFields, product_list: [jsonLine()] }),
			),
		);
		env.sandbox.resetCounters();
		const out = await run(env, { operation: 'search', docType: 'sales_offer', query: '', returnAll: true });
		const total = env.sandbox.store().documents.sales_offer.length;
		expect(total).toBeGreaterThan(130);
		expect(new Set(out.map((o) => o.json.mk_id)).size).toBe(total);
		expect(env.sandbox.counters().search).toBe(Math.ceil(total / 100));
	});
});

describe('Change Status', () => {
	it('changes a sales order status', async () => {
		const { mkId } = await createOrder();
		const out = await run(env, { operation: 'changeStatus', document: { mode: 'id', value: mkId }, statusCode: 'ready_to_ship' });
		expect(out[0].json).toEqual({ status: 'updated', docType: 'sales_order', mkId, statusCode: 'ready_to_ship' });
		expect(orders().find((o) => o.mk_id === mkId)!.status_desc).toBe('ready_to_ship');
	});

	it('an unknown status is Metakocka\'s error, naming the item', async () => {
		const { mkId } = await createOrder();
		const error = await run(env, { operation: 'changeStatus', document: { mode: 'id', value: mkId }, statusCode: 'teleported' }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as Error).message).toContain('teleported');
	});
});

describe('Get PDF', () => {
	it('returns the printout as binary application/pdf', async () => {
		const [bill] = await run(env, { operation: 'create', docType: 'sales_bill_domestic', ...fromItem }, { items: [{ partner: partnerFields, date: '2026-08-10', lines: [jsonLine()], additional: BILL_HEAD }] });
		const mkId = String(bill.json.mkId);
		const out = await run(env, { operation: 'getPdf', docType: 'sales_bill_domestic', document: { mode: 'id', value: mkId }, reportId: '', binaryPropertyName: 'data', pdfOptions: {} });
		expect(out[0].json).toMatchObject({ mkId, reportId: '38', fileName: `sales_bill_domestic-${mkId}.pdf` });
		const binary = out[0].binary!.data;
		expect(binary.mimeType).toBe('application/pdf');
		expect(Buffer.from(binary.data, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
		expect(out[0].pairedItem).toEqual({ item: 0 });
	});
});
