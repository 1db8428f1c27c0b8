// Partner Sync against the faithful sandbox (issue 12): the billing address changes through its Račun
// entry with its mk_id, adoption compares the tax number / e-mail exactly, a failed lookup fails the
// item, and a new partner needs the address add_partner expects.
import { MetakockaClient } from '../../../src/client';
import { InputError } from '../../../src/input';
import { MappingStore } from '../../../src/store';
import { parsePartner } from '../../../src/sync/partnerFields';
import { syncPartners, type ContactToSync } from '../../../src/sync/partners';
import { startTestEnv, syncSuite, type TestEnv } from '../../helpers/env';

const t = syncSuite();

const contact = (crmId: string, over: Record<string, unknown> = {}): ContactToSync => ({
	itemIndex: 0,
	crmId,
	partner: parsePartner({ customer: `Kupec ${crmId}`, street: 'Trg 1', post_number: '1000', place: 'Ljubljana', country: 'Slovenija', ...over }, 0),
});

const read = async (mkId: string) => (await t.client.getPartners({ partner_id: mkId }))[0];
const calls = (method: string) => t.env.sandbox.counters()[method] ?? 0;

describe('finding 1: the address reaches Metakocka through the Račun entry', () => {
	it('Sync updates the billing address in place, adds no second address, and the next CRM change is no conflict', async () => {
		const [created] = await syncPartners(t, [contact('adr-1')]);
		expect(created.status).toBe('created');
		const [moved] = await syncPartners(t, [contact('adr-1', { street: 'Obala 5', post_number: '6000', place: 'Koper' })]);
		expect(moved.status).toBe('updated');
		const p = await read(created.mkId!);
		expect(p.partner_delivery_address_list).toHaveLength(1);
		expect(p.partner_delivery_address_list![0]).toMatchObject({ address_type: 'Račun', street: 'Obala 5', post_number: '6000', city: 'Koper' });
		// The next CRM change is compared against what Metakocka holds: no false conflict, no block.
		const [next] = await syncPartners(t, [contact('adr-1', { street: 'Obala 5', post_number: '6000', place: 'Koper', partner_contact: { phone: '05 123' } })]);
		expect(next).toMatchObject({ status: 'updated' });
		expect(next.conflict).toBeUndefined();
		expect((await read(created.mkId!)).partner_delivery_address_list).toHaveLength(1);
	});

	it('keeps the address and contact mk_id in the mapping; an old row without the billing id reads it once', async () => {
		const [created] = await syncPartners(t, [contact('adr-2', { partner_contact: { email: 'adr-2@kupec.si' } })]);
		const mapping = (await t.store.contacts.getByCrmIds(t.env.companyId, ['adr-2'])).get('adr-2')!;
		const p = await read(created.mkId!);
		expect(mapping.extra).toMatchObject({ mk_contact_id: p.partner_contact_list![0].mk_id, mk_billing_address_id: p.partner_delivery_address_list![0].mk_id });
		// A row written before the billing id was kept.
		await t.store.contacts.upsertMany(t.env.companyId, [{ crmId: mapping.crmId, mkId: mapping.mkId, countCode: mapping.countCode, contentHash: mapping.contentHash, mkSnapshot: mapping.mkSnapshot, extra: { mk_contact_id: mapping.extra.mk_contact_id } }]);
		t.env.sandbox.resetCounters();
		await syncPartners(t, [contact('adr-2', { street: 'Nova 2', partner_contact: { email: 'adr-2@kupec.si' } })], { conflictPolicy: 'crmWins' });
		const reads = calls('get_partner');
		expect((await t.store.contacts.getByCrmIds(t.env.companyId, ['adr-2'])).get('adr-2')!.extra.mk_billing_address_id).toBe(p.partner_delivery_address_list![0].mk_id);
		t.env.sandbox.resetCounters();
		await syncPartners(t, [contact('adr-2', { street: 'Nova 3', partner_contact: { email: 'adr-2@kupec.si' } })]);
		// Now only the conflict check reads the partner: one get_partner fewer than the old row needed.
		expect(calls('get_partner')).toBe(reads - 1);
		const after = await read(created.mkId!);
		expect(after.partner_delivery_address_list).toHaveLength(1);
		expect(after.partner_delivery_address_list![0].street).toBe('Nova 3');
		expect(after.partner_contact_list).toHaveLength(1);
	});
});

describe('finding 2: adoption compares the field exactly', () => {
	it('a fuzzy e-mail hit is not adopted: a new partner is created', async () => {
		const other = await t.client.addPartner({ customer: 'Ana Dolga', street: 'A 1', post_number: '1000', place: 'Ljubljana', country: 'SI', partner_contact: { email: 'ana.novak@dolga.si' } });
		const [out] = await syncPartners(t, [contact('fz-1', { partner_contact: { email: 'novak@dolga.si' } })]);
		expect(out).toMatchObject({ status: 'created', matchedExisting: false });
		expect(out.mkId).not.toBe(other.result.mk_id);
	});

	it('a tax number that only contains the asked one is not adopted; the same number (other spelling) is', async () => {
		const existing = await t.client.addPartner({ customer: 'Davčni d.o.o.', tax_id_number: 'SI 9876 5432', street: 'B 1', post_number: '1000', place: 'Ljubljana', country: 'SI' });
		const [loose] = await syncPartners(t, [contact('tx-1', { tax_id_number: '876543' })]);
		expect(loose).toMatchObject({ status: 'created', matchedExisting: false });
		const [exact] = await syncPartners(t, [contact('tx-2', { tax_id_number: '98765432' })]);
		expect(exact).toMatchObject({ status: 'updated', matchedExisting: true, mkId: existing.result.mk_id });
	});

	it('several exact hits stay the ambiguity error', async () => {
		for (const n of [1, 2]) await t.client.addPartner({ customer: `Dvojnik ${n}`, street: 'C 1', post_number: '1000', place: 'Ljubljana', country: 'SI', partner_contact: { email: 'dvojnik@x.si' } });
		const [out] = await syncPartners(t, [contact('dv-1', { partner_contact: { email: 'Dvojnik@X.si' } })]);
		expect((out.error as { code?: string }).code).toBe('AMBIGUOUS_MATCH');
	});
});

describe('finding 3: a failed lookup is not "no match"', () => {
	it('get_partner failing (not a not-found answer) fails the item and writes nothing', async () => {
		t.env.sandbox.injectFault({ method: 'get_partner', kind: 'opr_error' });
		t.env.sandbox.resetCounters();
		const [out] = await syncPartners(t, [contact('lk-1', { tax_id_number: 'SI55554444' })]);
		expect(out.error).toBeDefined();
		expect(out.status).toBeUndefined();
		expect(calls('add_partner')).toBe(0);
	});
});

describe('finding 11: a new partner needs street, post number, place and country', () => {
	it('Sync refuses to create without them, naming the field as the editor shows it, before any write', async () => {
		t.env.sandbox.resetCounters();
		const [out] = await syncPartners(t, [{ itemIndex: 3, crmId: 'na-1', partner: parsePartner({ customer: 'Brez Kraja', street: 'D 1', post_number: '1000', country: 'SI' }, 3) }]);
		expect(out.error).toBeInstanceOf(InputError);
		expect((out.error as InputError).message).toBe('Item 3: field "place" is required to create a partner: Metakocka expects street, post number, city and country on a new partner');
		expect(calls('add_partner')).toBe(0);
	});
});

describe('answers without tax_id_number (the docs\' examples)', () => {
	let bare: TestEnv;
	let bareStore: MappingStore;
	let bareClient: MetakockaClient;
	beforeAll(async () => {
		bare = await startTestEnv({ readings: { partnerTaxNumberInReads: false } });
		bareStore = await MappingStore.fromPool(t.pool, { schema: bare.schema });
		bareClient = new MetakockaClient(bare.credentials.metakockaApi as never, { reconcileDelayMs: 0, retryBaseDelayMs: 1 });
	});
	afterAll(async () => bare.close());

	it('adopts the only hit when it has the same name, and refuses to guess between unconfirmable hits', async () => {
		const one = await bareClient.addPartner({ customer: 'Edini d.o.o.', tax_id_number: 'SI11223344', street: 'E 1', post_number: '1000', place: 'Ljubljana', country: 'SI' });
		const [adopted] = await syncPartners({ client: bareClient, store: bareStore }, [{ itemIndex: 0, crmId: 'b-1', partner: parsePartner({ customer: 'Edini  D.O.O.', tax_id_number: '11223344', street: 'E 1', post_number: '1000', place: 'Ljubljana', country: 'SI' }, 0) }]);
		expect(adopted).toMatchObject({ status: 'updated', matchedExisting: true, mkId: one.result.mk_id });
		await bareClient.addPartner({ customer: 'Drugi d.o.o.', tax_id_number: 'SI11223345', street: 'E 2', post_number: '1000', place: 'Ljubljana', country: 'SI' });
		const [guess] = await syncPartners({ client: bareClient, store: bareStore }, [{ itemIndex: 0, crmId: 'b-2', partner: parsePartner({ customer: 'Tretji d.o.o.', tax_id_number: '1122334', street: 'E 3', post_number: '1000', place: 'Ljubljana', country: 'SI' }, 0) }]);
		expect((guess.error as { code?: string; message: string }).code).toBe('AMBIGUOUS_MATCH');
		expect((guess.error as Error).message).toMatch(/shows no tax number to confirm it/);
	});
});
