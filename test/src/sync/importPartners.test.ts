import { importPartners, partnerImportCursorKey } from '../../../src/sync/importPartners';
import { syncSuite } from '../../helpers/env';

const t = syncSuite({ poolMax: 4, keyByHost: true });

describe('partner import cursor', () => {
	it('is keyed by the document types it read, in any order', () => {
		expect(partnerImportCursorKey(['sales_order'])).toBe('partner_import:sales_order');
		expect(partnerImportCursorKey(['sales_order', 'sales_bill_domestic'])).toBe(partnerImportCursorKey(['sales_bill_domestic', 'sales_order', 'sales_order']));
		expect(partnerImportCursorKey(['sales_order'])).not.toBe(partnerImportCursorKey(['sales_bill_domestic']));
	});

	it('a run over orders does not make a later run over invoices skip older invoices', async () => {
		const added = await t.client.addPartner({
			customer: 'Kurzor d.o.o.',
			street: 'Dunajska 1',
			post_number: '1000',
			place: 'Ljubljana',
			country: 'SI',
		} as never);
		const partnerId = added.result.mk_id;
		await t.client.putDocument({
			doc_type: 'sales_bill_domestic',
			doc_date: new Date(),
			service_to_date: new Date(),
			duo_payment: new Date(),
			partner: { mk_id: partnerId, customer: 'Kurzor d.o.o.', street: 'Dunajska 1', post_number: '1000', place: 'Ljubljana', country: 'SI' },
			product_list: [{ code: 'CUR-1', name: 'Kurzor', unit: 'kos', amount: 1, price: 1, tax: 'EX4' }],
		} as never);
		await new Promise((r) => setTimeout(r, 1100));

		// Orders only: a full run, so it stores a cursor (now) for orders.
		await importPartners(t.client, t.store, { docTypes: ['sales_order'] });
		expect(await t.store.syncState.get(t.env.companyId, 'partner_import:sales_order')).toMatchObject({ since: expect.any(String) });

		// Invoices were never read: their first run reads everything, including the older invoice.
		const { partners, since } = await importPartners(t.client, t.store, { docTypes: ['sales_bill_domestic'] });
		expect(since).toBeNull();
		expect(partners.map((p) => p.mk_id)).toContain(partnerId);
	});
});

describe('partner import in bounded runs (Max Records per Run)', () => {
	it('continues the sweep run after run: every partner once, also after a run whose reads failed', async () => {
		const docTypes = ['sales_offer'] as const;
		const ids: string[] = [];
		for (let i = 0; i < 7; i++) {
			const added = await t.client.addPartner({ customer: `Serija ${i} d.o.o.`, street: `Ulica ${i}`, post_number: '1000', place: 'Ljubljana', country: 'SI' } as never);
			ids.push(added.result.mk_id);
			await t.client.putDocument({
				doc_type: 'sales_offer',
				doc_date: new Date(),
				partner: { mk_id: added.result.mk_id, customer: `Serija ${i} d.o.o.`, street: `Ulica ${i}`, post_number: '1000', place: 'Ljubljana', country: 'SI' },
				product_list: [{ code: `SER-${i}`, name: 'Serija', unit: 'kos', amount: 1, price: 1, tax: 'EX4' }],
			} as never);
		}
		const got: string[] = [];
		const first = await importPartners(t.client, t.store, { docTypes: [...docTypes], limit: 3 });
		expect(first.partners).toHaveLength(3);
		expect(first.complete).toBe(false);
		got.push(...first.partners.map((p) => p.mk_id));

		// Every attempt at one read of the next run fails: the partners before it in order come with the
		// error (none, and the run throws, when it was the first; the reads run concurrently).
		t.env.sandbox.injectFault({ method: 'get_partner', kind: 'http_500', after: 2, times: 4 });
		const broken = await importPartners(t.client, t.store, { docTypes: [...docTypes], limit: 3 }).catch((error: unknown) => ({ partners: [], error }));
		t.env.sandbox.clearFaults();
		expect(broken.error).toBeDefined();
		got.push(...broken.partners.map((p) => p.mk_id));

		for (let runs = 0; runs < 10; runs++) {
			const next = await importPartners(t.client, t.store, { docTypes: [...docTypes], limit: 3 });
			got.push(...next.partners.map((p) => p.mk_id));
			if (next.complete) break;
		}
		const ours = got.filter((id) => ids.includes(id));
		expect(ours.sort()).toEqual([...ids].sort());
		expect(new Set(got).size).toBe(got.length);
	});
});
