// Scale-out on n8n's own engine (issue 7 §2): n8n in queue mode (Redis, n8n's database in Postgres)
// with a main instance and two `n8n worker` processes. Two webhook calls start two executions at the
// same moment; each builds the same 500 contacts in a Code node and syncs them with Metakocka Contact
// (Sync). They run on different workers, concurrently, and the result is every contact created in
// Metakocka exactly once, one mapping per contact, and each contact "created" by exactly one of the two
// executions ("unchanged" in the other).
import { randomBytes, randomUUID } from 'crypto';
import { Pool } from 'pg';

import { adaptWorkflow, type E2eStack, type WorkflowJson } from '../../scripts/e2e/harness';
import { ownStack } from './helpers';

const CONTACTS = 500;

interface SyncRow {
	crmId: string;
	status: string;
	mkId: string;
	error?: string;
}

interface RunSummary {
	executionId: string;
	rows: SyncRow[];
}

describe('e2e: queue mode, two workers, two executions syncing the same 500 contacts', () => {
	let s: E2eStack;
	let db: Pool;
	const token = randomBytes(4).toString('hex');
	const schema = `mk_e2e_queue_${token}`;
	const webhookPath = `metakocka-queue-sync-${token}`;
	let workflowId: string;

	beforeAll(async () => {
		// Concurrency 1 per worker: while one execution runs on a worker, the other job has to go to the
		// other worker, so "two workers" is a certainty rather than the luck of Bull's job hand-out.
		s = await ownStack('queue-mode', { queueMode: true, workers: 2, workerConcurrency: 1 });
		db = new Pool({ ...s.postgres, max: 2 });
		await db.query(`CREATE SCHEMA "${schema}"`);

		const workflow: WorkflowJson = {
			name: `E2E queue mode: 500 contacts (${token})`,
			settings: { executionOrder: 'v1' },
			connections: {
				'CRM webhook': { main: [[{ node: 'Make 500 contacts', type: 'main', index: 0 }]] },
				'Make 500 contacts': { main: [[{ node: 'Metakocka Contact', type: 'main', index: 0 }]] },
				'Metakocka Contact': { main: [[{ node: 'Summary', type: 'main', index: 0 }]] },
			},
			nodes: [
				{
					id: 'q1',
					name: 'CRM webhook',
					type: 'n8n-nodes-base.webhook',
					typeVersion: 2.1,
					position: [0, 0],
					webhookId: randomUUID(),
					parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'lastNode', responseData: 'firstEntryJson', options: {} },
				},
				{
					id: 'q2',
					name: 'Make 500 contacts',
					type: 'n8n-nodes-base.code',
					typeVersion: 2,
					position: [220, 0],
					parameters: {
						jsCode: [
							'// The same contacts in both executions: built from the token and the count in the call.',
							'const { token, count } = $input.first().json.body;',
							'return Array.from({ length: count }, (_, i) => ({ json: {',
							'  id: `q-${token}-${i}`,',
							'  name: `Queue E2E ${token} #${i}`,',
							'  email: `q${i}.${token}@queue-e2e.example`,',
							'  street: `Testna ulica ${i + 1}`,',
							"  postCode: '1000',",
							"  city: 'Ljubljana',",
							"  country: 'Slovenia',",
							'  isCompany: true,',
							'} }));',
						].join('\n'),
					},
				},
				{
					id: 'q3',
					name: 'Metakocka Contact',
					type: 'n8n-nodes-metakocka.metakockaContact',
					typeVersion: 1,
					position: [440, 0],
					parameters: { resource: 'partner', operation: 'sync', crmId: '={{ $json.id }}', syncOptions: {}, mappingStore: {} },
				},
				{
					id: 'q4',
					name: 'Summary',
					type: 'n8n-nodes-base.code',
					typeVersion: 2,
					position: [660, 0],
					parameters: {
						jsCode:
							'return [{ json: { executionId: $execution.id, rows: $input.all().map((i) => ({ crmId: i.json.crmId, status: i.json.status, mkId: i.json.mkId, error: i.json.error })) } }];',
					},
				},
			],
		};
		const adapted = adaptWorkflow(workflow, { credentials: s.credentials, schema });
		const created = await s.client.createWorkflow(adapted);
		workflowId = created.id;
		await s.client.activate(workflowId);
	});

	afterAll(async () => {
		if (workflowId) await s?.client.deactivate(workflowId).catch(() => undefined);
		if (db) {
			await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
			await db.end();
		}
		await s?.stop();
	});

	const run = async (): Promise<RunSummary> => {
		const response = await s.client.webhook(webhookPath, { token, count: CONTACTS }, { timeoutMs: 60000 });
		if (response.status !== 200) throw new Error(`webhook → ${response.status}: ${response.text.slice(0, 500)}`);
		return response.json as RunSummary;
	};

	it('runs the two executions on different workers at the same time, with zero duplicates', async () => {
		const partnersBefore = (s.sandbox.api.store().partners as unknown[]).length;
		s.sandbox.api.resetCounters();

		const started = Date.now();
		const [a, b] = await Promise.all([run(), run()]);
		const seconds = (Date.now() - started) / 1000;
		process.stderr.write(`[queue-mode] two executions of ${CONTACTS} contacts each took ${seconds.toFixed(1)} s\n`);

		// Each execution handled all 500 contacts, in order, without an error.
		for (const r of [a, b]) {
			expect(r.rows).toHaveLength(CONTACTS);
			expect(r.rows.map((row) => row.crmId)).toEqual(Array.from({ length: CONTACTS }, (_, i) => `q-${token}-${i}`));
			expect(r.rows.filter((row) => row.error)).toEqual([]);
			for (const row of r.rows) expect(['created', 'unchanged', 'updated']).toContain(row.status);
		}
		expect(a.executionId).not.toBe(b.executionId);

		// Every contact was created by exactly one of the two executions; the other found the mapping
		// (under the lock) and left it unchanged; both report the same Metakocka partner.
		const createdA = a.rows.filter((row) => row.status === 'created').length;
		const createdB = b.rows.filter((row) => row.status === 'created').length;
		process.stderr.write(`[queue-mode] created: execution ${a.executionId} ${createdA}, execution ${b.executionId} ${createdB}\n`);
		expect(createdA + createdB).toBe(CONTACTS);
		for (let i = 0; i < CONTACTS; i++) {
			expect([a.rows[i].status, b.rows[i].status].sort()).toEqual(['created', 'unchanged']);
			expect(a.rows[i].mkId).toBe(b.rows[i].mkId);
		}
		expect(new Set(a.rows.map((row) => row.mkId)).size).toBe(CONTACTS);

		// They really ran on two different workers (each worker's log names the execution it started)...
		const byWorker = s.executionWorkers();
		expect(byWorker[a.executionId]).toHaveLength(1);
		expect(byWorker[b.executionId]).toHaveLength(1);
		expect(byWorker[a.executionId][0].worker).not.toBe(byWorker[b.executionId][0].worker);
		process.stderr.write(`[queue-mode] execution ${a.executionId} on ${byWorker[a.executionId][0].name}, execution ${b.executionId} on ${byWorker[b.executionId][0].name}\n`);

		// ...and at the same time: their run times overlap.
		const executions = await s.client.executions(workflowId);
		const ex = (id: string) => executions.find((e) => String(e.id) === String(id)) as unknown as { status: string; mode: string; startedAt: string; stoppedAt: string };
		for (const id of [a.executionId, b.executionId]) expect(ex(id)).toMatchObject({ status: 'success', mode: 'webhook' });
		const span = (id: string) => [Date.parse(ex(id).startedAt), Date.parse(ex(id).stoppedAt)];
		const [aStart, aStop] = span(a.executionId);
		const [bStart, bStop] = span(b.executionId);
		expect(aStart).toBeLessThan(bStop);
		expect(bStart).toBeLessThan(aStop);

		// Metakocka: 500 new partners, each exactly once.
		const partners = s.sandbox.api.store().partners as Array<{ mk_id: string; customer: string }>;
		expect(partners.length).toBe(partnersBefore + CONTACTS);
		const ours = partners.filter((p) => p.customer.startsWith(`Queue E2E ${token} #`));
		expect(ours).toHaveLength(CONTACTS);
		expect(new Set(ours.map((p) => p.customer)).size).toBe(CONTACTS);
		expect(new Set(ours.map((p) => p.mk_id))).toEqual(new Set(a.rows.map((row) => row.mkId)));
		expect(s.sandbox.api.counters().add_partner).toBe(CONTACTS);

		// Postgres: one mapping per contact, pointing at the partner the executions reported.
		const mappings = await db.query(`SELECT crm_id, mk_id FROM "${schema}".metakocka_contact_mappings WHERE company_id = $1`, [s.sandbox.companyId]);
		expect(mappings.rows).toHaveLength(CONTACTS);
		expect(new Set(mappings.rows.map((r) => r.crm_id)).size).toBe(CONTACTS);
		expect(new Set(mappings.rows.map((r) => r.mk_id)).size).toBe(CONTACTS);
		const byCrm = new Map(mappings.rows.map((r) => [r.crm_id as string, r.mk_id as string]));
		for (const row of a.rows) expect(byCrm.get(row.crmId)).toBe(row.mkId);
	});

	it('a third execution on the workers finds all 500 unchanged and writes nothing', async () => {
		s.sandbox.api.resetCounters();
		const third = await run();
		expect(third.rows.map((row) => row.status)).toEqual(Array.from({ length: CONTACTS }, () => 'unchanged'));
		const counters = s.sandbox.api.counters();
		for (const write of ['add_partner', 'update_partner']) expect(counters[write] ?? 0).toBe(0);
		expect(counters.__writes_applied ?? 0).toBe(0);
		expect(s.executionWorkers()[third.executionId]).toHaveLength(1);
	});
});
