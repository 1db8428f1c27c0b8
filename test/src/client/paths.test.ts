import nock from 'nock';
import { MetakockaClient, MetakockaError, METHODS, methodUrl } from '../../../src/client';
import { normaliseBaseUrl } from '../../../src/client/paths';
import { auth, BASE, COMPANY, failure, makeClient, mk, ok } from './helpers';


describe('URL families', () => {
	it.each([
		['put_document', '/rest/eshop/v1/put_document'],
		['search', '/rest/eshop/v1/search'],
		['get_partner', '/rest/eshop/v1/get_partner'],
		['report', '/rest/eshop/v1/report'],
		['change_document_status', '/rest/eshop/v1/change_document_status'],
		['product_list', '/rest/eshop/v1/json/product_list'],
		['product_add', '/rest/eshop/v1/json/product_add'],
		['warehouse_list', '/rest/eshop/v1/json/warehouse_list'],
		['warehouse_stock', '/rest/eshop/v1/json/warehouse_stock'],
		['sync_stock', '/rest/eshop/sync_stock'],
		['send_message', '/rest/eshop/send_message'],
		['get_message', '/rest/eshop/get_message'],
		['add_attachment', '/rest/eshop/add_attachment'],
	])('%s -> %s', (method, path) => {
		expect(methodUrl('https://main.metakocka.si', method)).toBe(`https://main.metakocka.si${path}`);
	});

	it('every documented method has exactly one family', () => {
		for (const [name, info] of Object.entries(METHODS)) {
			expect(['v1', 'v1/json', 'eshop']).toContain(info.family);
			expect(methodUrl(BASE, name).endsWith(`/${name}`)).toBe(true);
		}
		expect(METHODS.product_update.family).toBe('v1/json');
		expect(METHODS.update_partner.family).toBe('v1');
		expect(METHODS.sync_stock.family).toBe('eshop');
	});

	it('trims trailing slashes and whitespace from the base URL', () => {
		expect(normaliseBaseUrl(' https://devmainsi.metakocka.si/// ')).toBe('https://devmainsi.metakocka.si');
		expect(methodUrl('http://127.0.0.1:8080/', 'search')).toBe('http://127.0.0.1:8080/rest/eshop/v1/search');
	});

	it('rejects a base URL that is not http(s)', () => {
		expect(() => new MetakockaClient({ companyId: '1', secretKey: 'k', baseUrl: 'main.metakocka.si' })).toThrow(MetakockaError);
	});

	it('posts each family to its URL with auth in the JSON body', async () => {
		const scope = mk()
			.post('/rest/eshop/v1/json/warehouse_list', { ...auth })
			.reply(200, ok({ warehouse_list: [] }))
			.post('/rest/eshop/sync_stock', { ...auth, api_user_email: 'ops@x.si' })
			.reply(200, ok({ opr_desc: 'Sync successful' }))
			.post('/rest/eshop/v1/get_document', { ...auth, doc_type: 'sales_order', doc_id: '1' })
			.reply(200, ok({ mk_id: '1' }));
		const client = makeClient({}, COMPANY, `${BASE}/`);
		await client.call('warehouse_list');
		await client.call('sync_stock', { api_user_email: 'ops@x.si' });
		await client.call('get_document', { doc_type: 'sales_order', doc_id: '1' });
		expect(scope.isDone()).toBe(true);
	});

	it('an unknown method throws before anything is sent', async () => {
		const scope = mk().post(/.*/).reply(200, ok());
		const error = await failure(() => makeClient().call('put_dokument', { doc_type: 'sales_order' }));
		expect(error).toBeInstanceOf(MetakockaError);
		expect(error.code).toBe('UNKNOWN_METHOD');
		expect(error.message).toContain('put_dokument');
		expect(scope.isDone()).toBe(false);
		expect(nock.pendingMocks()).toHaveLength(1);
	});
});
