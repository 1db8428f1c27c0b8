import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';

import { capture, report } from './helpers/capture';
import { RELIABILITY_CLIENT_OPTIONS } from './helpers/clientDefaults';
import { captureErrorLog, startEnv, type ReliabilityEnv } from './helpers/harness';
import type { WorkerJob, WorkerResult } from './helpers/worker';

// Two separate Node processes (as two n8n workers would be) sync the same 500 contacts at the same
// moment against one sandbox and one Postgres schema. They share nothing else: no module, no
// memory, no client, no pool. Zero duplicate partners and zero duplicate mappings must follow from
// what is in Postgres (the advisory locks and the mapping re-read under them) alone.

const N = 500;
let env: ReliabilityEnv;
const children: ChildProcess[] = [];

beforeAll(async () => {
	// A little latency per call widens every race window between the two workers.
	env = await startEnv({ latencyMs: 3 });
});
afterAll(async () => {
	for (const c of children) if (c.exitCode === null) c.kill();
	await env?.close();
});

const contacts: IDataObject[] = Array.from({ length: N }, (_, i) => ({
	id: `cc-${i}`,
	name: `Concurrent Stranka ${i} d.o.o.`,
	email: `concurrent${i}@stranka.si`,
	street: `Slovenska ${i}`,
	postCode: '1000',
	city: 'Ljubljana',
	country: 'SI',
	...(i % 4 === 0 ? { taxNumber: `SI${String(40000000 + i)}` } : {}),
}));

function startWorker(): { child: ChildProcess; ready: Promise<void>; result: Promise<WorkerResult> } {
	const child = fork(join(__dirname, 'helpers', 'worker.ts'), [], {
		execArgv: ['-r', join(__dirname, 'helpers', 'register-ts.js')],
		env: { ...process.env, MK_RELIABILITY_CLIENT_OPTIONS: JSON.stringify(RELIABILITY_CLIENT_OPTIONS) },
		stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
	});
	children.push(child);
	let output = '';
	child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
	child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
	const ready = new Promise<void>((resolve, reject) => {
		child.once('message', () => resolve());
		child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready: ${output}`)));
	});
	const result = new Promise<WorkerResult>((resolve, reject) => {
		child.on('message', (m: { result?: WorkerResult }) => m.result && resolve(m.result));
		child.once('exit', (code) => reject(new Error(`worker exited (${code}) without a result: ${output}`)));
	});
	// Whatever a worker prints goes through the secret scan as well.
	child.once('exit', () => capture(output));
	return { child, ready, result };
}

describe('two processes syncing the same 500 contacts at once', () => {
	it('zero duplicate partners, zero duplicate mappings, each contact created by exactly one of them', async () => {
		const job: WorkerJob = { credentials: env.credentials(), mappingStore: env.mappingStore, items: contacts };
		const a = startWorker();
		const b = startWorker();
		await Promise.all([a.ready, b.ready]);
		// Opposite orders: each worker starts where the other ends, so they meet in the middle.
		a.child.send(job);
		b.child.send({ ...job, items: [...contacts].reverse() });
		a.child.send('go');
		b.child.send('go');
		const [ra, rb] = await Promise.all([a.result, b.result]);
		for (const r of [ra, rb]) {
			capture(r);
			expect(r.error).toBeUndefined();
			expect(r.items).toHaveLength(N);
		}
		// Separate processes, neither of them this one.
		expect(new Set([ra.pid, rb.pid, process.pid]).size).toBe(3);

		const failed = [...ra.items, ...rb.items].filter((o) => o.json.error !== undefined);
		expect(failed.map((o) => o.json.error)).toEqual([]);
		const created = (r: WorkerResult) => r.items.filter((o) => o.json.status === 'created').length;
		// The loser of each race saw the winner's mapping in Postgres and wrote nothing.
		expect(created(ra) + created(rb)).toBe(N);
		for (const r of [ra, rb]) for (const o of r.items) expect(['created', 'unchanged']).toContain(o.json.status);
		// Both report the same Metakocka id for each contact.
		const idOf = (r: WorkerResult, reversed: boolean) =>
			new Map(r.items.map((o) => [String(contacts[reversed ? N - 1 - (o.pairedItem as { item: number }).item : (o.pairedItem as { item: number }).item].id), o.json.mkId]));
		const idsA = idOf(ra, false);
		const idsB = idOf(rb, true);
		for (const c of contacts) expect(idsB.get(String(c.id))).toBe(idsA.get(String(c.id)));

		const partners = env.sandbox.store().partners.filter((p) => String(p.customer).startsWith('Concurrent Stranka '));
		expect(partners).toHaveLength(N);
		expect(new Set(partners.map((p) => p.customer)).size).toBe(N);
		expect(env.sandbox.counters().add_partner).toBe(N);

		const { rows } = await env.pool.query(
			`SELECT count(*)::int AS n, count(DISTINCT crm_id)::int AS crm, count(DISTINCT mk_id)::int AS mk FROM "${env.schema}".metakocka_contact_mappings`,
		);
		expect(rows[0]).toEqual({ n: N, crm: N, mk: N });
		const byId = new Map(partners.map((p) => [String(p.mk_id), p]));
		const maps = (await env.pool.query(`SELECT crm_id, mk_id FROM "${env.schema}".metakocka_contact_mappings`)).rows as Array<{ crm_id: string; mk_id: string }>;
		const byCrm = new Map(contacts.map((c) => [String(c.id), c]));
		const wrong = maps.filter((m) => byId.get(m.mk_id)?.customer !== byCrm.get(m.crm_id)?.name);
		expect(wrong).toEqual([]);
		await captureErrorLog(env.pool, env.schema);

		report(
			`concurrency: 2 processes × ${N} contacts at once: created by A ${created(ra)}, by B ${created(rb)}, ` +
				`partners ${partners.length}, duplicate partners ${partners.length - new Set(partners.map((p) => p.customer)).size}, duplicate mappings ${rows[0].n - rows[0].mk}`,
		);
	});
});
