import { partnerSchema, documentSchema } from '../../../src/client/schemas';
import { billingAddress, mainContact, simpleDocument, simplePartner } from '../../../src/client';

// get_partner.md's shape: the address only inside partner_delivery_address_list, `city`, strings for
// booleans; a delivery address listed before the billing one, and top-level fields that are not the
// billing address (update_partner.md).
const partner = partnerSchema.parse({
	mk_id: '228000009447',
	business_entity: 'false',
	customer: 'BAJEC JANEZ',
	count_code: 'WE0003085',
	street: 'Stara ulica 1',
	partner_contact_list: [
		{ mk_id: '228000009449', mk_address_id: '228000009448', gsm: '051123456', email: 'test@test.si' },
		{ mk_id: '228000009450', email: 'second@test.si', phone: '01 234 56 78' },
	],
	partner_delivery_address_list: [
		{ mk_id: '228000009451', address_type: 'Dobava', street: 'Skladiščna 3', post_number: '2000', city: 'Maribor' },
		{ mk_id: '228000009448', address_type: 'Račun', street: 'Tehnološki park 24', post_number: '1000', city: 'Ljubljana', payment_due_days: '15' },
	],
});

describe('records: where things are in a partner', () => {
	it('the billing address is the Račun entry, not the first entry and not the top-level street', () => {
		expect(billingAddress(partner)?.street).toBe('Tehnološki park 24');
		expect(billingAddress(partner, '228000009451')?.street).toBe('Skladiščna 3');
		expect(billingAddress(partner, 'gone')?.street).toBe('Tehnološki park 24');
		expect(billingAddress(partnerSchema.parse({ mk_id: '1', street: 'x' }))).toBeUndefined();
	});

	it('the main contact is the kept mk_id, else the first of the list', () => {
		expect(mainContact(partner)?.email).toBe('test@test.si');
		expect(mainContact(partner, '228000009450')?.email).toBe('second@test.si');
	});

	it('simplePartner: every key on every partner, null where Metakocka left a field out', () => {
		expect(simplePartner(partner)).toEqual({
			mk_id: '228000009447',
			count_code: 'WE0003085',
			name: 'BAJEC JANEZ',
			tax_id_number: null,
			registration_number: null,
			business_entity: false,
			taxpayer: null,
			email: 'test@test.si',
			phone: '051123456',
			street: 'Tehnološki park 24',
			post_number: '1000',
			city: 'Ljubljana',
			country: null,
			contacts: 2,
			addresses: 2,
		});
		expect(Object.keys(simplePartner(partnerSchema.parse({ mk_id: '2' })))).toEqual(Object.keys(simplePartner(partner)));
	});
});

describe('records: simpleDocument', () => {
	it('numbers from the schema, both status keys, the partner block as two keys, the lines counted', () => {
		const doc = documentSchema.parse({
			mk_id: '500',
			doc_type: 'sales_order',
			count_code: 'NAR-1',
			doc_date: '2026-03-01+01:00',
			status_code: 'draft',
			status_desc: 'Osnutek',
			partner: { mk_id: '228000009447', customer: 'BAJEC JANEZ' },
			product_list: [{ code: 'A', amount: '1', price: '10,5' }, { code: 'B', amount: '2' }],
			sum_basic: '31,00',
			total_price: '37,82',
		});
		expect(simpleDocument(doc)).toEqual({
			mk_id: '500',
			doc_type: 'sales_order',
			count_code: 'NAR-1',
			doc_date: '2026-03-01+01:00',
			title: null,
			buyer_order: null,
			status_code: 'draft',
			status_desc: 'Osnutek',
			partner_mk_id: '228000009447',
			partner_name: 'BAJEC JANEZ',
			currency_code: null,
			sum_basic: 31,
			sum_all: 37.82,
			sum_paid: null,
			lines: 2,
		});
		expect(simpleDocument(documentSchema.parse({ mk_id: '501' }), 'sales_offer')).toMatchObject({ doc_type: 'sales_offer', status_code: null, lines: 0 });
	});
});
