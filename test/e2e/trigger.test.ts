// The two Metakocka triggers in a real n8n (issue 8: "one real-n8n end-to-end case"), on an n8n of the
// suite's own because it is restarted in the middle:
// - Metakocka Webhook Trigger: the sandbox delivers a signed stock event to the workflow's production
//   URL and the workflow runs once; a retry of the same event runs nothing; forged calls get 401 and
//   run nothing, also after the restart.
// - Metakocka Trigger (polling, really activated, polling on n8n's schedule): a sales order created in
//   the sandbox fires once and only once over several polls; an n8n restart in between loses nothing
//   (an order created while n8n is down fires after the restart) and repeats nothing.
//
// n8n refuses a poll time that fires more than once a minute ("The polling interval is too short"),
// per cron expression. Twelve poll times of the kind the editor offers (Custom: `S * * * * *`), each
// once a minute, poll every 5 seconds together, so the test sees several real scheduled polls quickly.
import { createHmac, randomBytes, randomUUID } from 'crypto';
import { readFileSync } from 'fs';
import http from 'http';
import type { AddressInfo } from 'net';

import { adaptWorkflow, type E2eStack, type WorkflowJson } from '../../scripts/e2e/harness';
import { ownStack, sleep, waitFor } from './helpers';

const POLL_EVERY_SECONDS = 5;

interface Received {
	path: string;
	body: Record<string, any>;
}

/** Where the workflows report what fired: one POST per item. */
async function recorder(): Promise<{ url: string; got: Received[]; close(): Promise<void> }> {
	const got: Received[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			let body: Record<string, any> = {};
			try {
				body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
			} catch {
				body = { unparsable: Buffer.concat(chunks).toString('utf8') };
			}
			got.push({ path: req.url ?? '', body });
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end('{"ok":true}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		got,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

/** An HTTP Request node that POSTs `body` (an n8n expression) to the recorder, once per item. */
function recordNode(name: string, url: string, body: string, position: [number, number]): WorkflowJson['nodes'][number] {
	return {
		id: randomUUID(),
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position,
		parameters: { method: 'POST', url, sendBody: true, specifyBody: 'json', jsonBody: `={{ JSON.stringify(${body}) }}`, options: {} },
	};
}

describe('e2e: Metakocka Trigger and Metakocka Webhook Trigger in n8n, across a restart', () => {
	let s: E2eStack;
	let rec: Awaited<ReturnType<typeof recorder>>;
	const token = randomBytes(4).toString('hex');
	const clientSecret = `e2e-webhook-secret-${token}`;
	const webhookId = randomUUID();
	let pollWorkflowId: string;
	let hookWorkflowId: string;
	let hookUrl: string;
	/** The signed delivery the sandbox made, replayed later as Metakocka's retry would be. */
	let delivery: { id: string; body: string; event: string };

	beforeAll(async () => {
		rec = await recorder();
		s = await ownStack('trigger', {});

		const polling: WorkflowJson = {
			name: `E2E Metakocka Trigger (${token})`,
			settings: { executionOrder: 'v1' },
			connections: { 'Metakocka Trigger': { main: [[{ node: 'Record order', type: 'main', index: 0 }]] } },
			nodes: [
				{
					id: randomUUID(),
					name: 'Metakocka Trigger',
					type: 'n8n-nodes-metakocka.metakockaTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {
						pollTimes: { item: Array.from({ length: 60 / POLL_EVERY_SECONDS }, (_, i) => ({ mode: 'custom', cronExpression: `${i * POLL_EVERY_SECONDS} * * * * *` })) },
						watch: 'documents',
						docTypes: ['sales_order'],
						firstRun: 'nothing',
						options: {},
					},
				},
				recordNode('Record order', `${rec.url}/order`, '{ executionId: $execution.id, mk_id: $json.mk_id, buyer_order: $json.buyer_order, doc_type: $json.doc_type, change: $json._change.type }', [220, 0]),
			],
		};
		const webhook: WorkflowJson = {
			name: `E2E Metakocka Webhook Trigger (${token})`,
			settings: { executionOrder: 'v1' },
			connections: { 'Metakocka Webhook Trigger': { main: [[{ node: 'Record stock', type: 'main', index: 0 }]] } },
			nodes: [
				{
					id: randomUUID(),
					name: 'Metakocka Webhook Trigger',
					type: 'n8n-nodes-metakocka.metakockaWebhookTrigger',
					typeVersion: 1,
					position: [0, 300],
					webhookId,
					parameters: { clientSecret },
				},
				recordNode(
					'Record stock',
					`${rec.url}/stock`,
					'{ executionId: $execution.id, event_id: $json._change.event_id, warehouse_id: $json.warehouse_id, code: $json.code, amount: $json.amount, reserved_amount: $json.reserved_amount }',
					[220, 300],
				),
			],
		};
		pollWorkflowId = (await s.client.createWorkflow(adaptWorkflow(polling, { credentials: s.credentials }))).id;
		hookWorkflowId = (await s.client.createWorkflow(adaptWorkflow(webhook, { credentials: s.credentials }))).id;
		hookUrl = `${s.url}/webhook/${webhookId}/metakocka`;
	});

	afterAll(async () => {
		for (const id of [pollWorkflowId, hookWorkflowId]) if (id) await s?.client.deactivate(id).catch(() => undefined);
		await s?.stop();
		await rec?.close();
	});

	// --- helpers over the sandbox (in this process) and n8n --------------------------------------------

	const v1 = async (method: string, body: Record<string, unknown>) => {
		const response = await fetch(`${s.sandbox.baseUrl}/rest/eshop/v1/${method}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ secret_key: s.sandbox.secretKey, company_id: s.sandbox.companyId, ...body }),
		});
		const json = (await response.json()) as Record<string, any>;
		expect(json.opr_code).toBe('0');
		return json;
	};

	/** A new sales order for a seeded partner; returns its mk_id. */
	const createOrder = async (buyerOrder: string): Promise<string> => {
		const seeded = (s.sandbox.api.store().documents.sales_order as Array<Record<string, any>>).find((d) => d.count_code === 'PP-1001')!;
		const created = await v1('put_document', {
			doc_type: 'sales_order',
			doc_date: '2026-08-22+02:00',
			buyer_order: buyerOrder,
			partner: { mk_id: seeded.partner.mk_id, mk_address_id: seeded.partner.mk_address_id },
			product_list: [{ code: 'VIJ-M8-50', amount: '3', price: '0.32', tax: 'EX4' }],
		});
		return created.mk_id as string;
	};

	const searches = () => s.sandbox.api.counters().search ?? 0;
	/** What n8n logged about workflows it could not activate (for a failure message). */
	const activationErrors = () =>
		readFileSync(s.n8n.logFile, 'utf8')
			.split('\n')
			.filter((line) => /problem activating|could not be activated|activation failed/i.test(line))
			.slice(-5)
			.join('\n') || '(n8n logged no activation error)';
	/** Waits until the trigger has polled `n` more times (each poll searches the sales orders once). */
	const pollsPass = async (n: number) => {
		const from = searches();
		await waitFor(`${n} polls`, async () => searches() >= from + n, { timeoutMs: (n + 2) * POLL_EVERY_SECONDS * 1000 + 20000 });
	};
	const orders = () => rec.got.filter((r) => r.path === '/order').map((r) => r.body);
	const stockRows = () => rec.got.filter((r) => r.path === '/stock').map((r) => r.body);
	const finished = async (workflowId: string) => (await s.client.executions(workflowId)).filter((e) => e.status !== 'running' && e.status !== 'new');

	const post = async (body: string, headers: Record<string, string>) => {
		const response = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json; charset=UTF-8', ...headers }, body });
		return { status: response.status, text: await response.text() };
	};
	const sign = (body: string, secret: string) => createHmac('sha1', secret).update(body).digest('base64');

	/** Forged calls: wrong secret, no signature, a changed body under a real signature. All 401. */
	const forgeries = async () => {
		const forgedBody = delivery.body.replace(/"amount":"[^"]*"/, '"amount":"999999"');
		expect(forgedBody).not.toBe(delivery.body);
		const attempts = [
			post(delivery.body, { 'X-MetaKocka-Event': delivery.event, 'X-MetaKocka-Id': randomUUID(), 'X-MetaKocka-Signature': sign(delivery.body, 'not-the-secret') }),
			post(delivery.body, { 'X-MetaKocka-Event': delivery.event, 'X-MetaKocka-Id': randomUUID() }),
			post(forgedBody, { 'X-MetaKocka-Event': delivery.event, 'X-MetaKocka-Id': randomUUID(), 'X-MetaKocka-Signature': sign(delivery.body, clientSecret) }),
		];
		for (const r of await Promise.all(attempts)) {
			expect(r.status).toBe(401);
			expect(r.text).not.toContain(clientSecret);
		}
	};

	// --- the tests -------------------------------------------------------------------------------------

	it('Webhook Trigger: a signed stock event from the sandbox runs the workflow once; a retry and forged calls run nothing', async () => {
		await s.client.activate(hookWorkflowId);
		// n8n 2.41 publishes an activated workflow asynchronously: until its webhook is registered a call
		// gets 404. An unsigned probe shows when it is (401, and it runs nothing).
		const probe = await waitFor(
			'the webhook to be registered',
			async () => {
				const r = await post('{}', {});
				return r.status === 404 ? undefined : r;
			},
			{ timeoutMs: 30000, intervalMs: 200 },
		);
		expect(probe.status).toBe(401);
		const registered = await fetch(`${s.sandbox.baseUrl}/__sandbox/webhooks`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ url: hookUrl, client_secret: clientSecret, retry_delay_ms: 200 }),
		});
		expect(registered.status).toBe(200);
		try {
			await webhookRunsOnce();
		} finally {
			// Sales orders reserve stock, so the sandbox would deliver events for the orders below: unregister.
			await fetch(`${s.sandbox.baseUrl}/__sandbox/webhooks`, { method: 'DELETE' });
		}
	});

	/** The stock event, its replay as Metakocka's retry, and forged calls. */
	const webhookRunsOnce = async () => {
		// A stock change: an acceptance note for one product into the main warehouse.
		await v1('put_document', {
			doc_type: 'warehouse_acceptance_note',
			warehouse: 'GL',
			partner: { customer: 'Dobavitelj d.o.o.', street: 'Celovška 5', post_number: '1000', place: 'Ljubljana', country: 'Slovenia' },
			product_list: [{ code: 'VIJ-M8-50', amount: '7', price: '1', tax: 'EX4' }],
		});
		await s.sandbox.api.webhooksIdle();
		const deliveries = s.sandbox.api.webhookDeliveries() as Array<{ id: string; event: string; body: string; state: string; attempts: Array<{ status?: number; ok: boolean }> }>;
		expect(deliveries).toHaveLength(1);
		delivery = { id: deliveries[0].id, body: deliveries[0].body, event: deliveries[0].event };
		expect(deliveries[0].state).toBe('delivered');
		// Delivered at the first attempt: n8n answered 200 with "check_respond_status_json_ok":"true", as Metakocka requires
		// (any other answer counts as failed and Metakocka sends the event twice more, 60 s apart).
		expect(deliveries[0].attempts).toEqual([{ at: expect.any(String), status: 200, ok: true }]);

		const [run] = await waitFor('the webhook execution', async () => {
			const list = await finished(hookWorkflowId);
			return list.length ? list : undefined;
		});
		expect(run).toMatchObject({ status: 'success', mode: 'webhook' });
		// One item per stock row of the event (every active warehouse), recorded once each.
		const rows = JSON.parse(delivery.body).stock_list as Array<Record<string, string>>;
		await waitFor('the recorded stock rows', async () => stockRows().length >= rows.length);
		expect(stockRows()).toEqual(
			rows.map((row) => ({
				executionId: String(run.id),
				event_id: delivery.id,
				warehouse_id: row.warehouse_id,
				code: 'VIJ-M8-50',
				amount: Number(row.amount),
				reserved_amount: Number(row.reserved_amount),
			})),
		);

		// Metakocka's retry of the same event (same X-MetaKocka-Id, validly signed): answered ok, runs nothing.
		const retry = await post(delivery.body, { 'X-MetaKocka-Event': delivery.event, 'X-MetaKocka-Id': delivery.id, 'X-MetaKocka-Signature': sign(delivery.body, clientSecret) });
		expect(retry.status).toBe(200);
		expect(JSON.parse(retry.text)).toEqual({ status: 'ok', check_respond_status_json_ok: 'true' });

		await forgeries();
		await sleep(2000);
		expect(await s.client.executions(hookWorkflowId)).toHaveLength(1);
		expect(stockRows()).toHaveLength(rows.length);
	};

	it('Metakocka Trigger: a new sales order fires once and only once over several scheduled polls', async () => {
		// Activation runs the first poll (n8n 2.41 publishes the workflow asynchronously, so it comes
		// shortly after the activate call returns): it records the orders that exist and emits nothing.
		const before = searches();
		await s.client.activate(pollWorkflowId);
		await waitFor('the first poll', async () => searches() > before, { timeoutMs: 30000, intervalMs: 200 }).catch((error: Error) => {
			throw new Error(`${error.message}\n${activationErrors()}`);
		});
		await pollsPass(1);
		expect(orders()).toEqual([]);
		expect(await s.client.executions(pollWorkflowId)).toEqual([]);

		const mkId = await createOrder(`E2E-TRIGGER-${token}-1`);
		await waitFor('the order to fire', async () => orders().length > 0, { timeoutMs: 30000 });
		await pollsPass(3);

		expect(orders()).toEqual([{ executionId: expect.any(String), mk_id: mkId, buyer_order: `E2E-TRIGGER-${token}-1`, doc_type: 'sales_order', change: 'created' }]);
		const executions = await finished(pollWorkflowId);
		expect(executions).toHaveLength(1);
		expect(executions[0]).toMatchObject({ status: 'success', mode: 'trigger' });
		expect(String(executions[0].id)).toBe(orders()[0].executionId);
	});

	it('across an n8n restart nothing is lost or repeated: an order created while n8n is down fires once after it', async () => {
		const [first] = orders();
		let whileDown = '';
		await s.restart({
			whileStopped: async () => {
				whileDown = await createOrder(`E2E-TRIGGER-${token}-2`);
			},
		});
		// n8n activates the workflow again on start-up and polls: the order made while it was down fires.
		await waitFor('the order created during the restart to fire', async () => orders().length > 1, { timeoutMs: 60000 }).catch((error: Error) => {
			throw new Error(`${error.message}\n${activationErrors()}`);
		});
		await pollsPass(3);
		expect(orders()).toEqual([first, { executionId: expect.any(String), mk_id: whileDown, buyer_order: `E2E-TRIGGER-${token}-2`, doc_type: 'sales_order', change: 'created' }]);

		// And one created after the restart, between scheduled polls, fires once too.
		const after = await createOrder(`E2E-TRIGGER-${token}-3`);
		await waitFor('the order created after the restart to fire', async () => orders().length > 2, { timeoutMs: 30000 });
		await pollsPass(3);
		expect(orders().map((o) => o.mk_id)).toEqual([first.mk_id, whileDown, after]);
		const executions = await finished(pollWorkflowId);
		expect(executions).toHaveLength(3);
		for (const e of executions) expect(e).toMatchObject({ status: 'success', mode: 'trigger' });
		expect(new Set(orders().map((o) => o.executionId)).size).toBe(3);
	});

	it('after the restart the Webhook Trigger still ignores the old retry and rejects forged calls', async () => {
		const retry = await post(delivery.body, { 'X-MetaKocka-Event': delivery.event, 'X-MetaKocka-Id': delivery.id, 'X-MetaKocka-Signature': sign(delivery.body, clientSecret) });
		expect(retry.status).toBe(200);
		await forgeries();
		await sleep(2000);
		expect(await s.client.executions(hookWorkflowId)).toHaveLength(1);
	});
});
