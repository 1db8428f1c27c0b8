import type { IDataObject } from 'n8n-workflow';

import { MetakockaContact } from '../../../nodes/MetakockaContact/MetakockaContact.node';
import { MetakockaClient } from '../../../src/client';
import { CRM_CONTACT_FIELDS, fakeExecuteFunctions, type FakeRun } from '../../helpers/n8n';
import { startTestEnv, type TestEnv } from '../../helpers/env';

const node = new MetakockaContact();

// The node's default field expressions, evaluated the way n8n would for a typical CRM export.
const FIELD_PARAMS = CRM_CONTACT_FIELDS;

function contacts(n: number, offset = 0): IDataObject[] {
	return Array.from({ length: n }, (_, k) => {
		const i = k + offset;
		return {
			id: `crm-${i}`,
			name: `Stranka ${i} d.o.o.`,
			email: `kontakt${i}@stranka${i}.si`,
			street: `Dunajska cesta ${i}`,
			postCode: '1000',
			city: 'Ljubljana',
			country: 'SI',
			isCompany: true,
		};
	});
}

describe('Metakocka Contact: Sync', () => {
	let env: TestEnv;
	beforeAll(async () => {
		env = await startTestEnv();
	});
	afterAll(async () => env.close());

	const sync = (items: IDataObject[], extra: Partial<FakeRun> = {}) =>
		node.execute.call(
			fakeExecuteFunctions({
				params: { resource: 'partner', operation: 'sync', ...FIELD_PARAMS, syncOptions: {}, mappingStore: env.mappingStore },
				items,
				credentials: env.credentials,
				...extra,
			}),
		);

	it('creates 200 partners once; the second run makes no Metakocka write', async () => {
		const before = env.sandbox.store().partners.length;
		const first = await sync(contacts(200));
		expect(first[0]).toHaveLength(200);
		expect(first[0].every((o) => o.json.status === 'created')).toBe(true);
		expect(first[0].map((o) => o.pairedItem)).toEqual(contacts(200).map((_, i) => ({ item: i })));
		expect(env.sandbox.store().partners.length - before).toBe(200);

		env.sandbox.resetCounters();
		const second = await sync(contacts(200));
		expect(second[0].every((o) => o.json.status === 'unchanged')).toBe(true);
		const counters = env.sandbox.counters();
		expect(counters.add_partner ?? 0).toBe(0);
		expect(counters.update_partner ?? 0).toBe(0);
		expect(Object.values(counters).reduce((a, b) => a + b, 0)).toBe(0);
		expect(env.sandbox.store().partners.length - before).toBe(200);

		const { rows } = await env.pool.query(`SELECT count(*)::int AS n FROM ${env.schema}.metakocka_contact_mappings WHERE company_id = $1`, [env.companyId]);
		expect(rows[0].n).toBe(200);
	});

	it('updates a changed contact in place, without adding a second contact person', async () => {
		const [changed] = contacts(1, 0);
		changed.email = 'nova.posta@stranka0.si';
		env.sandbox.resetCounters();
		const [out] = await sync([changed]);
		expect(out[0].json.status).toBe('updated');
		expect(env.sandbox.counters().update_partner).toBe(1);
		expect(env.sandbox.counters().add_partner ?? 0).toBe(0);
		const client = new MetakockaClient(env.credentials.metakockaApi as never);
		const [partner] = await client.getPartners({ partner_id: String(out[0].json.mkId) });
		expect(partner.partner_contact_list).toHaveLength(1);
		expect(partner.partner_contact_list?.[0].email).toBe('nova.posta@stranka0.si');
	});

	it('ends with exactly one partner when add_partner was applied but its answer was lost', async () => {
		const before = env.sandbox.store().partners.length;
		env.sandbox.injectFault({ method: 'add_partner', kind: 'applied_lost' });
		const item = { ...contacts(1, 900)[0], taxNumber: 'SI50223054' };
		const [out] = await sync([item]);
		expect(out[0].json).toMatchObject({ status: 'created', reconciled: true });
		expect(env.sandbox.store().partners.length - before).toBe(1);
		const again = await sync([item]);
		expect(again[0][0].json.status).toBe('unchanged');
		expect(env.sandbox.store().partners.length - before).toBe(1);
	});

	it('adopts an existing Metakocka partner with the same tax number instead of creating a duplicate', async () => {
		const item: IDataObject = { ...contacts(1, 950)[0], taxNumber: 'SI10000950' };
		const first = await sync([item]);
		expect(first[0][0].json.status).toBe('created');
		await env.pool.query(`DELETE FROM ${env.schema}.metakocka_contact_mappings WHERE crm_id = $1`, [item.id]);
		const before = env.sandbox.store().partners.length;
		const again = await sync([{ ...item, name: 'Preimenovana d.o.o.' }]);
		expect(again[0][0].json).toMatchObject({ status: 'updated', matchedExisting: true, mkId: first[0][0].json.mkId });
		expect(env.sandbox.store().partners.length).toBe(before);
	});

	it('rejects bad input naming the item and the field, and writes nothing', async () => {
		env.sandbox.resetCounters();
		const items = [...contacts(2, 500), { id: 'crm-bad', name: 'X'.repeat(101), email: 'x@y.si' }];
		await expect(sync(items)).rejects.toThrow('"partner.customer" must be at most 100 characters');
		expect(env.sandbox.counters().add_partner ?? 0).toBe(0);

		const badEmail = [{ ...contacts(1, 501)[0], email: 'not-an-email' }];
		await expect(sync(badEmail)).rejects.toThrow(/"partner.partner_contact.email" must be a valid email address/);
	});

	it('with Continue On Fail reports the bad item on its own and syncs the rest', async () => {
		const items = [...contacts(1, 600), { id: '', name: 'Brez ID' }];
		const [out] = await sync(items, { continueOnFail: true });
		expect(out).toHaveLength(2);
		expect(out[0].json.status).toBe('created');
		expect(out[1].json.error).toMatch(/Item 1: field "crmId" is required/);
		expect(out[1].pairedItem).toEqual({ item: 1 });
	});

	it('puts a Metakocka failure on its own item and in the error log, and a re-run finishes the rest', async () => {
		env.sandbox.injectFault({ method: 'add_partner', kind: 'opr_error' });
		const items = contacts(3, 700);
		const [out] = await sync(items, { continueOnFail: true });
		const failed = out.filter((o) => o.json.error);
		expect(failed).toHaveLength(1);
		expect(failed[0].json).toMatchObject({ method: 'add_partner', code: '1' });
		expect(out.filter((o) => o.json.status === 'created')).toHaveLength(2);
		const { rows } = await env.pool.query(
			`SELECT method, mk_code, item_index FROM ${env.schema}.metakocka_error_log WHERE company_id = $1 AND operation = 'sync'`,
			[env.companyId],
		);
		expect(rows).toEqual([{ method: 'add_partner', mk_code: '1', item_index: failed[0].pairedItem && (failed[0].pairedItem as { item: number }).item }]);
		const [again] = await sync(items);
		expect(again.map((o) => o.json.status).sort()).toEqual(['created', 'unchanged', 'unchanged']);
	});

	it('looks a new contact up by tax number and email at the same time', async () => {
		env.sandbox.setLatency(150);
		env.sandbox.resetStats();
		env.sandbox.resetCounters();
		try {
			const [out] = await sync([{ ...contacts(1, 960)[0], taxNumber: 'SI10000960' }]);
			expect(out[0].json.status).toBe('created');
		} finally {
			env.sandbox.setLatency(0);
		}
		expect(env.sandbox.counters()).toMatchObject({ get_partner: 2, add_partner: 1 });
		expect(env.sandbox.stats().maxConcurrentCalls).toBe(2);
	});

	it('never reads a failed tax number lookup as "no match", even when the email lookup answered', async () => {
		const before = env.sandbox.store().partners.length;
		// Every attempt at the lookup fails (the client retries reads).
		env.sandbox.injectFault({ method: 'get_partner', kind: 'http_500', times: 8 });
		try {
			const [out] = await sync([{ ...contacts(1, 970)[0], taxNumber: 'SI10000970' }], { continueOnFail: true });
			expect(out[0].json.error).toBeDefined();
		} finally {
			env.sandbox.clearFaults();
		}
		expect(env.sandbox.store().partners.length).toBe(before);
	});

	it('keeps at most Max Parallel Calls in flight', async () => {
		env.sandbox.setLatency(20);
		env.sandbox.resetStats();
		try {
			const [out] = await sync(contacts(30, 1000), { params: { resource: 'partner', operation: 'sync', ...FIELD_PARAMS, syncOptions: { concurrency: 3 }, mappingStore: env.mappingStore } });
			expect(out.every((o) => o.json.status === 'created')).toBe(true);
		} finally {
			env.sandbox.setLatency(0);
		}
		expect(env.sandbox.stats().maxConcurrentCalls).toBeLessThanOrEqual(3);
		expect(env.sandbox.stats().maxConcurrentCalls).toBeGreaterThan(1);
	});

	it('keeps two companies in one database apart', async () => {
		const other = await startTestEnv({ companyId: '77' });
		try {
			// Company 77's nodes use this file's schema too: one database, two companies.
			const run = (e: TestEnv) =>
				node.execute.call(
					fakeExecuteFunctions({
						params: { resource: 'partner', operation: 'sync', ...FIELD_PARAMS, syncOptions: {}, mappingStore: env.mappingStore },
						items: contacts(1, 0),
						credentials: e.credentials,
					}),
				);
			const [out] = await run(other);
			expect(out[0].json.status).toBe('created');
			const { rows } = await env.pool.query(
				`SELECT company_id, mk_id FROM ${env.schema}.metakocka_contact_mappings WHERE crm_id = 'crm-0' ORDER BY company_id`,
			);
			expect(rows.map((r) => r.company_id)).toEqual(['16', '77']);
			expect(rows[0].mk_id).not.toBe(undefined);
		} finally {
			await other.close();
		}
	});
});
