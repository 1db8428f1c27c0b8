import type { IDataObject } from 'n8n-workflow';
import type { Pool } from 'pg';

import { MetakockaContact } from '../../../nodes/MetakockaContact/MetakockaContact.node';
import { MetakockaClient } from '../../../src/client';
import { CRM_CONTACT_FIELDS, fakeExecuteFunctions, type FakeRun } from '../../helpers/n8n';
import { startTestEnv, type TestEnv } from '../../helpers/env';

// Done-when of Dry Run: 200 contacts of every kind; the Dry Run says item by item what the real run
// then does, and leaves the sandbox and every Postgres table as they were.

const FIELD_PARAMS = CRM_CONTACT_FIELDS;

const contact = (kind: string, i: number, over: IDataObject = {}): IDataObject => ({
	id: `${kind}-${i}`,
	name: `Dry ${kind} ${i} d.o.o.`,
	email: `${kind}${i}@dry-run.si`,
	phone: `01 100 ${String(i).padStart(2, '0')}`,
	street: `Slovenska cesta ${i}`,
	postCode: '1000',
	city: 'Ljubljana',
	country: 'SI',
	isCompany: true,
	...over,
});

/** Every table of the schema: row count and an md5 of its rows in a fixed order. */
async function tableFingerprints(pool: Pool, schema: string): Promise<Record<string, string>> {
	const { rows } = await pool.query<{ table_name: string }>(
		`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
		[schema],
	);
	const out: Record<string, string> = {};
	for (const { table_name } of rows) {
		const res = await pool.query(`SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM "${schema}"."${table_name}" t`);
		out[table_name] = `${res.rows[0].n}:${res.rows[0].h}`;
	}
	return out;
}

const WRITES = ['add_partner', 'update_partner', 'put_document', 'update_document', 'product_add', 'product_update', '__writes_applied'];

describe('Metakocka Contact: Sync with Dry Run', () => {
	let env: TestEnv;
	let client: MetakockaClient;
	const node = new MetakockaContact();
	beforeAll(async () => {
		env = await startTestEnv();
		client = new MetakockaClient(env.credentials.metakockaApi as never);
	});
	afterAll(async () => env.close());

	const sync = (items: IDataObject[], extra: Partial<FakeRun> & { dryRun?: boolean } = {}) =>
		node.execute.call(
			fakeExecuteFunctions({
				params: { resource: 'partner', operation: 'sync', ...FIELD_PARAMS, syncOptions: {}, mappingStore: env.mappingStore, dryRun: extra.dryRun ?? false },
				items,
				credentials: env.credentials,
				continueOnFail: extra.continueOnFail,
				typeVersion: extra.typeVersion,
				nodeType: 'n8n-nodes-metakocka.metakockaContact',
			}),
		);

	it('version 2: Dry Run items have one snake_case key set, a would-fail item carries the error item { error, details } and stays on the main output', async () => {
		const [dry] = await sync([contact('v2new', 0), contact('v2bad', 0, { name: 'X'.repeat(101) })], { dryRun: true, typeVersion: 2, continueOnFail: true });
		expect(dry.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(Object.keys(dry[1].json).sort()).toEqual(Object.keys(dry[0].json).sort());
		expect(dry[0].json).toMatchObject({ crm_id: 'v2new-0', status: 'create', dry_run: true, mk_id: null, error: null });
		expect(dry[1].json).toMatchObject({ crm_id: 'v2bad-0', status: 'error', dry_run: true });
		expect(dry[1].json.error).toEqual({ error: expect.stringMatching(/must be at most 100 characters/), details: expect.objectContaining({ type: 'input', itemIndex: 1 }) });
	});

	it('reports for 200 contacts exactly what the real run then does, and writes nothing', async () => {
		const fresh = Array.from({ length: 60 }, (_, i) => contact('new', i));
		// New, but without the address add_partner needs: refused before the write, in both modes.
		const noAddress = Array.from({ length: 5 }, (_, i) => contact('noaddr', i, { street: '' }));
		const adoptable = Array.from({ length: 30 }, (_, i) => contact('adopt', i, { taxNumber: `SI7${String(i).padStart(7, '0')}` }));
		const changed = Array.from({ length: 30 }, (_, i) => contact('changed', i));
		const unchanged = Array.from({ length: 40 }, (_, i) => contact('same', i));
		const conflicting = Array.from({ length: 20 }, (_, i) => contact('conflict', i));
		const badInput = Array.from({ length: 10 }, (_, i) => contact('bad', i, i % 2 ? { email: 'not-an-email' } : { name: 'X'.repeat(101) }));
		const address = { street: 'Tržaška cesta 2', post_number: '1000', place: 'Ljubljana', country: 'SI' };
		const ambiguous = Array.from({ length: 5 }, (_, i) => contact('ambiguous', i, { taxNumber: `SI8${String(i).padStart(7, '0')}` }));

		// Already synced: changed, unchanged and conflicting contacts have mappings.
		const [seeded] = await sync([...changed, ...unchanged, ...conflicting]);
		expect(seeded.every((o) => o.json.status === 'created')).toBe(true);
		// Already in Metakocka without a mapping: adoptable (one partner each) and ambiguous (two each).
		for (const c of adoptable) await client.addPartner({ customer: `Obstoječa ${c.id}`, tax_id_number: c.taxNumber as string, ...address } as never);
		for (const c of ambiguous) {
			for (const n of [1, 2]) await client.addPartner({ customer: `Dvojnik ${n} ${c.id}`, tax_id_number: c.taxNumber as string, ...address } as never);
		}
		// Metakocka changes the conflicting partners' phone (through the contact entry with its mk_id)…
		for (const k of conflicting.keys()) {
			const mkId = String(seeded[changed.length + unchanged.length + k].json.mkId);
			const [partner] = await client.getPartners({ partner_id: mkId });
			const contactId = partner.partner_contact_list?.[0]?.mk_id;
			await client.updatePartner({ mk_id: mkId, partner_contact_list: [{ mk_id: contactId, phone: '09 999 99 99' }] } as never);
		}
		// …and the CRM changes theirs and the changed contacts' email.
		const crm = [
			...fresh,
			...noAddress,
			...adoptable,
			...changed.map((c) => ({ ...c, email: `novo-${c.email}` })),
			...unchanged,
			...conflicting.map((c) => ({ ...c, email: `novo-${c.email}` })),
			...badInput,
			...ambiguous,
		];
		// Interleave the kinds, as a real CRM export would.
		const items = crm.map((c, i) => ({ c, k: (i * 37) % crm.length })).sort((a, b) => a.k - b.k).map((x) => x.c);
		expect(items).toHaveLength(200);

		const tablesBefore = await tableFingerprints(env.pool, env.schema);
		const partnersBefore = JSON.stringify(env.sandbox.store().partners);
		env.sandbox.resetCounters();

		const [dry] = await sync(items, { dryRun: true });

		const counters = env.sandbox.counters();
		for (const write of WRITES) expect(counters[write] ?? 0).toBe(0);
		expect(JSON.stringify(env.sandbox.store().partners)).toBe(partnersBefore);
		const tablesAfter = await tableFingerprints(env.pool, env.schema);
		// The one row a Dry Run adds: its own entry in the run history, marked as a dry run.
		const { metakocka_sync_runs: runsBefore, ...restBefore } = tablesBefore;
		const { metakocka_sync_runs: runsAfter, ...restAfter } = tablesAfter;
		expect(restAfter).toEqual(restBefore);
		expect(Number(runsAfter.split(':')[0])).toBe(Number(runsBefore.split(':')[0]) + 1);
		const { rows: lastRun } = await env.pool.query(`SELECT dry_run, total, counts FROM ${env.schema}.metakocka_sync_runs ORDER BY id DESC LIMIT 1`);
		expect(lastRun[0]).toMatchObject({ dry_run: true, total: 200 });

		expect(dry).toHaveLength(200);
		const byKind = (kind: string) => dry.filter((o) => String(o.json.crmId).startsWith(`${kind}-`)).map((o) => o.json);
		expect(byKind('new').every((o) => o.status === 'create' && o.mkId === null)).toBe(true);
		expect(byKind('adopt').every((o) => o.status === 'adopt' && typeof o.mkId === 'string' && /tax number/.test(String(o.foundBy)))).toBe(true);
		for (const o of byKind('changed')) {
			expect(o.status).toBe('update');
			expect(o.changes).toEqual([{ field: 'partner_contact.email', old: expect.stringMatching(/^changed\d+@dry-run\.si$/), new: `novo-${String(o.crmId).replace('-', '')}@dry-run.si` }]);
		}
		expect(byKind('same').every((o) => o.status === 'unchanged')).toBe(true);
		for (const o of byKind('conflict')) {
			expect(o.status).toBe('conflict');
			expect(o.conflict).toMatchObject({ policy: 'skip', fields: ['partner_contact.phone'], metakocka: { partner_contact: { phone: '09 999 99 99' } } });
		}
		for (const o of [...byKind('bad'), ...byKind('ambiguous'), ...byKind('noaddr')]) expect(o).toMatchObject({ status: 'error', error: { error: expect.any(String) } });
		expect(byKind('noaddr').every((o) => /required to create a partner/.test(String((o.error as IDataObject).error)))).toBe(true);
		expect(byKind('ambiguous').every((o) => (o.error as IDataObject).code === 'AMBIGUOUS_MATCH')).toBe(true);
		expect(dry.map((o) => o.pairedItem)).toEqual(items.map((_, item) => ({ item })));

		// The real run, item by item.
		const [real] = await sync(items, { continueOnFail: true });
		expect(real).toHaveLength(200);
		const REAL_OF = { create: 'created', adopt: 'updated', update: 'updated', unchanged: 'unchanged', conflict: 'conflict' } as Record<string, string>;
		for (const [i, d] of dry.entries()) {
			const r = real[i].json;
			const what = `item ${i} (${String(d.json.crmId)})`;
			if (d.json.status === 'error') {
				expect([what, r.error]).toEqual([what, (d.json.error as IDataObject).error]);
				continue;
			}
			expect([what, r.status, r.matchedExisting]).toEqual([what, REAL_OF[d.json.status as string], d.json.status === 'adopt']);
			if (d.json.status !== 'create') expect([what, r.mkId]).toEqual([what, d.json.mkId]);
			if (d.json.status === 'conflict') expect(r.conflict).toEqual(d.json.conflict);
		}
	});
});
