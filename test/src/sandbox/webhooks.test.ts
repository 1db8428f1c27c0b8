// Webhook delivery [DOC:webhooks.md]: the sandbox POSTs warehouse_product_stock_update with the
// documented headers and signature, and retries twice when the receiver does not answer JSON.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { AUTH, COMPANY, post, useSandbox, V1 } from './helpers';

interface Received {
	headers: http.IncomingHttpHeaders;
	raw: Buffer;
}

const OK = '{"status":"ok","check_respond_status_json_ok":"true"}';

/** A receiver whose answers are scripted per request (default: 200 with check_respond_status_json_ok "true"). */
async function receiver(): Promise<{ url: string; got: Received[]; answers: Array<[number, string]>; close(): Promise<void> }> {
	const got: Received[] = [];
	const answers: Array<[number, string]> = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			got.push({ headers: req.headers, raw: Buffer.concat(chunks) });
			const [status, body] = answers.shift() ?? [200, OK];
			res.writeHead(status, { 'Content-Type': body.startsWith('{') ? 'application/json' : 'text/html' });
			res.end(body);
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/hook`,
		got,
		answers,
		close: () =>
			new Promise<void>((r) => {
				server.close(() => r());
				server.closeAllConnections();
			}),
	};
}

const sign = (raw: Buffer, secret: string) => createHmac('sha1', secret).update(raw).digest('base64');

describe('webhooks', () => {
	const { sb, v1 } = useSandbox({ webhookRetryDelayMs: 5 });
	let rx: Awaited<ReturnType<typeof receiver>>;
	beforeEach(async () => {
		sb().reset();
		sb().clearWebhooks();
		rx = await receiver();
	});
	afterEach(async () => rx.close());

	const note = (code: string, amount: string) => ({
		doc_type: 'warehouse_acceptance_note',
		warehouse: 'GL',
		partner: { customer: 'Dobavitelj d.o.o.', street: 'Celovška 5', post_number: '1000', place: 'Ljubljana', country: 'Slovenia' },
		product_list: [{ code, amount, price: '1', tax: 'EX4' }],
	});

	it('a stock-moving document delivers the documented body, headers and signature', async () => {
		await post(sb().baseUrl, '/__sandbox/webhooks', { url: rx.url, client_secret: 'shh' });
		expect((await v1('put_document', note('VIJ-M8-50', '7'))).opr_code).toBe('0');
		await sb().webhooksIdle();
		expect(rx.got).toHaveLength(1);
		const [{ headers, raw }] = rx.got;
		expect(headers['x-metakocka-event']).toBe('warehouse_product_stock_update');
		expect(headers['x-metakocka-id']).toMatch(/\S+/);
		expect(headers['x-metakocka-signature']).toBe(sign(raw, 'shh'));
		expect(headers['content-type']).toContain('application/json');
		const body = JSON.parse(raw.toString('utf8'));
		const warehouses = sb().store().warehouses;
		// Every active warehouse, zero rows included.
		expect(body).toMatchObject({ opr_code: '0', opr_time_ms: '0', stock_list_count: String(body.stock_list.length) });
		expect(new Set(body.stock_list.map((r: { warehouse_id: string }) => r.warehouse_id))).toEqual(new Set(warehouses.map((w) => w.mk_id)));
		for (const row of body.stock_list) {
			expect(row).toMatchObject({ mk_id: expect.any(String), count_code: 'PA-101', code: 'VIJ-M8-50', unit: 'kos' });
			for (const k of ['amount', 'reserved_amount', 'free_amount']) expect(typeof row[k]).toBe('string');
		}
		const delivery = sb().webhookDeliveries()[0];
		expect(delivery).toMatchObject({ state: 'delivered', event: 'warehouse_product_stock_update', attempts: [{ status: 200, ok: true }] });
	});

	it('a zero row for an active warehouse without stock; inactive warehouses are left out', async () => {
		const seed = (await import('../../../src/sandbox')).defaultSeed();
		seed.warehouses!.push({ mark: 'OLD', name: 'Zaprto skladišče', active: 'false' });
		sb().reset(seed);
		sb().addWebhook({ url: rx.url, client_secret: 'shh' });
		await v1('put_document', note('POD-M8', '4'));
		await sb().webhooksIdle();
		const body = JSON.parse(rx.got[0].raw.toString('utf8'));
		const marks = new Map(sb().store().warehouses.map((w) => [w.mk_id, w.mark]));
		expect(body.stock_list.map((r: { warehouse_id: string }) => marks.get(r.warehouse_id)).sort()).toEqual(['GL', 'TR']);
		const tr = body.stock_list.find((r: { warehouse_id: string }) => marks.get(r.warehouse_id) === 'TR');
		expect(tr).toMatchObject({ amount: '0', reserved_amount: '0', free_amount: '0' });
	});

	it('retries twice on a non-JSON or non-2xx answer, with the same event id', async () => {
		sb().addWebhook({ url: rx.url, client_secret: 'shh' });
		rx.answers.push([502, '<html>Bad gateway</html>'], [200, 'OK']);
		await v1('put_document', note('VIJ-M8-50', '1'));
		await sb().webhooksIdle();
		expect(rx.got).toHaveLength(3);
		expect(new Set(rx.got.map((g) => g.headers['x-metakocka-id'])).size).toBe(1);
		expect(rx.got.every((g) => g.raw.equals(rx.got[0].raw))).toBe(true);
		expect(sb().webhookDeliveries()[0]).toMatchObject({ state: 'delivered', attempts: [{ status: 502, ok: false }, { status: 200, ok: false }, { ok: true }] });
	});

	it('gives up after three attempts', async () => {
		sb().addWebhook({ url: rx.url, client_secret: 'shh' });
		rx.answers.push([500, 'x'], [500, 'x'], [500, 'x'], [200, OK]);
		await v1('put_document', note('VIJ-M8-50', '1'));
		await sb().webhooksIdle();
		expect(rx.got).toHaveLength(3);
		expect(sb().webhookDeliveries()[0].state).toBe('failed');
	});

	it('a JSON answer with another status is not ok', async () => {
		sb().addWebhook({ url: rx.url, client_secret: 'shh' });
		rx.answers.push([200, '{"status":"error"}']);
		await v1('put_document', note('VIJ-M8-50', '1'));
		await sb().webhooksIdle();
		expect(rx.got).toHaveLength(2);
	});

	it('the docs\' example answer {"status":"ok"} alone is retried: check_respond_status_json_ok "true" is required [DOC:webhooks.md]', async () => {
		sb().addWebhook({ url: rx.url, client_secret: 'shh' });
		rx.answers.push([200, '{"status":"ok"}'], [200, '{"check_respond_status_json_ok":"false"}']);
		await v1('put_document', note('VIJ-M8-50', '1'));
		await sb().webhooksIdle();
		expect(rx.got).toHaveLength(3);
		expect(sb().webhookDeliveries()[0]).toMatchObject({ state: 'delivered', attempts: [{ ok: false }, { ok: false }, { ok: true }] });
	});

	it('sends basic auth when configured', async () => {
		sb().addWebhook({ url: rx.url, client_secret: 'shh', basic_auth_username: 'mk', basic_auth_password: 'pw' });
		await v1('put_document', note('VIJ-M8-50', '1'));
		await sb().webhooksIdle();
		expect(rx.got[0].headers.authorization).toBe(`Basic ${Buffer.from('mk:pw').toString('base64')}`);
	});

	it('a new sales order (reservation) fires; reads and services do not', async () => {
		sb().addWebhook({ url: rx.url, client_secret: 'shh' });
		await v1('search', { doc_type: 'sales_order' });
		await v1('put_document', {
			doc_type: 'sales_order',
			warehouse: 'GL',
			partner: { customer: 'Kupec', street: 'Ulica 1', post_number: '1000', place: 'Ljubljana', country: 'Slovenia' },
			product_list: [
				{ code: 'MAT-M8', amount: '3', price: '1', tax: 'EX4' },
				{ code: 'STOR-DOST', amount: '1', price: '4', tax: 'EX4' },
			],
		});
		await sb().webhooksIdle();
		expect(rx.got.map((g) => JSON.parse(g.raw.toString('utf8')).stock_list[0].code)).toEqual(['MAT-M8']);
	});

	it('no receivers, no deliveries; other companies do not deliver to this one', async () => {
		await v1('put_document', note('VIJ-M8-50', '1'));
		await sb().webhooksIdle();
		expect(sb().webhookDeliveries()).toEqual([]);
		expect(rx.got).toEqual([]);
	});

	it('control API: register, list (no secrets), fire, clear', async () => {
		const bad = await post(sb().baseUrl, '/__sandbox/webhooks', { url: 'not a url', client_secret: 'x' });
		expect(bad.status).toBe(400);
		expect((await post(sb().baseUrl, '/__sandbox/webhooks', { url: rx.url })).status).toBe(400);
		const reg = await post(sb().baseUrl, '/__sandbox/webhooks', { url: rx.url, client_secret: 'topsecret', company_id: COMPANY, retry_delay_ms: 1 });
		expect(reg.json).toMatchObject({ ok: true, id: expect.any(String) });
		const fired = await post(sb().baseUrl, '/__sandbox/webhooks/fire', { code: 'VIJ-M8-50' });
		expect(fired.json.ids).toHaveLength(1);
		await sb().webhooksIdle();
		expect(rx.got).toHaveLength(1);
		expect(rx.got[0].headers['x-metakocka-id']).toBe(fired.json.ids[0]);
		const listed = await fetch(`${sb().baseUrl}/__sandbox/webhooks`).then((r) => r.text());
		expect(listed).not.toContain('topsecret');
		expect(JSON.parse(listed).receivers).toHaveLength(1);
		expect((await post(sb().baseUrl, '/__sandbox/webhooks/fire', { code: 'NO-SUCH' })).status).toBe(400);
		await fetch(`${sb().baseUrl}/__sandbox/webhooks`, { method: 'DELETE' });
		expect(JSON.parse(await fetch(`${sb().baseUrl}/__sandbox/webhooks`).then((r) => r.text()))).toEqual({ receivers: [], deliveries: [] });
	});

	it('the API answer does not wait for the delivery', async () => {
		sb().addWebhook({ url: rx.url, client_secret: 'shh', retry_delay_ms: 60_000 });
		rx.answers.push([500, 'x']);
		const started = Date.now();
		const r = await post(sb().baseUrl, V1 + 'put_document', { ...AUTH, ...note('VIJ-M8-50', '1') });
		expect(r.json.opr_code).toBe('0');
		expect(Date.now() - started).toBeLessThan(5_000);
		sb().clearWebhooks();
	});
});
