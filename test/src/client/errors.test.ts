import { inspect } from 'node:util';
import { MetakockaError, redactSecrets } from '../../../src/client';
import { capturingLogger, connectionReset, failure, makeClient, mk, ok, SECRET } from './helpers';


/** Every way an error could end up in a log or an n8n execution. */
function everyRendering(error: unknown): string {
	return [String(error), (error as Error).message, (error as Error).stack, JSON.stringify(error), inspect(error, { depth: 10 })].join('\n');
}

describe('MetakockaError', () => {
	it('says what Metakocka rejected, with opr_code and description', async () => {
		mk().post('/rest/eshop/v1/put_document').reply(200, { opr_code: '2', opr_time_ms: '3', opr_desc: 'Unknown document type : x' });
		const error = await failure(() => makeClient().call('put_document', { doc_type: 'x' }));
		expect(error).toBeInstanceOf(MetakockaError);
		expect(error.message).toBe('Metakocka rejected put_document (opr_code 2): Unknown document type : x');
		expect(error).toMatchObject({ code: '2', description: 'Unknown document type : x', method: 'put_document', retryable: false });
		expect(error.response).toMatchObject({ opr_code: '2' });
	});

	it('reads error_desc when opr_desc is absent', async () => {
		mk().post('/rest/eshop/accounting_export').reply(200, { opr_code: '1', error_desc: 'java.lang.InterruptedException: sleep interrupted' });
		const error = await failure(() => makeClient().call('accounting_export', {}));
		expect(error.message).toBe('Metakocka rejected accounting_export (opr_code 1): java.lang.InterruptedException: sleep interrupted');
	});

	it('an HTML answer is HTML_404 with a hint about URL family / base URL', async () => {
		mk()
			.post('/rest/eshop/v1/json/product_list')
			.reply(404, '<html><head><title>Error 404 - Not Found</title></head><body>nope</body></html>', { 'Content-Type': 'text/html' });
		const error = await failure(() => makeClient().listProducts());
		expect(error.code).toBe('HTML_404');
		expect(error.httpStatus).toBe(404);
		expect(error.retryable).toBe(false);
		expect(error.message).toMatch(/HTML page \(HTTP 404\)/);
		expect(error.message).toMatch(/URL family/);
		expect(error.description).toContain('https://mk.example.test/rest/eshop/v1/json/product_list');
	});

	it('HTML without a text/html header is still recognised', async () => {
		mk().post('/rest/eshop/v1/search').reply(200, '<!DOCTYPE html><html><body>Not here</body></html>');
		const error = await failure(() => makeClient().call('search', { doc_type: 'sales_order' }));
		expect(error.code).toBe('HTML_404');
	});

	it('a non-JSON body is INVALID_RESPONSE', async () => {
		mk().post('/rest/eshop/v1/get_document').reply(200, 'oops', { 'Content-Type': 'application/json' });
		const error = await failure(() => makeClient().call('get_document', { doc_type: 'sales_order', doc_id: '1' }));
		expect(error.code).toBe('INVALID_RESPONSE');
		expect(error.message).toContain('unexpected answer to get_document');
	});

	it('absent opr_code counts as success (partner calls)', async () => {
		mk().post('/rest/eshop/v1/add_partner').reply(200, { mk_id: '228000046627', mk_contact_id: '228000046630' });
		await expect(makeClient().call('add_partner', { partner: { customer: 'A' } })).resolves.toEqual({
			mk_id: '228000046627',
			mk_contact_id: '228000046630',
		});
	});

	it('a zod validation failure is INVALID_RESPONSE naming the field', async () => {
		mk().post('/rest/eshop/v1/json/warehouse_list').reply(200, ok({ warehouse_list: [{ mk_id: '1', active: 'maybe' }] }));
		const error = await failure(() => makeClient().listWarehouses());
		expect(error.code).toBe('INVALID_RESPONSE');
		expect(error.description).toContain('warehouse_list.0.active');
	});
});

describe('the secret key never leaks', () => {
	it('not from an opr_desc that echoes it', async () => {
		mk().post('/rest/eshop/v1/search').reply(200, { opr_code: '1', opr_desc: `Bad secret_key ${SECRET} for company`, secret_key: SECRET });
		const logger = capturingLogger();
		const error = await failure(() => makeClient({ logger }).call('search', { doc_type: 'sales_order' }));
		expect(error.code).toBe('1');
		expect(error.message).toContain('[REDACTED]');
		expect(everyRendering(error)).not.toContain(SECRET);
		expect(logger.text()).not.toContain(SECRET);
		expect(logger.lines.length).toBeGreaterThan(0);
	});

	it('not from a timeout (axios errors carry the request body)', async () => {
		mk().post('/rest/eshop/v1/get_partner').delay(300).reply(200, { partner_list: [] });
		const logger = capturingLogger();
		const error = await failure(() =>
			makeClient({ logger, timeoutMs: 30, maxRetries: 0 }).getPartners({ partner_email: 'a@b.si' }),
		);
		expect(error).toBeInstanceOf(MetakockaError);
		expect(error.code).toBe('TIMEOUT');
		expect(error.isAxiosError).toBeUndefined();
		expect(error.config).toBeUndefined();
		expect(error.cause).toBeUndefined();
		expect(everyRendering(error)).not.toContain(SECRET);
		expect(logger.text()).not.toContain(SECRET);
	});

	it('not from a dropped connection', async () => {
		mk().post('/rest/eshop/v1/get_partner').replyWithError(connectionReset(`socket hang up ${SECRET}`));
		const logger = capturingLogger();
		const error = await failure(() => makeClient({ logger, maxRetries: 0 }).getPartners({ partner_email: 'a@b.si' }));
		expect(error.code).toBe('NETWORK');
		expect(error.description).toContain('ECONNRESET');
		expect(everyRendering(error)).not.toContain(SECRET);
		expect(logger.text()).not.toContain(SECRET);
	});

	it('not from a refused connection to a real socket', async () => {
		const logger = capturingLogger();
		const client = makeClient({ logger, maxRetries: 1 }, '4242', 'http://127.0.0.1:1');
		const error = await failure(() => client.listWarehouses());
		expect(error.code).toBe('NETWORK');
		expect(error.delivery).toBe('not_applied');
		expect(everyRendering(error)).not.toContain(SECRET);
		expect(logger.text()).not.toContain(SECRET);
	});

	it('not from HTML pages or 5xx bodies', async () => {
		mk().post('/rest/eshop/v1/report').reply(500, `<html><title>boom ${SECRET}</title></html>`, { 'Content-Type': 'text/html' });
		const logger = capturingLogger();
		const error = await failure(() => makeClient({ logger, maxRetries: 0 }).report({ mk_id: '1', report_id: '38' }));
		expect(error.code).toBe('HTTP_500');
		expect(everyRendering(error)).not.toContain(SECRET);
		expect(logger.text()).not.toContain(SECRET);
	});

	it('not from the client object itself', () => {
		const client = makeClient();
		expect(JSON.stringify(client)).not.toContain(SECRET);
		expect(inspect(client, { depth: 10 })).not.toContain(SECRET);
	});

	it('a logger that throws does not break calls', async () => {
		mk().post('/rest/eshop/v1/json/warehouse_list').reply(200, ok({ warehouse_list: [] }));
		const logger = {
			debug: () => {
				throw new Error('log sink down');
			},
			warn: () => undefined,
		};
		await expect(makeClient({ logger }).listWarehouses()).resolves.toEqual([]);
	});
});

describe('redactSecrets', () => {
	it('redacts deep strings, secret-named keys, errors and cycles', () => {
		const cyclic: Record<string, unknown> = { note: `key=${SECRET}` };
		cyclic.self = cyclic;
		const axiosLike = Object.assign(new Error(`failed ${SECRET}`), { code: 'ECONNRESET', config: { data: `{"secret_key":"${SECRET}"}` } });
		const out = redactSecrets({ a: [SECRET, { secret_key: 'whatever' }], cyclic, err: axiosLike, n: 5 }, [SECRET]) as any;
		expect(JSON.stringify(out, (k, v) => (k === 'self' ? undefined : v))).not.toContain(SECRET);
		expect(out.a[0]).toBe('[REDACTED]');
		expect(out.a[1].secret_key).toBe('[REDACTED]');
		expect(out.err).toEqual({ name: 'Error', message: 'failed [REDACTED]', code: 'ECONNRESET' });
		expect(out.cyclic.self).toBe(out.cyclic);
		expect(out.n).toBe(5);
	});

	it('ignores empty secrets', () => {
		expect(redactSecrets('abc', ['', 'b'])).toBe('a[REDACTED]c');
	});
});
