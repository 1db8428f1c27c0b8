// User story 1: CRM contacts and orders → Metakocka Contact (Sync) → Metakocka Sales Document (Sync),
// the example workflow examples/crm-sync.json running in a real n8n, called through its webhook.
import type { Pool } from 'pg';

import type { N8nClient } from '../../scripts/e2e/harness';
import { client, example, importAndActivate, pool, pinnedSample, sandbox, stack } from './helpers';

// Sync items of node version 2 (the examples' version): snake_case, the same keys on every item.
interface SyncResult {
	crm_id: string;
	status: string;
	mk_id: string;
	count_code?: string | null;
}

describe('e2e: CRM → Contact Sync → Sales Document Sync (examples/crm-sync.json)', () => {
	let n8n: N8nClient;
	let db: Pool;
	let workflowId: string;
	let sample: { contacts: Array<Record<string, any>>; orders: Array<Record<string, any>> };

	beforeAll(async () => {
		n8n = client();
		db = pool();
		const workflow = example('crm-sync.json');
		sample = pinnedSample(workflow, 'CRM webhook');
		workflowId = await importAndActivate(n8n, workflow);
	});
	afterAll(async () => {
		await n8n.deactivate(workflowId).catch(() => undefined);
		await db.end();
	});

	const post = async () => {
		const response = await n8n.webhook('metakocka-crm-sync', sample);
		expect(response.status).toBe(200);
		return response.json as { contacts: SyncResult[]; orders: SyncResult[] };
	};

	it('creates the partners and orders once; the second run changes nothing and duplicates nothing', async () => {
		const s = stack();
		const before = await sandbox.get('state');
		await sandbox.post('counters/reset');

		const first = await post();
		expect(first.contacts.map((c) => [c.crm_id, c.status])).toEqual(sample.contacts.map((c) => [c.id, 'created']));
		expect(first.orders.map((o) => [o.crm_id, o.status])).toEqual(sample.orders.map((o) => [o.id, 'created']));

		const afterFirst = await sandbox.get('state');
		expect(afterFirst.partners.length).toBe(before.partners.length + sample.contacts.length);
		expect(afterFirst.documents.sales_order.length).toBe(before.documents.sales_order.length + sample.orders.length);
		// The orders carry the partners the contacts became, and the CRM order number as buyer order.
		for (const [i, order] of sample.orders.entries()) {
			const doc = afterFirst.documents.sales_order.find((d: any) => d.mk_id === first.orders[i].mk_id);
			const contact = first.contacts[sample.contacts.findIndex((c) => c.id === order.contactId)];
			expect(doc).toMatchObject({ buyer_order: order.number, partner: expect.objectContaining({ mk_id: contact.mk_id }) });
			expect(doc.product_list.map((l: any) => l.code)).toEqual(order.lines.map((l: any) => l.code));
		}
		const partnersCreated = afterFirst.partners.filter((p: any) => sample.contacts.some((c) => c.name === p.customer));
		expect(partnersCreated).toHaveLength(sample.contacts.length);

		const counters = await sandbox.get<Record<string, number>>('counters');
		expect(counters.put_document).toBe(sample.orders.length);

		// The mappings are in Postgres, in the run's schema, for the sandbox's company.
		// This example's own CRM ids: other suites sync into the same schema.
		const contacts = await db.query(`SELECT crm_id, mk_id FROM "${s.schema}".metakocka_contact_mappings WHERE company_id = $1 AND crm_id = ANY($2) ORDER BY crm_id`, [s.sandbox.companyId, sample.contacts.map((c) => c.id)]);
		expect(contacts.rows.map((r) => [r.crm_id, r.mk_id])).toEqual(first.contacts.map((c) => [c.crm_id, c.mk_id]).sort());
		const orders = await db.query(`SELECT crm_id, mk_id FROM "${s.schema}".metakocka_sales_document_mappings WHERE company_id = $1 AND crm_id = ANY($2) ORDER BY crm_id`, [s.sandbox.companyId, sample.orders.map((o) => o.id)]);
		expect(orders.rows.map((r) => [r.crm_id, r.mk_id])).toEqual(first.orders.map((o) => [o.crm_id, o.mk_id]).sort());

		// Second run: same data → unchanged, no write call, same Metakocka ids, no new partner or order.
		await sandbox.post('counters/reset');
		const second = await post();
		expect(second.contacts.map((c) => c.status)).toEqual(sample.contacts.map(() => 'unchanged'));
		expect(second.orders.map((o) => o.status)).toEqual(sample.orders.map(() => 'unchanged'));
		expect(second.contacts.map((c) => c.mk_id)).toEqual(first.contacts.map((c) => c.mk_id));
		expect(second.orders.map((o) => o.mk_id)).toEqual(first.orders.map((o) => o.mk_id));
		const writes = await sandbox.get<Record<string, number>>('counters');
		expect(writes.__writes_applied ?? 0).toBe(0);
		for (const write of ['put_document', 'update_document', 'add_partner', 'update_partner']) expect(writes[write] ?? 0).toBe(0);
		const afterSecond = await sandbox.get('state');
		expect(afterSecond.partners.length).toBe(afterFirst.partners.length);
		expect(afterSecond.documents.sales_order.length).toBe(afterFirst.documents.sales_order.length);

		// Both runs are in n8n's execution list as successful webhook executions.
		const executions = await n8n.executions(workflowId);
		expect(executions.filter((e) => e.status === 'success')).toHaveLength(2);
	});

	it('a changed order is updated in place', async () => {
		const changed = { ...sample, orders: sample.orders.map((o, i) => (i === 0 ? { ...o, lines: [{ ...o.lines[0], amount: o.lines[0].amount + 1 }] } : o)) };
		const before = await sandbox.get('state');
		const response = await n8n.webhook('metakocka-crm-sync', changed);
		expect(response.status).toBe(200);
		expect(response.json.orders.map((o: SyncResult) => o.status)).toEqual(['updated', ...sample.orders.slice(1).map(() => 'unchanged')]);
		const after = await sandbox.get('state');
		expect(after.documents.sales_order.length).toBe(before.documents.sales_order.length);
		const doc = after.documents.sales_order.find((d: any) => d.mk_id === response.json.orders[0].mk_id);
		expect(Number(doc.product_list[0].amount)).toBe(changed.orders[0].lines[0].amount);
	});
});
