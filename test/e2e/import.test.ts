// User story 3: Schedule Trigger → Metakocka Sales Document (Import) → Postgres, the example workflow
// examples/scheduled-import.json activated in a real n8n. Its trigger is set to every few seconds so
// the test sees real scheduled runs: the first imports every sales order, a later one only the new one.
import type { Pool } from 'pg';

import type { N8nClient } from '../../scripts/e2e/harness';
import { client, example, importAndActivate, pool, sandbox, stack } from './helpers';

const SECONDS = 4;

describe('e2e: Schedule Trigger → Sales Document Import → Postgres (examples/scheduled-import.json)', () => {
	let n8n: N8nClient;
	let db: Pool;
	let workflowId: string | undefined;

	beforeAll(() => {
		n8n = client();
		db = pool();
	});
	afterAll(async () => {
		if (workflowId) await n8n.deactivate(workflowId).catch(() => undefined);
		await db.end();
	});

	const table = () => `"${stack().schema}".metakocka_sales_orders`;

	it('imports all sales orders on the first scheduled run, then only what changed, without duplicate rows', async () => {
		const s = stack();
		const workflow = example('scheduled-import.json', {
			'Every hour': { rule: { interval: [{ field: 'seconds', secondsInterval: SECONDS }] } },
		});
		workflowId = await importAndActivate(n8n, workflow);

		const first = await n8n.waitForExecution(workflowId, { timeoutMs: 60000 });
		expect(first.errors).toEqual({});
		expect(first.status).toBe('success');
		expect(first.mode).toBe('trigger');
		const orders = (await sandbox.get('state')).documents.sales_order as Array<Record<string, any>>;
		const imported = first.runData['Metakocka Sales Document'];
		expect(imported.map((d) => d.mk_id).sort()).toEqual(orders.map((d) => d.mk_id).sort());
		expect(first.runData['Write rows']).toHaveLength(orders.length);

		const rows = await db.query(`SELECT mk_id, count_code, customer, total FROM ${table()} ORDER BY mk_id`);
		expect(rows.rows.map((r) => r.mk_id)).toEqual(orders.map((d) => d.mk_id).sort());
		const seeded = orders.find((d) => d.count_code === 'PP-1001')!;
		expect(rows.rows.find((r) => r.mk_id === seeded.mk_id)).toMatchObject({ count_code: 'PP-1001', customer: seeded.partner.customer, total: seeded.sum_all });

		// A new order in Metakocka (a second later than the cursor) is picked up by a later scheduled run.
		await new Promise((r) => setTimeout(r, 1100));
		const put = await fetch(`${s.sandbox.baseUrl}/rest/eshop/v1/put_document`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				secret_key: s.sandbox.secretKey,
				company_id: s.sandbox.companyId,
				doc_type: 'sales_order',
				doc_date: '2026-08-22+02:00',
				buyer_order: 'E2E-SCHEDULE-1',
				partner: { mk_id: seeded.partner.mk_id, mk_address_id: seeded.partner.mk_address_id },
				product_list: [{ code: 'VIJ-M8-50', amount: '10', price: '0.32', tax: 'EX4' }],
			}),
		});
		const created = (await put.json()) as { opr_code: string; mk_id: string };
		expect(created.opr_code).toBe('0');

		const known = (await n8n.executions(workflowId)).map((e) => String(e.id));
		let later = await n8n.waitForExecution(workflowId, { knownIds: known, timeoutMs: 30000 });
		// A run that had started before the new order existed imports nothing; the next one has it.
		for (let i = 0; i < 3 && !(later.runData['Metakocka Sales Document'] ?? []).length; i++) {
			known.push(later.id);
			later = await n8n.waitForExecution(workflowId, { knownIds: known, timeoutMs: 30000 });
		}
		expect(later.status).toBe('success');
		expect(later.runData['Metakocka Sales Document'].map((d) => d.mk_id)).toEqual([created.mk_id]);

		await n8n.deactivate(workflowId);
		const after = await db.query(`SELECT mk_id, buyer_order FROM ${table()}`);
		expect(after.rows).toHaveLength(orders.length + 1);
		expect(after.rows.find((r) => r.mk_id === created.mk_id)).toMatchObject({ buyer_order: 'E2E-SCHEDULE-1' });
		expect(new Set(after.rows.map((r) => r.mk_id)).size).toBe(after.rows.length);
	});
});
