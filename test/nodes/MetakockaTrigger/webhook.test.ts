import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IDataObject, IWebhookResponseData } from 'n8n-workflow';

import { MetakockaWebhookTrigger } from '../../../nodes/MetakockaWebhookTrigger/MetakockaWebhookTrigger.node';
import { acceptanceNote, fakeWebhookFunctions, startTriggerEnv } from '../../helpers/trigger';

const SECRET = 'webhook-client-secret';
const BODY = Buffer.from(
	JSON.stringify({
		opr_code: '0',
		opr_time_ms: '0',
		stock_list_count: '1',
		stock_list: [{ warehouse_id: '1600303267', mk_id: '1600094857', count_code: 'PA-4020', code: '150974832263', title: 'Düse', amount: '5', reserved_amount: '1', free_amount: '4', unit: 'kos' }],
	}),
);
const sign = (raw: Buffer, secret = SECRET) => createHmac('sha1', secret).update(raw).digest('base64');
const headersFor = (raw: Buffer, id = 'evt-1', extra: Record<string, string> = {}) => ({
	'Content-Type': 'application/json',
	'X-MetaKocka-Event': 'warehouse_product_stock_update',
	'X-MetaKocka-Id': id,
	'X-MetaKocka-Signature': sign(raw),
	...extra,
});

describe('Metakocka Webhook Trigger', () => {
	const node = new MetakockaWebhookTrigger();
	const call = async (headers: Record<string, string>, rawBody: Buffer | undefined, staticData: IDataObject = {}, params: Record<string, unknown> = {}) => {
		const { ctx, response } = fakeWebhookFunctions({ params: { clientSecret: SECRET, basicAuth: false, ...params }, headers, rawBody, staticData });
		const result = await node.webhook.call(ctx);
		return { result, response };
	};

	it('describes a webhook trigger with the full (no-op) lifecycle', async () => {
		const d = node.description;
		expect(d).toMatchObject({ name: 'metakockaWebhookTrigger', group: ['trigger'], inputs: [] });
		expect(d.webhooks).toEqual([expect.objectContaining({ httpMethod: 'POST', responseMode: 'onReceived' })]);
		expect(d.polling).toBeUndefined();
		const hooks = node.webhookMethods.default;
		const hookCtx = (clientSecret: string) =>
			({ getNodeParameter: (name: string) => (name === 'clientSecret' ? clientSecret : undefined), getNode: () => ({ name: 'Metakocka Webhook Trigger' }) }) as never;
		for (const m of [hooks.checkExists, hooks.create, hooks.delete]) expect(await m.call(hookCtx(SECRET))).toBe(true);
	});

	it('activation fails on a blank or short client secret, naming the parameter', async () => {
		for (const bad of [' ', '', 'short-secret']) {
			await expect(
				node.webhookMethods.default.checkExists.call({
					getNodeParameter: () => bad,
					getNode: () => ({ name: 'Metakocka Webhook Trigger', type: 'x', typeVersion: 1, parameters: {} }),
				} as never),
			).rejects.toThrow(/Client Secret must be at least 16 characters/);
		}
	});

	it('a blank client secret authenticates nobody: a body signed with " " is refused and fires nothing', async () => {
		const staticData: IDataObject = {};
		const { result, response } = await call({ ...headersFor(BODY), 'X-MetaKocka-Signature': sign(BODY, ' ') }, BODY, staticData, { clientSecret: ' ' });
		expect(response.status).toBe(401);
		expect(result).toEqual({ noWebhookResponse: true });
		expect(staticData).toEqual({});
	});

	it('a pasted secret with a trailing newline is trimmed: Metakocka signs with the secret itself', async () => {
		const { result } = await call(headersFor(BODY, 'trim-1'), BODY, {}, { clientSecret: `${SECRET}\n` });
		expect(result.workflowData).toBeDefined();
	});

	it('a valid delivery fires with one item per stock row and answers check_respond_status_json_ok "true"', async () => {
		const { result, response } = await call(headersFor(BODY), BODY);
		expect(response.status).toBeUndefined();
		expect(result.webhookResponse).toEqual({ status: 'ok', check_respond_status_json_ok: 'true' });
		expect(result.workflowData?.[0]).toHaveLength(1);
		expect(result.workflowData?.[0][0].json).toMatchObject({ mk_id: '1600094857', amount: 5, reserved_amount: 1, free_amount: 4, _change: { event_id: 'evt-1', watch: 'stock' } });
	});

	it.each([
		['a bad signature', headersFor(BODY, 'e', { 'X-MetaKocka-Signature': sign(BODY, 'forged') }), BODY],
		['no signature', { 'X-MetaKocka-Event': 'warehouse_product_stock_update', 'X-MetaKocka-Id': 'e' }, BODY],
		['a tampered body', headersFor(BODY), Buffer.from(BODY.toString('utf8').replace('"5"', '"500"'))],
		['no raw body', headersFor(BODY), undefined],
	])('%s is rejected with 401 and fires nothing', async (_name, headers, raw) => {
		const staticData: IDataObject = {};
		const { result, response } = await call(headers as Record<string, string>, raw, staticData);
		expect(response.status).toBe(401);
		expect(result).toEqual({ noWebhookResponse: true });
		expect(staticData).toEqual({});
	});

	it('a retried event (same X-MetaKocka-Id) fires once', async () => {
		const staticData: IDataObject = {};
		const first = await call(headersFor(BODY, 'evt-7'), BODY, staticData);
		const again = await call(headersFor(BODY, 'evt-7'), BODY, JSON.parse(JSON.stringify(staticData)) as IDataObject);
		expect(first.result.workflowData).toBeDefined();
		expect(again.result).toEqual({ webhookResponse: { status: 'ok', check_respond_status_json_ok: 'true' } });
		const changed = Buffer.from(BODY.toString('utf8').replace('"5"', '"7"'));
		expect((await call(headersFor(changed, 'evt-8'), changed, staticData)).result.workflowData).toBeDefined();
	});

	it('a captured delivery resent under a new X-MetaKocka-Id fires nothing, even after 1,000 fresh ids', async () => {
		let staticData: IDataObject = {};
		expect((await call(headersFor(BODY, 'evt-orig'), BODY, staticData)).result.workflowData).toBeDefined();
		for (let i = 0; i < 1000; i++) {
			// A restart in between (static data copied as JSON) changes nothing.
			if (i % 250 === 0) staticData = JSON.parse(JSON.stringify(staticData)) as IDataObject;
			const replay = await call(headersFor(BODY, `attacker-${i}`), BODY, staticData);
			expect(replay.result).toEqual({ webhookResponse: { status: 'ok', check_respond_status_json_ok: 'true' } });
		}
		// The flood did not push the original id out either.
		expect((await call(headersFor(BODY, 'evt-orig'), BODY, staticData)).result.workflowData).toBeUndefined();
		expect(Object.keys(staticData.seen as object).length).toBeLessThanOrEqual(2);
	});

	it('basic auth, when on, is required', async () => {
		const params = { basicAuth: true, basicAuthUser: 'mk', basicAuthPassword: 'pw' };
		const denied = await call(headersFor(BODY), BODY, {}, params);
		expect(denied.response.status).toBe(401);
		expect(denied.response.headers['www-authenticate']).toContain('Basic');
		const auth = { Authorization: `Basic ${Buffer.from('mk:pw').toString('base64')}` };
		expect((await call(headersFor(BODY, 'x', auth), BODY, {}, params)).result.workflowData).toBeDefined();
	});

	describe('deliveries from the sandbox', () => {
		let env: Awaited<ReturnType<typeof startTriggerEnv>>;
		let server: http.Server;
		let url = '';
		const fired: IDataObject[][] = [];
		const staticData: IDataObject = {};
		/** Answers the sandbox with the node's reply; the first answer of a scripted event is lost. */
		let loseNextAnswer = false;

		beforeAll(async () => {
			env = await startTriggerEnv({ webhookRetryDelayMs: 10 });
			server = http.createServer((req, res) => {
				const chunks: Buffer[] = [];
				req.on('data', (c: Buffer) => chunks.push(c));
				req.on('end', () => {
					const headers: Record<string, string> = {};
					for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
					const { ctx, response } = fakeWebhookFunctions({ params: { clientSecret: SECRET, basicAuth: false }, headers, rawBody: Buffer.concat(chunks), staticData });
					void node.webhook.call(ctx).then((result: IWebhookResponseData) => {
						if (result.workflowData) fired.push(result.workflowData[0].map((i) => i.json));
						if (loseNextAnswer) {
							// The workflow started, but Metakocka never hears back: it will retry.
							loseNextAnswer = false;
							res.writeHead(502, { 'Content-Type': 'text/html' }).end('<html>gateway timeout</html>');
							return;
						}
						const status = response.status ?? 200;
						res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(result.webhookResponse ?? response.body ?? {}));
					});
				});
			});
			await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
			url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/metakocka`;
		});
		afterAll(async () => {
			await env.close();
			await new Promise<void>((r) => {
				server.close(() => r());
				server.closeAllConnections();
			});
		});
		beforeEach(() => {
			fired.length = 0;
			env.sandbox.clearWebhooks();
		});

		it('a stock change fires once with the rows of every active warehouse', async () => {
			env.sandbox.addWebhook({ url, client_secret: SECRET });
			await env.client.call('put_document', acceptanceNote('3'), 'write');
			await env.sandbox.webhooksIdle();
			expect(fired).toHaveLength(1);
			expect(fired[0].map((r) => r.code)).toEqual(expect.arrayContaining(['VIJ-M8-50']));
			expect(new Set(fired[0].map((r) => r.warehouse_id)).size).toBe(env.sandbox.store().warehouses.length);
			expect(env.sandbox.webhookDeliveries()[0]).toMatchObject({ state: 'delivered', attempts: [{ ok: true }] });
		});

		it('delivered twice (a lost answer, then Metakocka retries) it still fires once', async () => {
			env.sandbox.addWebhook({ url, client_secret: SECRET });
			loseNextAnswer = true;
			await env.client.call('put_document', acceptanceNote('4'), 'write');
			await env.sandbox.webhooksIdle();
			const [delivery] = env.sandbox.webhookDeliveries();
			expect(delivery.attempts.map((a) => a.ok)).toEqual([false, true]);
			expect(fired).toHaveLength(1);
		});

		it('a sandbox with another client_secret is rejected with 401 and fires nothing', async () => {
			env.sandbox.addWebhook({ url, client_secret: 'not-the-secret', retry_delay_ms: 1 });
			await env.client.call('put_document', acceptanceNote('5'), 'write');
			await env.sandbox.webhooksIdle();
			const [delivery] = env.sandbox.webhookDeliveries();
			expect(delivery.state).toBe('failed');
			expect(delivery.attempts.map((a) => a.status)).toEqual([401, 401, 401]);
			expect(fired).toEqual([]);
		});
	});
});
