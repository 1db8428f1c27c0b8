import { MetakockaError } from '../../../src/client';
import { backoffDelay, withRetry } from '../../../src/client/retry';
import { capturingLogger, connectionReset, failure, makeClient, mk, ok } from './helpers';


const searchOk = ok({ result_all_records: '1', result_count: '1', offset: '0', limit: '100', result: [{ mk_id: '1', count_code: 'A' }] });

describe('backoff', () => {
	it('is full jitter: uniform in [0, min(cap, base*2^attempt))', () => {
		expect(backoffDelay(0, 100, 10000, () => 0.999)).toBe(99);
		expect(backoffDelay(3, 100, 10000, () => 0.5)).toBe(400);
		expect(backoffDelay(10, 100, 1000, () => 0.5)).toBe(500);
		expect(backoffDelay(2, 100, 10000, () => 0)).toBe(0);
	});

	it('withRetry waits the computed delays and stops at maxRetries', async () => {
		const waits: number[] = [];
		let calls = 0;
		const error = await failure(() =>
			withRetry(
				async () => {
					calls++;
					throw new Error('nope');
				},
				() => true,
				{ maxRetries: 3, baseDelayMs: 100, maxDelayMs: 10000, random: () => 0.5, sleep: async (ms) => void waits.push(ms) },
			),
		);
		expect(error.message).toBe('nope');
		expect(calls).toBe(4);
		expect(waits).toEqual([50, 100, 200]);
	});
});

describe('client retries', () => {
	it('retries a search on 503 with backoff, then succeeds', async () => {
		const scope = mk()
			.post('/rest/eshop/v1/search')
			.twice()
			.reply(503, '<html><title>503 Service Unavailable</title></html>', { 'Content-Type': 'text/html' })
			.post('/rest/eshop/v1/search')
			.reply(200, searchOk);
		const logger = capturingLogger();
		const page = await makeClient({ logger, retryBaseDelayMs: 5 }).search({ doc_type: 'sales_order' });
		expect(page.records).toEqual([{ mk_id: '1', count_code: 'A' }]);
		expect(scope.isDone()).toBe(true);
		const retries = logger.lines.filter((l) => l.level === 'warn' && /retrying/.test(l.message));
		expect(retries).toHaveLength(2);
		expect(retries[0].meta).toMatchObject({ code: 'HTTP_503', method: 'search' });
	});

	it('gives up after maxRetries with a retryable error', async () => {
		let calls = 0;
		mk()
			.post('/rest/eshop/v1/search')
			.times(5)
			.reply(() => {
				calls++;
				return [502, 'Bad Gateway'];
			});
		const error = await failure(() => makeClient({ maxRetries: 2 }).search({ doc_type: 'sales_order' }));
		expect(calls).toBe(3);
		expect(error).toMatchObject({ code: 'HTTP_502', retryable: true, httpStatus: 502 });
	});

	it('retries reads on timeouts, 429 and HTML gateway pages', async () => {
		const scope = mk()
			.post('/rest/eshop/v1/json/warehouse_list')
			.delay(200)
			.reply(200, ok({ warehouse_list: [] }))
			.post('/rest/eshop/v1/json/warehouse_list')
			.reply(429, { message: 'slow down' })
			.post('/rest/eshop/v1/json/warehouse_list')
			.reply(200, '<html><head><title>502 Bad Gateway</title></head></html>', { 'Content-Type': 'text/html' })
			.post('/rest/eshop/v1/json/warehouse_list')
			.reply(200, ok({ warehouse_list: { mk_id: '7', mark: 'GL' } }));
		const rows = await makeClient({ timeoutMs: 40 }).listWarehouses();
		expect(rows).toEqual([{ mk_id: '7', mark: 'GL' }]);
		expect(scope.isDone()).toBe(true);
	});

	it('retries reads after a dropped connection', async () => {
		const scope = mk()
			.post('/rest/eshop/v1/get_partner')
			.replyWithError(connectionReset())
			.post('/rest/eshop/v1/get_partner')
			.reply(200, { partner_list: [{ mk_id: '5', customer: 'X' }] });
		await expect(makeClient().getPartners({ partner_name: 'X' })).resolves.toEqual([{ mk_id: '5', customer: 'X' }]);
		expect(scope.isDone()).toBe(true);
	});

	it('never retries an opr_code business error', async () => {
		let calls = 0;
		mk()
			.post('/rest/eshop/v1/search')
			.times(3)
			.reply(() => {
				calls++;
				return [200, { opr_code: '6', opr_desc: 'datetime is not valid' }];
			});
		const error = await failure(() => makeClient().search({ doc_type: 'sales_order' }));
		expect(calls).toBe(1);
		expect(error).toMatchObject({ code: '6', retryable: false });
	});

	it('never retries an HTML 404', async () => {
		let calls = 0;
		mk()
			.post('/rest/eshop/v1/json/warehouse_list')
			.times(3)
			.reply(() => {
				calls++;
				return [404, '<html><title>Not Found</title></html>', { 'Content-Type': 'text/html' }];
			});
		await expect(makeClient().listWarehouses()).rejects.toMatchObject({ code: 'HTML_404' });
		expect(calls).toBe(1);
	});

	it('never resends a write on 503 (outcome unknown), and says so', async () => {
		let calls = 0;
		mk()
			.post('/rest/eshop/v1/update_document')
			.times(3)
			.reply(() => {
				calls++;
				return [503, 'Service Unavailable'];
			});
		const error = await failure(() => makeClient().updateDocument('sales_order', { mk_id: '9', notes: 'x' }));
		expect(calls).toBe(1);
		expect(error).toBeInstanceOf(MetakockaError);
		expect(error).toMatchObject({ code: 'HTTP_503', retryable: false, delivery: 'unknown' });
		expect(error.message).toMatch(/may or may not have been applied/);
	});

	it('resends an idempotent write only when the connection was refused (provably not sent)', async () => {
		const logger = capturingLogger();
		const client = makeClient({ logger, maxRetries: 2 }, '4242', 'http://127.0.0.1:1');
		const error = await failure(() => client.changeDocumentStatus('sales_order', { mk_id: '9' }, 'shipped'));
		expect(error).toMatchObject({ code: 'NETWORK', delivery: 'not_applied', retryable: true });
		const attempts = logger.lines.filter((l) => l.message === 'Metakocka change_document_status: request');
		expect(attempts).toHaveLength(3);
	});

	it('does not resend an idempotent write after a timeout', async () => {
		let calls = 0;
		mk()
			.post('/rest/eshop/v1/update_partner')
			.times(3)
			.delay(200)
			.reply(() => {
				calls++;
				return [200, { partner_list: [{ mk_id: '1' }] }];
			});
		const error = await failure(() => makeClient({ timeoutMs: 30 }).updatePartner({ mk_id: '1', street: 'Nova 1' }));
		expect(error).toMatchObject({ code: 'TIMEOUT', retryable: false });
		await new Promise((r) => setTimeout(r, 250));
		expect(calls).toBe(1);
	});
});
