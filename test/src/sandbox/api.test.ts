// Wire conventions shared by every call: URL families, POST + JSON credentials, string scalars,
// the envelope, and company isolation [DOC:documents_concept.md][OBS].
import { AUTH, ESHOP, JSON_, nonStringScalars, post, useSandbox, V1 } from './helpers';

const { sb, v1, json } = useSandbox({ companies: [{ companyId: '42', secretKey: 'other' }] });

describe('URL families', () => {
	it.each([
		['product_list under /v1/', V1 + 'product_list'],
		['warehouse_stock under /v1/', V1 + 'warehouse_stock'],
		['put_document under /v1/json/', JSON_ + 'put_document'],
		['search under /rest/eshop/', ESHOP + 'search'],
		['sync_stock under /v1/', V1 + 'sync_stock'],
		['send_message under /v1/json/', JSON_ + 'send_message'],
		['an unknown method', V1 + 'get_documents'],
		['an unknown path', '/rest/other/v1/search'],
	])('%s answers an HTML 404, not JSON', async (_name, path) => {
		const r = await post(sb().baseUrl, path, AUTH);
		expect(r.status).toBe(404);
		expect(r.contentType).toContain('text/html');
		expect(r.text).toContain('<html');
		expect(() => JSON.parse(r.text) as unknown).toThrow();
	});

	it('GET on a method path is an HTML 404', async () => {
		const res = await fetch(sb().baseUrl + V1 + 'search');
		expect(res.status).toBe(404);
		expect(res.headers.get('content-type')).toContain('text/html');
	});

	it('each family serves its own methods', async () => {
		expect((await post(sb().baseUrl, V1 + 'search', { ...AUTH, doc_type: 'sales_order' })).json.opr_code).toBe('0');
		expect((await post(sb().baseUrl, JSON_ + 'warehouse_list', AUTH)).json.opr_code).toBe('0');
		const msg = await post(sb().baseUrl, ESHOP + 'send_message', {
			...AUTH,
			message_list: [{ type: 'email', email_from: 'shop@trgovina.si', email_to_list: ['kupec@gmail.com'], email_subject: 'Naročilo', email_html_body: '<p>Hvala</p>', sender_message_id: 'm-1' }],
		});
		expect(msg.json).toMatchObject({ opr_code: '0', message_list: [{ sender_message_id: 'm-1', status: 'ok' }] });
		expect((await post(sb().baseUrl, ESHOP + 'send_message', AUTH)).json).toMatchObject({ opr_code: '2', opr_desc: 'Polje message_list je obvezno.' });
	});

	it('documented but unmodelled methods answer opr_code "1" under their right family', async () => {
		const r = await post(sb().baseUrl, V1 + 'generate_sticker', AUTH);
		expect(r.status).toBe(200);
		expect(r.json).toMatchObject({ opr_code: '1', opr_desc: 'Internal server error.' });
	});
});

describe('credentials and body', () => {
	it.each([
		['wrong secret_key', { secret_key: 'nope', company_id: '16' }],
		['unknown company_id', { secret_key: 'sandbox-secret', company_id: '99' }],
		['missing credentials', {}],
		['another company key', { secret_key: 'other', company_id: '16' }],
	])('%s → HTTP 200 opr_code "1"', async (_name, creds) => {
		const r = await post(sb().baseUrl, V1 + 'search', { ...creds, doc_type: 'sales_order' });
		expect(r.status).toBe(200);
		expect(r.json.opr_code).toBe('1');
		expect(r.json.opr_desc).toEqual(expect.any(String));
		expect(r.json.result).toBeUndefined();
	});

	it('accepts company_id as a number, as some doc examples send it', async () => {
		expect((await post(sb().baseUrl, JSON_ + 'warehouse_list', { secret_key: 'sandbox-secret', company_id: 16 })).json.opr_code).toBe('0');
	});

	it('malformed JSON → HTTP 200 opr_code "1"', async () => {
		const r = await post(sb().baseUrl, V1 + 'search', '{"secret_key": "sandbox-secret", ', true);
		expect(r.status).toBe(200);
		expect(r.json.opr_code).toBe('1');
	});

	it('accepts JSON numbers and booleans where the docs send strings', async () => {
		const r = await json('product_list', { sales: true, limit: 2, offset: 0, search_with_like: false });
		expect(r).toMatchObject({ opr_code: '0', sales: 'true', limit: '2', product_list_count: '2' });
	});
});

describe('responses', () => {
	it('carry every scalar as a string, with opr_code "0" and opr_time_ms', async () => {
		const answers = [
			await v1('search', { doc_type: 'sales_order', result_type: 'doc' }),
			await v1('search', { doc_type: 'sales_bill_domestic', result_type: 'doc', show_payment_detail: true }),
			await json('product_list', { return_warehause_stock: true, return_pricelist: true, return_category: true }),
			await json('warehouse_stock'),
			await json('warehouse_list'),
			await v1('get_partner', { partner_name: 'd.o.o.', show_partner_discount: true }),
		];
		for (const a of answers) expect(nonStringScalars(a)).toEqual([]);
		for (const a of answers.slice(0, 5)) {
			expect(a.opr_code).toBe('0');
			expect(a.opr_time_ms).toMatch(/^\d+$/);
		}
	});

	it('mk_ids are digit strings, unique across companies', async () => {
		const a = sb().store('16');
		const b = sb().store('42');
		const ids = (s: typeof a): string[] => [...s.partners.map((p) => p.mk_id), ...s.products.map((p) => p.mk_id), ...Object.values(s.documents).flat().map((d) => d.mk_id)].map(String);
		for (const id of [...ids(a), ...ids(b)]) expect(id).toMatch(/^\d{10,}$/);
		expect(new Set([...ids(a), ...ids(b)]).size).toBe(ids(a).length + ids(b).length);
	});
});

describe('company isolation', () => {
	it('data written in one company is invisible to another', async () => {
		const partner = { customer: 'Samo v 42 d.o.o.', street: 'Ulica 1', post_number: '1000', place: 'Ljubljana', country: 'Slovenia' };
		const other = { secret_key: 'other', company_id: '42' };
		const added = await post(sb().baseUrl, V1 + 'add_partner', { ...other, partner });
		expect(added.json.mk_id).toMatch(/^\d+$/);
		expect((await post(sb().baseUrl, V1 + 'get_partner', { ...other, partner_name: 'Samo v 42' })).json.partner_list_count).toBe('1');
		expect((await v1('get_partner', { partner_name: 'Samo v 42' })).opr_code).toBe('2');
		expect(sb().store('42').partners.length).toBe(sb().store('16').partners.length + 1);
	});
});
