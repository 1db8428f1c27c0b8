import { changedFields, type ConflictPolicy } from '../../../src/sync/conflict';
import { importDocuments, parseDocument, resolveDocuments, syncDocuments, type ResolvedDocument } from '../../../src/sync/documents';
import { importPartners } from '../../../src/sync/importPartners';
import { parsePartner } from '../../../src/sync/partnerFields';
import { syncPartners, type ContactToSync } from '../../../src/sync/partners';
import { importProducts, parseCrmProduct, syncProducts } from '../../../src/sync/products';
import { syncSuite } from '../../helpers/env';

const t = syncSuite({ poolMax: 10 });

const writes = () => {
	const c = t.env.sandbox.counters();
	return ['add_partner', 'update_partner', 'put_document', 'update_document', 'product_add', 'product_update'].reduce((n, m) => n + (c[m] ?? 0), 0);
};

describe('changedFields', () => {
	it('compares meaning, not spelling, and only what Sync wrote', () => {
		expect(changedFields({ place: 'Ljubljana', amount: 10.5, active: true }, { place: ' LJUBLJANA ', amount: '10,50', active: 'true', other: 'x' })).toEqual([]);
		expect(changedFields({ place: 'Ljubljana', lines: [{ amount: 1 }] }, { place: 'Koper', lines: [{ amount: '2' }] })).toEqual(['place', 'lines[0].amount']);
		expect(changedFields({ phone: '123' }, {})).toEqual([]);
		expect(changedFields({ lines: [{ amount: 1 }] }, { lines: [{ amount: 1 }, { amount: 2 }] })).toEqual(['lines']);
	});
});

describe('conflict policy: contacts', () => {
	const contact = (crmId: string, over: Record<string, unknown> = {}): ContactToSync => ({
		itemIndex: 0,
		crmId,
		partner: parsePartner(
			{ customer: `Konflikt ${crmId}`, street: 'Trg 1', post_number: '1000', place: 'Ljubljana', country: 'SI', partner_contact: { email: `${crmId}@konflikt.si`, phone: '01 111' }, ...over },
			0,
		),
	});

	async function changedOnBothSides(crmId: string) {
		const [created] = await syncPartners(t, [contact(crmId)]);
		expect(created.status).toBe('created');
		// Someone edits the partner's billing address in Metakocka…
		const [before] = await t.client.getPartners({ partner_id: created.mkId! });
		const billing = before.partner_delivery_address_list!.find((a) => a.address_type === 'Račun')!.mk_id;
		await t.client.updatePartner({ mk_id: created.mkId!, partner_delivery_address_list: [{ mk_id: billing, street: 'Obala 5', post_number: '6000', city: 'Koper' }] });
		// …and the CRM changes the phone.
		return { mkId: created.mkId!, changed: contact(crmId, { partner_contact: { email: `${crmId}@konflikt.si`, phone: '01 222' } }) };
	}

	const sync = (c: ContactToSync, conflictPolicy: ConflictPolicy) => syncPartners(t, [c], { conflictPolicy });
	const place = async (mkId: string) => (await t.client.getPartners({ partner_id: mkId }))[0].partner_delivery_address_list?.[0]?.city;

	it('skip and report (default): writes nothing, reports both versions, again on the next run', async () => {
		const { mkId, changed } = await changedOnBothSides('c-skip');
		t.env.sandbox.resetCounters();
		const [out] = await syncPartners(t, [changed]);
		expect(out.status).toBe('conflict');
		expect(out.conflict).toMatchObject({ policy: 'skip', crm: { place: 'Ljubljana' }, metakocka: { place: 'Koper' } });
		expect(out.conflict!.fields).toEqual(expect.arrayContaining(['street', 'post_number', 'place']));
		expect(writes()).toBe(0);
		expect(await place(mkId)).toBe('Koper');
		const [again] = await syncPartners(t, [changed]);
		expect(again.status).toBe('conflict');
	});

	it('CRM wins: overwrites Metakocka and says there was a conflict', async () => {
		const { mkId, changed } = await changedOnBothSides('c-crm');
		const [out] = await sync(changed, 'crmWins');
		expect(out.status).toBe('updated');
		expect(out.conflict).toMatchObject({ policy: 'crmWins', metakocka: { place: 'Koper' } });
		expect(await place(mkId)).toBe('Ljubljana');
		const [again] = await sync(changed, 'crmWins');
		expect(again.status).toBe('unchanged');
	});

	it("Metakocka wins: writes nothing, returns Metakocka's version, and the CRM can catch up without a new conflict", async () => {
		const { mkId, changed } = await changedOnBothSides('c-mk');
		t.env.sandbox.resetCounters();
		const [out] = await sync(changed, 'metakockaWins');
		expect(out).toMatchObject({ status: 'conflict', conflict: { policy: 'metakockaWins', metakocka: { place: 'Koper', street: 'Obala 5' } } });
		expect(writes()).toBe(0);
		expect(await place(mkId)).toBe('Koper');
		expect((await sync(changed, 'metakockaWins'))[0].status).toBe('unchanged');
		// The workflow updates the CRM with Metakocka's address; the next sync writes without a conflict.
		const caughtUp = contact('c-mk', { street: 'Obala 5', post_number: '6000', place: 'Koper', partner_contact: { email: 'c-mk@konflikt.si', phone: '01 333' } });
		const [next] = await sync(caughtUp, 'metakockaWins');
		expect(next.status).toBe('updated');
		expect(next.conflict).toBeUndefined();
	});

	it('a CRM change with Metakocka untouched is a plain update', async () => {
		const [created] = await syncPartners(t, [contact('c-plain')]);
		const [out] = await syncPartners(t, [contact('c-plain', { place: 'Kranj', post_number: '4000' })]);
		expect(out).toMatchObject({ status: 'updated', mkId: created.mkId });
		expect(out.conflict).toBeUndefined();
	});

	it('Import marks a partner whose CRM change is waiting and that Metakocka changed', async () => {
		const { mkId, changed } = await changedOnBothSides('c-import');
		await syncPartners(t, [changed]);
		await t.client.putDocument({
			doc_type: 'sales_order',
			doc_date: new Date(),
			partner: { mk_id: mkId, customer: 'Konflikt c-import', street: 'Obala 5', post_number: '6000', place: 'Koper', country: 'SI' },
			product_list: [{ code: 'KONF-1', name: 'Konflikt', unit: 'kos', amount: 1, price: 1, tax: 'EX4' }],
		} as never);
		const { partners } = await importPartners(t.client, t.store, { since: new Date(Date.now() - 86_400_000), docTypes: ['sales_order'] });
		const imported = partners.find((p) => p.mk_id === mkId);
		expect(imported?.sync).toEqual({ crmId: 'c-import', metakockaChanged: true, crmChanged: true });
	});
});

describe('conflict policy: products', () => {
	const product = (crmId: string, over: Record<string, unknown> = {}) =>
		parseCrmProduct({ crmId, code: `K-${crmId}`, name: `Izdelek ${crmId}`, unit: 'kos', barcode: '3830000000001', ...over }, 0);

	it.each<[ConflictPolicy, string, string]>([
		['skip', 'conflict', 'V Metakocki'],
		['crmWins', 'updated', 'Izdelek p-crm'],
		['metakockaWins', 'conflict', 'V Metakocki'],
	])('%s → %s, and Metakocka keeps the name "%s"', async (policy, status, nameAfter) => {
		const crmId = { skip: 'p-skip', crmWins: 'p-crm', metakockaWins: 'p-mk' }[policy];
		const [created] = await syncProducts(t, [product(crmId)]);
		await t.client.updateProduct({ mk_id: created.mkId!, name: 'V Metakocki' } as never);
		const [out] = await syncProducts(t, [product(crmId, { barcode: '3830000000002' })], { conflictPolicy: policy });
		expect(out.status).toBe(status);
		expect(out.conflict).toMatchObject({ policy, fields: ['name'], metakocka: { name: 'V Metakocki' } });
		expect((await t.client.getProduct({ mk_id: created.mkId! }))?.name).toBe(nameAfter);
		const { products } = await importProducts(t.client, t.store, { filter: { code: `K-${crmId}` } });
		expect(products.find((p) => p.mk_id === created.mkId)?.sync).toMatchObject({ crmId, crmChanged: policy === 'skip' });
	});
});

describe('conflict policy: documents', () => {
	const raw = (crmId: string, over: Record<string, unknown> = {}) => ({
		crmId,
		doc_type: 'sales_order',
		buyer_order: `PO-${crmId}`,
		partner: { customer: 'Kupec d.o.o.', street: 'Cesta 1', post_number: '1000', place: 'Ljubljana', country: 'Slovenia' },
		doc_date: '2026-08-01',
		notes: 'Dostava dopoldne',
		lines: [{ code: 'VIJ-M8-50', amount: 10, price: 0.32, tax: 'EX4' }],
		...over,
	});
	const resolve = async (r: unknown): Promise<ResolvedDocument[]> => {
		const out = await resolveDocuments(t.store, t.env.companyId, [{ itemIndex: 0, doc: parseDocument(r, 0) }]);
		return out as ResolvedDocument[];
	};

	it.each<[ConflictPolicy, string, string]>([
		['skip', 'conflict', 'Spremenjeno v Metakocki'],
		['crmWins', 'updated', 'Dostava dopoldne'],
		['metakockaWins', 'conflict', 'Spremenjeno v Metakocki'],
	])('%s → %s', async (policy, status, notesAfter) => {
		const crmId = `d-${policy}`;
		const [created] = await syncDocuments(t, await resolve(raw(crmId)));
		expect(created.status).toBe('created');
		await t.client.updateDocument('sales_order', { mk_id: created.mkId!, notes: 'Spremenjeno v Metakocki' });
		const changed = raw(crmId, { lines: [{ code: 'VIJ-M8-50', amount: 12, price: 0.32, tax: 'EX4' }] });
		const [out] = await syncDocuments(t, await resolve(changed), { conflictPolicy: policy });
		expect(out.status).toBe(status);
		expect(out.conflict).toMatchObject({ policy, fields: ['notes'], metakocka: { notes: 'Spremenjeno v Metakocki' }, crm: { notes: 'Dostava dopoldne' } });
		const now = await t.client.getDocument('sales_order', { mk_id: created.mkId! });
		expect((now as { notes?: string } | null)?.notes).toBe(notesAfter);
		const { documents } = await importDocuments(t.client, t.store, { docType: 'sales_order', useCursor: false, since: new Date(Date.now() - 86_400_000) });
		expect((documents.find((d) => d.mk_id === created.mkId) as { sync?: unknown })?.sync).toMatchObject({ crmId, crmChanged: policy === 'skip' });
	});
});
