import type { IDataObject } from 'n8n-workflow';

import { MetakockaContact } from '../../../nodes/MetakockaContact/MetakockaContact.node';
import { MetakockaClient } from '../../../src/client';
import { fakeExecuteFunctions, type FakeRun, type LogLine } from '../../helpers/n8n';
import { startTestEnv, type TestEnv } from '../../helpers/env';

const node = new MetakockaContact();

const PARTNER = {
	customer: 'Testni Janez s.p.',
	email: 'janez@testni.si',
	phone: '+386 1 234 5678',
	street: 'Tehnološki park 21',
	post_number: '1000',
	place: 'Ljubljana',
	country: 'SI',
	tax_id_number: 'SI81234567',
	business_entity: 'true',
	otherFields: { field: [{ name: 'registration_number', value: '1234567000' }] },
};

describe('Metakocka Contact: operations', () => {
	let env: TestEnv;
	const logs: LogLine[] = [];
	beforeAll(async () => {
		env = await startTestEnv();
	});
	afterAll(async () => env.close());

	const run = (operation: string, params: FakeRun['params'], items?: IDataObject[], continueOnFail = false) =>
		node.execute.call(
			fakeExecuteFunctions(
				{
					params: { resource: 'partner', operation, mappingStore: env.mappingStore, ...params },
					items,
					credentials: env.credentials,
					continueOnFail,
				},
				logs,
			),
		);

	let mkId: string;

	it('creates a partner and reports what it did', async () => {
		const [out] = await run('create', PARTNER);
		expect(out).toHaveLength(1);
		expect(out[0].json).toMatchObject({ status: 'created', reconciled: false });
		mkId = String(out[0].json.mk_id);
		expect(mkId).toMatch(/^\d+$/);
		const stored = env.sandbox.store().partners.find((p) => p.mk_id === mkId) as unknown as IDataObject;
		expect(stored.customer).toBe('Testni Janez s.p.');
		expect(stored.registration_number).toBe('1234567000');
	});

	it('gets the partner by Metakocka ID, tax number and email, with typed values', async () => {
		const [byId] = await run('get', { findBy: 'mkId', partner: { mode: 'id', value: mkId }, showDiscounts: false });
		expect(byId).toHaveLength(1);
		expect(byId[0].json).toMatchObject({ mk_id: mkId, customer: 'Testni Janez s.p.', business_entity: true });
		const [byTax] = await run('get', { findBy: 'taxNumber', value: 'SI81234567', showDiscounts: false });
		expect(byTax[0].json.mk_id).toBe(mkId);
		const [byEmail] = await run('get', { findBy: 'email', value: 'janez@testni.si', showDiscounts: false });
		expect(byEmail[0].json.mk_id).toBe(mkId);
	});

	it('Simplify (version 2): one flat record with the billing address and the main contact; off or version 1 gives the whole partner', async () => {
		const get = (typeVersion: number, simple?: boolean) =>
			node.execute.call(
				fakeExecuteFunctions({
					params: { resource: 'partner', operation: 'get', findBy: 'mkId', partner: { mode: 'id', value: mkId }, showDiscounts: false, ...(simple === undefined ? {} : { simple }) },
					credentials: env.credentials,
					typeVersion,
				}),
			);
		const [[simple]] = await get(2, true);
		expect(simple.json).toEqual({
			mk_id: mkId,
			count_code: expect.any(String),
			name: 'Testni Janez s.p.',
			tax_id_number: 'SI81234567',
			registration_number: '1234567000',
			business_entity: true,
			taxpayer: expect.anything(),
			email: 'janez@testni.si',
			phone: '+386 1 234 5678',
			street: 'Tehnološki park 21',
			post_number: '1000',
			city: 'Ljubljana',
			country: expect.any(String),
			contacts: 1,
			addresses: 1,
		});
		const [[whole]] = await get(2, false);
		expect(whole.json.partner_delivery_address_list).toEqual([expect.objectContaining({ mk_id: expect.any(String), street: 'Tehnološki park 21' })]);
		const [[v1]] = await get(1, true);
		expect(v1.json).toEqual(whole.json);
		const [found] = await node.execute.call(
			fakeExecuteFunctions({ params: { resource: 'partner', operation: 'search', searchIn: 'partner_email', query: 'janez@testni.si', returnAll: true }, credentials: env.credentials, typeVersion: 2 }),
		);
		expect(found.map((o) => o.json)).toEqual([simple.json]);
	});

	it('returns no item for a partner Metakocka does not know (opr_code 2 is a miss, not a failure)', async () => {
		const [out] = await run('get', { findBy: 'taxNumber', value: 'SI99999999', showDiscounts: false });
		expect(out).toHaveLength(0);
	});

	it('searches by name with a limit', async () => {
		await run('create', { ...PARTNER, customer: 'Testni Janez Drugi', tax_id_number: '', email: 'drugi@testni.si', otherFields: {} });
		const [all] = await run('search', { searchIn: 'partner_name', query: 'Testni Janez', returnAll: true });
		expect(all.length).toBeGreaterThanOrEqual(2);
		const [one] = await run('search', { searchIn: 'partner_name', query: 'Testni Janez', returnAll: false, limit: 1 });
		expect(one).toHaveLength(1);
	});

	it('updates the partner without adding a second contact', async () => {
		const [out] = await run('update', { ...PARTNER, partner: { mode: 'list', value: mkId }, place: 'Maribor', post_number: '2000', email: 'janez@novi.si' });
		expect(out[0].json.status).toBe('updated');
		const client = new MetakockaClient(env.credentials.metakockaApi as never);
		const [stored] = await client.getPartners({ partner_id: mkId });
		expect(stored.partner_delivery_address_list?.[0]).toMatchObject({ city: 'Maribor', post_number: '2000' });
		expect(stored.partner_contact_list).toHaveLength(1);
		expect(stored.partner_contact_list?.[0].email).toBe('janez@novi.si');
	});

	it('Update writes the address into the billing entry in place, also a second time (no appended address)', async () => {
		await run('update', { ...PARTNER, partner: { mode: 'list', value: mkId }, street: 'Gosposka 3', place: 'Maribor', post_number: '2000', email: 'janez@novi.si' });
		const client = new MetakockaClient(env.credentials.metakockaApi as never);
		const [stored] = await client.getPartners({ partner_id: mkId });
		expect(stored.partner_delivery_address_list).toHaveLength(1);
		expect(stored.partner_delivery_address_list?.[0]).toMatchObject({ address_type: 'Račun', street: 'Gosposka 3' });
	});

	it('Create refuses a partner without city before writing, naming the field as the editor shows it', async () => {
		env.sandbox.resetCounters();
		await expect(run('create', { ...PARTNER, customer: 'Brez Kraja', place: '' })).rejects.toThrow(/^"(City|place)" is required to create a partner/); // "City" once the node registers its labels (src/n8n/labels.ts)
		expect(env.sandbox.counters().add_partner ?? 0).toBe(0);
	});

	it('puts a Metakocka error on the failing item only with Continue On Fail', async () => {
		const [out] = await run(
			'get',
			{ findBy: 'mkId', partner: (i: number) => ({ mode: 'id', value: i === 0 ? mkId : '' }), showDiscounts: false },
			[{}, {}],
			true,
		);
		expect(out[0].json.mk_id).toBe(mkId);
		expect(out[1].pairedItem).toEqual({ item: 1 });
	});

	it('names the item when Metakocka rejects the credentials, without the secret', async () => {
		const ctx = fakeExecuteFunctions({
			params: { resource: 'partner', operation: 'get', findBy: 'taxNumber', value: 'SI81234567', showDiscounts: false },
			credentials: { ...env.credentials, metakockaApi: { ...env.credentials.metakockaApi, secretKey: 'wrong-key-123' } },
		});
		const error = await node.execute.call(ctx).then(
			() => undefined,
			(e: Error) => e,
		);
		expect(error?.message).toMatch(/opr_code 1/);
		expect(JSON.stringify(error)).not.toContain('wrong-key-123');
		expect((error as unknown as { context?: { itemIndex?: number } }).context?.itemIndex).toBe(0);
	});

	it('imports the partners on documents changed since a date, and moves the cursor only after a full run', async () => {
		const client = new MetakockaClient(env.credentials.metakockaApi as never);
		await client.putDocument({
			doc_type: 'sales_order',
			doc_date: new Date(),
			partner: { mk_id: mkId, customer: 'Testni Janez s.p.', street: 'Tehnološki park 21', post_number: '1000', place: 'Ljubljana', country: 'SI' },
			product_list: [{ code: 'IMPORT-1', name: 'Uvoz', unit: 'kos', amount: 1, price: 10, tax: 'EX4' }],
		} as never);
		const [first] = await run('import', { since: 'date', sinceDate: new Date(Date.now() - 86_400_000).toISOString(), docTypes: ['sales_order'], returnAll: true });
		expect(first.map((o) => o.json.mk_id)).toContain(mkId);
		const [simple] = await node.execute.call(
			fakeExecuteFunctions({
				params: { resource: 'partner', operation: 'import', mappingStore: env.mappingStore, since: 'date', sinceDate: new Date(Date.now() - 86_400_000).toISOString(), docTypes: ['sales_order'], returnAll: true },
				credentials: env.credentials,
				typeVersion: 2,
			}),
		);
		// Simplify is on by default in version 2; each partner keeps its sync marks.
		const raw = first.find((o) => o.json.mk_id === mkId)?.json as IDataObject;
		const billing = (raw.partner_delivery_address_list as IDataObject[]).find((a) => a.address_type === 'Račun');
		expect(simple.find((o) => o.json.mk_id === mkId)?.json).toMatchObject({ name: 'Testni Janez s.p.', city: billing?.city, sync: raw.sync });
		expect(simple.every((o) => o.json.partner_delivery_address_list === undefined)).toBe(true);
		// Keyed by what it read (the document types) and by the credential's host.
		const cursor = await env.pool.query(`SELECT mk_host FROM ${env.schema}.metakocka_sync_state WHERE key = 'partner_import:sales_order'`);
		expect(cursor.rows).toEqual([{ mk_host: env.sandbox.baseUrl.replace(/\/+$/, '') }]);
	});

	it('lists the mappings a sync recorded', async () => {
		await run(
			'sync',
			{
				crmId: 'crm-map-1',
				customer: 'Mapirani d.o.o.',
				email: 'info@mapirani.si',
				phone: '',
				street: 'Celovška 1',
				post_number: '1000',
				place: 'Ljubljana',
				country: 'SI',
				tax_id_number: '',
				business_entity: true,
				otherFields: {},
				syncOptions: {},
			},
		);
		const [out] = await run('getMappings', { crmIds: 'crm-map-1', returnAll: true });
		expect(out).toHaveLength(1);
		expect(out[0].json).toMatchObject({ crmId: 'crm-map-1', companyId: env.companyId });
	});

	it('never writes the secret key into a log line', () => {
		expect(JSON.stringify(logs)).not.toContain(env.secretKey);
	});
});
