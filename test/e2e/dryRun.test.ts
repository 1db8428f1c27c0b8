// Before the first sync (docs/before-the-first-sync.md): the crm-sync example with Dry Run on, then
// off, in a real n8n. The Dry Run writes nothing to Metakocka and no mapping; the run history has both.
import type { Pool } from 'pg';

import type { N8nClient } from '../../scripts/e2e/harness';
import { client, example, importAndActivate, pinnedSample, pool, sandbox, stack } from './helpers';

const PATH = 'metakocka-crm-sync-dry-run';
const WRITES = ['add_partner', 'update_partner', 'put_document', 'update_document', '__writes_applied'];

describe('e2e: crm-sync example with Dry Run on, then off', () => {
	let n8n: N8nClient;
	let db: Pool;
	const ids: string[] = [];

	beforeAll(() => {
		n8n = client();
		db = pool();
	});
	afterAll(async () => {
		for (const id of ids) await n8n.deactivate(id).catch(() => undefined);
		await db.end();
	});

	/** The example's sample with its own ids, emails, tax numbers and order numbers, so no other suite's run is adopted. */
	function sample(workflow: Parameters<typeof pinnedSample>[0]) {
		const base = pinnedSample(workflow, 'CRM webhook') as { contacts: Array<Record<string, any>>; orders: Array<Record<string, any>> };
		const tag = `dry${Date.now().toString(36)}`;
		return {
			contacts: base.contacts.map((c, i) => ({ ...c, id: `${tag}-${c.id}`, name: `${c.name} ${tag}`, email: `${tag}.${c.email}`, taxNumber: c.taxNumber ? `SI9${Date.now() % 1e6}${i}` : undefined })),
			orders: base.orders.map((o) => ({ ...o, id: `${tag}-${o.id}`, contactId: `${tag}-${o.contactId}`, number: `${tag}-${o.number}` })),
		};
	}

	const workflow = (dryRun: boolean) =>
		example('crm-sync.json', {
			// Only this suite calls it: the webhook's own authentication is the security suite's concern.
			'CRM webhook': { path: PATH, authentication: 'none' },
			'Metakocka Contact': { dryRun },
			'Metakocka Sales Document': { dryRun },
		});

	async function runOnce(dryRun: boolean, body: unknown) {
		const id = await importAndActivate(n8n, workflow(dryRun));
		ids.push(id);
		try {
			const response = await n8n.webhook(PATH, body);
			expect(response.status).toBe(200);
			return response.json as { contacts: Array<Record<string, any>>; orders: Array<Record<string, any>> };
		} finally {
			await n8n.deactivate(id);
		}
	}

	const runs = async (since: Date) =>
		(
			await db.query(
				`SELECT node, operation, dry_run, execution_id, total, counts FROM "${stack().schema}".metakocka_sync_runs WHERE company_id = $1 AND started_at >= $2 ORDER BY id`,
				[stack().sandbox.companyId, since],
			)
		).rows;

	it('the Dry Run says what the real run then does, writes nothing, and both runs are in the history', async () => {
		const s = stack();
		const body = sample(workflow(false));
		const started = new Date(Date.now() - 1000);
		// The tables appear with the first run that opens the store (this suite may be the first).
		const count = async (table: string) =>
			(await db.query(`SELECT to_regclass($1) AS t`, [`"${s.schema}".${table}`])).rows[0].t
				? Number((await db.query(`SELECT count(*) AS n FROM "${s.schema}".${table}`)).rows[0].n)
				: 0;
		const mappings = async () => (await count('metakocka_contact_mappings')) + (await count('metakocka_sales_document_mappings'));
		const mappingsBefore = await mappings();
		const stateBefore = await sandbox.get('state');
		await sandbox.post('counters/reset');

		const dry = await runOnce(true, body);
		expect(dry.contacts.map((c) => [c.crm_id, c.status, c.dry_run])).toEqual(body.contacts.map((c) => [c.id, 'create', true]));
		// The orders' partners do not exist yet: a Dry Run of the chain sees the mappings as they are now.
		expect(dry.orders.map((o) => [o.crm_id, o.status])).toEqual(body.orders.map((o) => [o.id, 'error']));
		expect(dry.orders[0].error.error).toMatch(/sync the contact first/);
		const counters = await sandbox.get<Record<string, number>>('counters');
		for (const write of WRITES) expect(counters[write] ?? 0).toBe(0);
		const stateAfter = await sandbox.get('state');
		expect(stateAfter.partners.length).toBe(stateBefore.partners.length);
		expect(stateAfter.documents.sales_order.length).toBe(stateBefore.documents.sales_order.length);
		expect(await mappings()).toBe(mappingsBefore);

		const real = await runOnce(false, body);
		expect(real.contacts.map((c) => c.status)).toEqual(dry.contacts.map(() => 'created'));
		expect(real.orders.map((o) => o.status)).toEqual(body.orders.map(() => 'created'));
		expect(await mappings()).toBe(mappingsBefore + body.contacts.length + body.orders.length);

		// Only this suite's executions: a suite before it may still be finishing runs of the same example.
		const ours = new Set<string>();
		for (const id of ids) for (const e of await n8n.executions(id)) ours.add(String(e.id));
		const history = (await runs(started)).filter((r) => ours.has(String(r.execution_id)));
		expect(history.map((r) => [r.node.replace(/^.*\./, ''), r.operation, r.dry_run])).toEqual([
			['metakockaContact', 'sync', true],
			['metakockaSalesDocument', 'sync', true],
			['metakockaContact', 'sync', false],
			['metakockaSalesDocument', 'sync', false],
		]);
		expect(history[0].counts).toEqual({ create: body.contacts.length });
		expect(history[1].counts).toEqual({ failed: body.orders.length });
		expect(history[3].counts).toEqual({ created: body.orders.length });
		// n8n gives each run its execution id.
		expect(history.every((r) => typeof r.execution_id === 'string' && r.execution_id.length > 0)).toBe(true);
	});
});
