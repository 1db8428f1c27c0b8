import { DOC_TYPE_INFO, DOC_TYPES, MetakockaClient, MetakockaError } from '../../../src/client';
import * as pkg from '../../../src';
import { auth, BASE, failure, makeClient, mk, ok, SECRET } from './helpers';


describe('construction and call()', () => {
	it('exposes companyId, requires credentials', () => {
		expect(makeClient().companyId).toBe('4242');
		expect(() => new MetakockaClient({ companyId: '1', secretKey: '', baseUrl: BASE })).toThrow(/secretKey/);
		expect(() => new MetakockaClient({ companyId: '', secretKey: 'x', baseUrl: BASE })).toThrow(/companyId/);
		expect(pkg.MetakockaClient).toBe(MetakockaClient);
	});

	it('returns the envelope as received (strings), auth in the body, client keys win', async () => {
		const scope = mk()
			.post('/rest/eshop/v1/search', { ...auth, doc_type: 'sales_order', limit: '5' })
			.matchHeader('content-type', /application\/json/)
			.reply(200, ok({ result_all_records: '0', result: [] }));
		const env = await makeClient().call('search', { doc_type: 'sales_order', limit: 5, secret_key: 'spoof', company_id: '1' });
		expect(env).toEqual({ opr_code: '0', opr_time_ms: '12', result_all_records: '0', result: [] });
		expect(scope.isDone()).toBe(true);
	});
});

describe('partners', () => {
	const partnerReply = {
		partner_list_count: '1',
		partner_list: {
			mk_id: '228000012291',
			business_entity: 'false',
			taxpayer: 'true',
			customer: 'TESTNI JANEZ',
			count_code: '140',
			x_future_field: 'kept',
			partner_contact_list: { mk_id: '228000012293', email: 'test1@test.si' },
			partner_delivery_address_list: [{ mk_id: '228000012292', address_type: 'Račun', post_number: '1000', city: 'LJUBLJANA', payment_due_days: '10' }],
			discounts: { categories: 'A', discount_percent: '7,5', override_existing: 'true' },
		},
	};

	it('getPartners converts types and normalises single-object lists', async () => {
		mk()
			.post('/rest/eshop/v1/get_partner', { ...auth, partner_email: 'test1@test.si', show_partner_discount: 'true' })
			.reply(200, partnerReply);
		const [p, ...rest] = await makeClient().getPartners({ partner_email: ' test1@test.si ' }, { showDiscounts: true });
		expect(rest).toEqual([]);
		expect(p).toEqual({
			mk_id: '228000012291',
			business_entity: false,
			taxpayer: true,
			customer: 'TESTNI JANEZ',
			count_code: '140',
			x_future_field: 'kept',
			partner_contact_list: [{ mk_id: '228000012293', email: 'test1@test.si' }],
			partner_delivery_address_list: [{ mk_id: '228000012292', address_type: 'Račun', post_number: '1000', city: 'LJUBLJANA', payment_due_days: 10 }],
			discounts: [{ categories: 'A', discount_percent: 7.5, override_existing: true }],
		});
	});

	it('getPartners: opr_code 2 (no match) -> []', async () => {
		mk().post('/rest/eshop/v1/get_partner').reply(200, { opr_code: '2', opr_desc: 'Partner not found' });
		await expect(makeClient().getPartners({ partner_tax_number: 'SI1' })).resolves.toEqual([]);
	});

	it('getPartners: other errors still throw', async () => {
		mk().post('/rest/eshop/v1/get_partner').reply(200, { opr_code: '1', opr_desc: 'Internal server error.' });
		await expect(makeClient().getPartners({ partner_id: '1' })).rejects.toMatchObject({ code: '1' });
	});

	it('getPartners without a lookup key fails before sending', async () => {
		const scope = mk().post(/.*/).reply(200, {});
		await expect(makeClient().getPartners({ partner_name: '  ' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
		expect(scope.isDone()).toBe(false);
	});

	it('addPartner: partner block in the body as strings, answer without opr_code', async () => {
		mk()
			.post('/rest/eshop/v1/add_partner', {
				...auth,
				partner: { customer: 'A d.o.o.', business_entity: 'true', taxpayer: 'false', street: 'Test, 4', post_number: '1000', place: 'Test', country: 'Slovenija', partner_contact: { email: 'a@a.si' } },
			})
			.reply(200, { mk_id: '228000046627', mk_contact_id: '228000046630', mk_address_id_list: [{ mk_id: '228000046628', street: 'Test, 4' }] });
		const res = await makeClient().addPartner({
			customer: 'A d.o.o.',
			business_entity: true,
			taxpayer: false,
			street: 'Test, 4',
			post_number: '1000',
			place: 'Test',
			country: 'Slovenija',
			partner_contact: { email: 'a@a.si' },
		});
		expect(res).toEqual({
			reconciled: false,
			result: { mk_id: '228000046627', mk_contact_id: '228000046630', mk_address_id_list: [{ mk_id: '228000046628', street: 'Test, 4' }] },
		});
	});

	it('getPartners: only the not-found answer is "no match"; any other failure throws (finding 3)', async () => {
		mk()
			.post('/rest/eshop/v1/get_partner', { ...auth, partner_email: 'a@b.si' })
			.reply(200, { opr_code: '2', opr_desc: 'Partner not found' })
			.post('/rest/eshop/v1/get_partner', { ...auth, partner_email: 'a@b.si' })
			.reply(200, { partner_list_count: '0' })
			.post('/rest/eshop/v1/get_partner', { ...auth, partner_email: 'a@b.si' })
			.reply(200, { opr_code: '2', opr_desc: "Paramether 'partner_email' has invalid value : a@b.si" })
			.post('/rest/eshop/v1/get_partner', { ...auth, partner_email: 'a@b.si' })
			.reply(200, { opr_code: '2', opr_desc: 'Partner data are missing' });
		await expect(makeClient().getPartners({ partner_email: 'a@b.si' })).resolves.toEqual([]);
		await expect(makeClient().getPartners({ partner_email: 'a@b.si' })).resolves.toEqual([]);
		await expect(makeClient().getPartners({ partner_email: 'a@b.si' })).rejects.toMatchObject({ code: '2', description: expect.stringMatching(/invalid value/) });
		await expect(makeClient().getPartners({ partner_email: 'a@b.si' })).rejects.toMatchObject({ code: '2', description: 'Partner data are missing' });
	});

	it('addPartner requires a name', async () => {
		await expect(makeClient().addPartner({ tax_id_number: 'SI1' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
	});

	it('updatePartner: by mk_id, returns the partner', async () => {
		mk()
			.post('/rest/eshop/v1/update_partner', { ...auth, partner: { mk_id: '228000012291', street: 'Nova 1' } })
			.reply(200, partnerReply);
		const p = await makeClient().updatePartner({ mk_id: '228000012291', street: 'Nova 1' });
		expect(p.mk_id).toBe('228000012291');
		expect(p.taxpayer).toBe(true);
		await expect(makeClient().updatePartner({ street: 'x' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
	});
});

describe('products and warehouses', () => {
	it('getProduct by count_code returns the exact match only', async () => {
		mk()
			.post('/rest/eshop/v1/json/product_list', { ...auth, count_code: 'A1', limit: '1000', offset: '0' })
			.reply(200, ok({ product_list_count: '2', product_list: [{ mk_id: '1', count_code: 'A10' }, { mk_id: '2', count_code: 'A1', sales: 'true' }] }));
		await expect(makeClient().getProduct({ count_code: 'A1' })).resolves.toEqual({ mk_id: '2', count_code: 'A1', sales: true });
	});

	it('getProduct by mk_id scans the catalogue when the filter is ignored', async () => {
		mk()
			.post('/rest/eshop/v1/json/product_list', { ...auth, mk_id: '9', limit: '1000', offset: '0' })
			.reply(200, ok({ product_list_count: '2', product_list: [{ mk_id: '1' }, { mk_id: '2' }] }))
			.post('/rest/eshop/v1/json/product_list', { ...auth, limit: '1000', offset: '0' })
			.reply(200, ok({ product_list_count: '3', product_list: [{ mk_id: '1' }, { mk_id: '2' }, { mk_id: '9', name: 'found' }] }));
		await expect(makeClient().getProduct({ mk_id: '9' })).resolves.toEqual({ mk_id: '9', name: 'found' });
	});

	it('getProduct returns null when nothing matches', async () => {
		mk().post('/rest/eshop/v1/json/product_list').reply(200, ok({ product_list_count: '0' }));
		await expect(makeClient().getProduct({ code: 'zz' })).resolves.toBeNull();
	});

	it('updateProduct / deleteProduct bodies', async () => {
		const scope = mk()
			.post('/rest/eshop/v1/json/product_update', { ...auth, count_code: 'eshop_002', name_desc: '$REMOVE_STRING_VALUE$', min_stock: '3' })
			.reply(200, ok({ mk_id: '1600001744', count_code: 'eshop_002' }))
			.post('/rest/eshop/v1/json/product_delete', { ...auth, mk_id: '1600001744' })
			.reply(200, ok());
		const client = makeClient();
		await expect(client.updateProduct({ count_code: 'eshop_002', name_desc: '$REMOVE_STRING_VALUE$', min_stock: 3 })).resolves.toEqual({
			mk_id: '1600001744',
			count_code: 'eshop_002',
		});
		await client.deleteProduct({ mk_id: '1600001744' });
		expect(scope.isDone()).toBe(true);
	});

	it('listWarehouses converts flags and keeps unknown fields', async () => {
		mk()
			.post('/rest/eshop/v1/json/warehouse_list', { ...auth })
			.reply(200, ok({ limit: '1000', warehouse_list: { mk_id: '1', mark: 'GL', main_warehouse: 'true', active: 'false', warehouse_type: 'normal', extra: 'x' } }));
		await expect(makeClient().listWarehouses()).resolves.toEqual([
			{ mk_id: '1', mark: 'GL', main_warehouse: true, active: false, warehouse_type: 'normal', extra: 'x' },
		]);
	});

	it('an unparseable number is INVALID_RESPONSE, not a silent NaN', async () => {
		mk().post('/rest/eshop/v1/json/product_list').reply(200, ok({ product_list: [{ mk_id: '1', amount: 'lots' }] }));
		await expect(makeClient().listProducts()).rejects.toMatchObject({ code: 'INVALID_RESPONSE', description: expect.stringContaining('product_list.0.amount') });
	});
});

describe('documents', () => {
	it('DOC_TYPES lists the 16 documented types with support metadata', () => {
		expect(DOC_TYPES).toHaveLength(16);
		expect(DOC_TYPES).toEqual(expect.arrayContaining(['sales_offer', 'sales_bill_credit_note', 'purchase_bill_prepaid', 'warehouse_acceptance_note']));
		expect(DOC_TYPES.filter((t) => DOC_TYPE_INFO[t].delete).sort()).toEqual(
			['sales_order', 'warehouse_acceptance_note', 'warehouse_delivery_note', 'warehouse_packing_list', 'warehouse_receiving_note'].sort(),
		);
		expect(DOC_TYPES.filter((t) => DOC_TYPE_INFO[t].changeDocumentStatus)).toEqual(['sales_order', 'warehouse_receiving_note']);
		expect(DOC_TYPES.filter((t) => DOC_TYPE_INFO[t].getChangeDocuments)).toHaveLength(4);
		expect(DOC_TYPE_INFO.sales_bill_domestic.update).toBe('status');
	});

	it('putDocument inserts with Metakocka-formatted values', async () => {
		mk()
			.post('/rest/eshop/v1/put_document', {
				...auth,
				doc_type: 'sales_order',
				count_code: 'resttest2',
				doc_date: '2014-09-13+02:00',
				partner: { business_entity: 'true', customer: 'API partner 1', post_number: '1000' },
				product_list: [{ code: 'art1', amount: '1', price: '100', tax: 'EX4', discount: '22;23' }],
			})
			.reply(200, ok({ mk_id: '1600129491', count_code: 'resttest2', document_type_short: 'PR_SO', total_price: '122,00' }));
		const res = await makeClient().putDocument({
			doc_type: 'sales_order',
			count_code: 'resttest2',
			doc_date: '13.09.2014',
			partner: { business_entity: true, customer: 'API partner 1', post_number: '1000' },
			product_list: [{ code: 'art1', amount: 1, price: 100, tax: 'EX4', discount: '22;23' }],
		});
		expect(res).toEqual({
			reconciled: false,
			result: { mk_id: '1600129491', count_code: 'resttest2', document_type_short: 'PR_SO', total_price: 122 },
		});
	});

	it('putDocument with an unknown doc_type fails before sending', async () => {
		const scope = mk().post(/.*/).reply(200, ok());
		await expect(makeClient().putDocument({ doc_type: 'sales_ordr' as never })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
		expect(scope.isDone()).toBe(false);
	});

	it('getDocument: doc_id + flags in, typed document out without the envelope', async () => {
		mk()
			.post('/rest/eshop/v1/get_document', { ...auth, doc_type: 'sales_order', doc_id: '1600129491', show_payment_detail: 'true' })
			.reply(200, ok({
				opr_time_no_lock_ms: '3',
				mk_id: '1600129491',
				doc_type: 'sales_order',
				count_code: 'N-1',
				doc_date: '2024-03-05+02:00',
				status_code: 'Novo naročilo',
				status_desc: 'new_order',
				partner: { customer: 'A', taxpayer: 'true' },
				product_list: { mk_id: '5', code: 'art1', amount: '2', price: '10,52', tax_factor: '0.22', discount: '10' },
				sum_basic: '21,04',
				sum_tax_ex4: '4,63',
				sum_all: '25,67',
				mark_paid: { payment_type: 'Gotovina', date: '2024-03-05+02:00', amount: '25,67' },
				extra_column: [{ name: 'tracking_number', value: 'ZX1' }],
			}));
		const doc = await makeClient().getDocument('sales_order', { mk_id: '1600129491' }, { show_payment_detail: true });
		expect(doc).toEqual({
			mk_id: '1600129491',
			doc_type: 'sales_order',
			count_code: 'N-1',
			doc_date: '2024-03-05+02:00',
			status_code: 'Novo naročilo',
			status_desc: 'new_order',
			partner: { customer: 'A', taxpayer: true },
			product_list: [{ mk_id: '5', code: 'art1', amount: 2, price: 10.52, tax_factor: 0.22, discount: '10' }],
			sum_basic: 21.04,
			sum_tax_ex4: 4.63,
			sum_all: 25.67,
			mark_paid: [{ payment_type: 'Gotovina', date: '2024-03-05+02:00', amount: 25.67 }],
			extra_column: [{ name: 'tracking_number', value: 'ZX1' }],
		});
	});

	it('getDocument: "Cannot find ..." -> null; other code-2 errors throw', async () => {
		mk()
			.post('/rest/eshop/v1/get_document', { ...auth, doc_type: 'sales_order', buyer_order: 'W1' })
			.reply(200, { opr_code: '2', opr_desc: 'Cannot find document type sales_order with id = null' })
			.post('/rest/eshop/v1/get_document')
			.reply(200, { opr_code: '2', opr_desc: 'Unknown document type : sales_invoice' });
		const client = makeClient();
		await expect(client.getDocument('sales_order', { buyer_order: 'W1' })).resolves.toBeNull();
		await expect(client.getDocument('sales_offer', { mk_id: '1' })).rejects.toMatchObject({ code: '2' });
		await expect(client.getDocument('sales_offer', { buyer_order: 'W1' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
	});

	it('updateDocument sends doc_type + fields; bills accept only status_code', async () => {
		const scope = mk()
			.post('/rest/eshop/v1/update_document', { ...auth, doc_type: 'sales_order', mk_id: '1', status_code: 'shipped', shipped_date: '2024-03-06+02:00' })
			.reply(200, ok())
			.post('/rest/eshop/v1/update_document', { ...auth, doc_type: 'sales_bill_domestic', count_code: 'R-1', status_code: '' })
			.reply(200, ok());
		const client = makeClient();
		await client.updateDocument('sales_order', { mk_id: '1', status_code: 'shipped', shipped_date: new Date('2024-03-06T10:00:00Z') });
		await client.updateDocument('sales_bill_domestic', { count_code: 'R-1', status_code: '' });
		await expect(client.updateDocument('sales_bill_domestic', { mk_id: '1', notes: 'x' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
		expect(scope.isDone()).toBe(true);
	});

	it('deleteDocument sends mk_id; unsupported types fail before sending', async () => {
		const scope = mk().post('/rest/eshop/v1/delete_document', { ...auth, doc_type: 'warehouse_packing_list', mk_id: '77' }).reply(200, ok());
		const client = makeClient();
		await client.deleteDocument('warehouse_packing_list', '77');
		await expect(client.deleteDocument('sales_bill_domestic', '1')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
		expect(scope.isDone()).toBe(true);
	});

	it('changeDocumentStatus: one target, list as a JSON array', async () => {
		const scope = mk()
			.post('/rest/eshop/v1/change_document_status', { ...auth, doc_type: 'sales_order', status_code: 'created', mk_id_list: ['1', '2'], api_user_email: 'ops@x.si' })
			.reply(200, ok());
		const client = makeClient();
		await client.changeDocumentStatus('sales_order', { mk_id_list: ['1', '2'] }, 'created', { api_user_email: 'ops@x.si' });
		expect(scope.isDone()).toBe(true);
		await expect(client.changeDocumentStatus('sales_order', { mk_id: '1', buyer_order: 'x' }, 'created')).rejects.toMatchObject({
			code: 'INVALID_INPUT',
		});
		await expect(client.changeDocumentStatus('sales_offer', { mk_id: '1' }, 'created')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
	});

	it('getChangeDocuments: an unknown answer shape is an error, never an empty success (finding 9)', async () => {
		mk()
			.post('/rest/eshop/v1/get_change_documents')
			.reply(200, ok({ document_list_count: '1', document_list: [{ mk_id: '9', count_code: 'NP-1' }] }))
			.post('/rest/eshop/v1/get_change_documents')
			.reply(200, ok({ result_count: '0' }))
			.post('/rest/eshop/v1/get_change_documents')
			.reply(200, ok({ result_count: '0', result: [] }));
		const error = await failure(() => makeClient().getChangeDocuments('warehouse_receiving_note'));
		expect(error).toMatchObject({ code: 'INVALID_RESPONSE', retryable: false, method: 'get_change_documents' });
		expect(error.message).toMatch(/without a "result" list \(keys: opr_code, opr_time_ms, document_list_count, document_list\)/);
		await expect(makeClient().getChangeDocuments('warehouse_receiving_note')).resolves.toEqual([]);
		await expect(makeClient().getChangeDocuments('warehouse_receiving_note')).resolves.toEqual([]);
	});

	it('getChangeDocuments', async () => {
		mk()
			.post('/rest/eshop/v1/get_change_documents', { ...auth, doc_type: 'warehouse_receiving_note' })
			.reply(200, ok({ result_count: '1', result: { mk_id: '9', count_code: 'NP-1' } }));
		await expect(makeClient().getChangeDocuments('warehouse_receiving_note')).resolves.toEqual([
			{ mk_id: '9', count_code: 'NP-1', doc_type: 'warehouse_receiving_note' },
		]);
		await expect(makeClient().getChangeDocuments('sales_order')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
	});
});

describe('report', () => {
	it('returns the file bytes and content type', async () => {
		const pdf = Buffer.from('%PDF-1.4 binary \u0000\u00ff');
		mk()
			.post('/rest/eshop/v1/report', {
				...auth,
				mk_id: '1600204439',
				report_id: '38',
				params: [
					{ type: 'REPORT_TYPE', value: 'PDF' },
					{ type: 'ADD_ATT_HIDDEN_DEFAULT_LOCALE', value: 'sl' },
				],
			})
			.reply(200, pdf, { 'Content-Type': 'application/pdf' });
		const res = await makeClient().report({ mk_id: '1600204439', report_id: '38', locale: 'sl' });
		expect(res.contentType).toBe('application/pdf');
		expect(Buffer.compare(res.data, pdf)).toBe(0);
	});

	it('an HTML report (type HTM) is a payload, not an error', async () => {
		mk().post('/rest/eshop/v1/report').reply(200, '<html><body>Račun</body></html>', { 'Content-Type': 'text/html; charset=utf-8' });
		const res = await makeClient().report({ mk_id: '1', report_id: '38', type: 'HTM' });
		expect(res.data.toString('utf8')).toContain('Račun');
	});

	it('a JSON answer is an error envelope', async () => {
		mk().post('/rest/eshop/v1/report').reply(200, { opr_code: '6', opr_desc: 'Report with this token does not exist.' }, { 'Content-Type': 'application/json' });
		const error = await failure(() => makeClient().report({ mk_id: '1', report_id: '38' }));
		expect(error).toBeInstanceOf(MetakockaError);
		expect(error.message).toBe('Metakocka rejected report (opr_code 6): Report with this token does not exist.');
		expect(JSON.stringify(error)).not.toContain(SECRET);
	});
});
