// add_partner, update_partner, get_partner [DOC:add_partner.md, update_partner.md, get_partner.md].
import { nonStringScalars, useSandbox, type Json } from './helpers';

const { v1 } = useSandbox();

/** The add_partner request of add_partner.md. */
const DOC_PARTNER = {
	partner: {
		business_entity: 'false',
		taxpayer: 'false',
		buyer: 'true',
		foreign_county: 'false',
		customer: 'Test Uporabnik',
		street: 'Test, 4',
		post_number: '54375',
		place: 'Test',
		country: 'Slovenija',
		partner_contact: { name: 'Test Kontakt', gsm: '54367865463', email: 'test@test.com' },
		partner_delivery_address: { address_type: 'Dobava', street: 'Tehnološki park 24', post_number: '1000', city: 'Ljubljana', country: 'Slovenija' },
	},
};

describe('add_partner', () => {
	it('answers the documented shape, without opr_code', async () => {
		const r = await v1('add_partner', DOC_PARTNER);
		expect(Object.keys(r).sort()).toEqual(['mk_address_id_list', 'mk_contact_id', 'mk_id']);
		expect(r.mk_id).toMatch(/^\d+$/);
		expect(r.mk_contact_id).toMatch(/^\d+$/);
		expect(r.mk_address_id_list).toEqual([
			{ mk_id: expect.stringMatching(/^\d+$/), street: 'Test, 4' },
			{ mk_id: expect.stringMatching(/^\d+$/), street: 'Tehnološki park 24' },
		]);
	});

	it('stores the main address as type Račun and assigns a count_code', async () => {
		const r = await v1('add_partner', DOC_PARTNER);
		const g = await v1('get_partner', { partner_id: r.mk_id });
		const p = g.partner_list[0];
		expect(p.count_code).toMatch(/^\d+$/);
		expect(p.partner_delivery_address_list[0]).toMatchObject({ mk_id: r.mk_address_id_list[0].mk_id, address_type: 'Račun', street: 'Test, 4', post_number: '54375', city: 'Test' });
		expect(p.partner_delivery_address_list[1]).toMatchObject({ address_type: 'Dobava', city: 'Ljubljana' });
		expect(p.partner_contact_list[0]).toMatchObject({ mk_id: r.mk_contact_id, mk_address_id: r.mk_address_id_list[0].mk_id, contact_address: 'Test, 4', email: 'test@test.com' });
	});

	it('rejects a partner without data', async () => {
		expect(await v1('add_partner', { partner: {} })).toMatchObject({ opr_code: '2' });
	});

	it('expects street, post number, place and country [DOC "must declare"; the rejection is INF]', async () => {
		for (const k of ['street', 'post_number', 'place', 'country']) {
			const partner: Json = { ...DOC_PARTNER.partner, customer: `Brez ${k}` };
			delete partner[k];
			const r = await v1('add_partner', { partner });
			expect([k, r.opr_code, r.opr_desc]).toEqual([k, '2', expect.stringContaining(k)]);
		}
		expect((await v1('get_partner', { partner_name: 'Brez ' })).opr_code).toBe('2');
	});

	it('creates duplicates: there is no matching on add', async () => {
		const a = await v1('add_partner', { partner: { ...DOC_PARTNER.partner, customer: 'Dvojni Janez', tax_id_number: 'SI11112222' } });
		const b = await v1('add_partner', { partner: { ...DOC_PARTNER.partner, customer: 'Dvojni Janez', tax_id_number: 'SI11112222' } });
		expect(a.mk_id).not.toBe(b.mk_id);
		expect((await v1('get_partner', { partner_tax_number: 'SI11112222' })).partner_list_count).toBe('2');
	});
});

describe('get_partner', () => {
	it('searches by partner_name like the docs ("janez" finds every Janez), without opr_code', async () => {
		await v1('add_partner', { partner: { ...DOC_PARTNER.partner, customer: 'BAJEC JANEZ' } });
		await v1('add_partner', { partner: { ...DOC_PARTNER.partner, customer: 'TESTNI JANEZ' } });
		const r = await v1('get_partner', { partner_name: 'janez' });
		expect(r.opr_code).toBeUndefined();
		expect(Number(r.partner_list_count)).toBe(r.partner_list.length);
		const names = r.partner_list.map((p: Json) => p.customer);
		expect(names).toEqual(expect.arrayContaining(['BAJEC JANEZ', 'TESTNI JANEZ']));
		expect(nonStringScalars(r)).toEqual([]);
		const p = r.partner_list[0];
		for (const k of ['mk_id', 'business_entity', 'foreign_county', 'customer', 'count_code', 'partner_contact_list', 'partner_delivery_address_list']) expect(p).toHaveProperty(k);
	});

	it('finds seeded partners by tax number, email and phone', async () => {
		expect((await v1('get_partner', { partner_tax_number: 'SI12345678' })).partner_list[0].customer).toBe('Kovinarstvo Novak d.o.o.');
		expect((await v1('get_partner', { partner_email: 'MAJA.HORVAT@horvat-trgovina.si' })).partner_list[0].count_code).toBe('1002');
		expect((await v1('get_partner', { partner_phone_number: '051987654' })).partner_list[0].customer).toBe('Marko Zupančič');
	});

	it('matches e-mails and tax numbers loosely: callers must compare the answer [OBS t4a-admin; INF for tax]', async () => {
		await v1('add_partner', { partner: { ...DOC_PARTNER.partner, customer: 'Ana Long', tax_id_number: 'SI87654321', partner_contact: { email: 'ana.novak@long.si' } } });
		const byEmail = await v1('get_partner', { partner_email: 'novak@long.si' });
		expect(byEmail.partner_list.map((p: Json) => p.customer)).toContain('Ana Long');
		const byTax = await v1('get_partner', { partner_tax_number: '8765432' });
		expect(byTax.partner_list.map((p: Json) => p.customer)).toContain('Ana Long');
	});

	it('an empty partner_name lists every partner [OBS t4a-admin lib/metakocka.ts]', async () => {
		const all = await v1('get_partner', { partner_name: '' });
		expect(Number(all.partner_list_count)).toBeGreaterThanOrEqual(4);
	});

	it('answers opr_code 2 when nothing matches', async () => {
		expect((await v1('get_partner', { partner_email: 'nobody@nowhere.si' })).opr_code).toBe('2');
	});

	it('show_partner_discount adds discounts', async () => {
		const r = await v1('get_partner', { partner_tax_number: 'SI12345678', show_partner_discount: 'true' });
		expect(r.partner_list[0].discounts).toEqual([{ categories: 'Vijaki', discount_percent: '5.00', override_existing: 'false' }]);
	});
});

describe('update_partner', () => {
	it('runs the documented example: adds a contact, updates an address by mk_id, adds an address without mk_id', async () => {
		const a = await v1('add_partner', DOC_PARTNER);
		const dobava = a.mk_address_id_list[1].mk_id;
		const r = await v1('update_partner', {
			partner: {
				mk_id: a.mk_id,
				partner_contact_list: [{ mk_address_id: dobava, name: 'Test Kontakt', gsm: '031111222', email: 'test123@test.com' }],
				partner_delivery_address_list: [
					{ mk_id: dobava, address_type: 'Poslovna enota', street: 'Tehnološki park 21', post_number: '1000', city: 'Ljubljana', country: 'Slovenija' },
					{ address_type: 'Poslovna enota', street: 'Stegne 21c', post_number: '1000', city: 'Ljubljana', country: 'Slovenija' },
				],
			},
		});
		expect(r.opr_code).toBeUndefined();
		expect(r.partner_list_count).toBe('1');
		const p = r.partner_list[0];
		expect(p.partner_contact_list).toHaveLength(2);
		expect(p.partner_contact_list[1]).toMatchObject({ mk_address_id: dobava, contact_address: 'Tehnološki park 21', email: 'test123@test.com' });
		expect(p.partner_delivery_address_list.map((x: Json) => [x.address_type, x.street])).toEqual([
			['Račun', 'Test, 4'],
			['Poslovna enota', 'Tehnološki park 21'],
			['Poslovna enota', 'Stegne 21c'],
		]);
	});

	it('replays update_partner.md: top-level street/post_number leave the Račun address as it was [DOC]', async () => {
		const a = await v1('add_partner', DOC_PARTNER);
		const r = await v1('update_partner', { partner: { mk_id: a.mk_id, street: 'Test 1234', post_number: '2000', place: 'Maribor', country: 'Hrvaška' } });
		expect(r.partner_list[0].partner_delivery_address_list[0]).toMatchObject({ address_type: 'Račun', street: 'Test, 4', post_number: '54375', city: 'Test', country: 'Slovenija' });
	});

	it('the billing address changes only through its Račun entry with its mk_id; without mk_id a second one is appended', async () => {
		const a = await v1('add_partner', DOC_PARTNER);
		const racun = a.mk_address_id_list[0].mk_id;
		let r = await v1('update_partner', {
			partner: { mk_id: a.mk_id, partner_delivery_address_list: [{ mk_id: racun, street: 'Nova 1', post_number: '2000', city: 'Maribor', country: 'Slovenija' }] },
		});
		let list = r.partner_list[0].partner_delivery_address_list;
		expect(list).toHaveLength(2);
		expect(list[0]).toMatchObject({ mk_id: racun, address_type: 'Račun', street: 'Nova 1', post_number: '2000', city: 'Maribor' });
		r = await v1('update_partner', {
			partner: { mk_id: a.mk_id, partner_delivery_address_list: [{ address_type: 'Račun', street: 'Nova 1', post_number: '2000', city: 'Maribor' }] },
		});
		list = r.partner_list[0].partner_delivery_address_list;
		expect(list.filter((x: Json) => x.address_type === 'Račun')).toHaveLength(2);
	});

	it('the trap: a contact sent without mk_id is ADDED; with mk_id it is updated', async () => {
		const a = await v1('add_partner', DOC_PARTNER);
		const main = a.mk_address_id_list[0].mk_id;
		let r = await v1('update_partner', { partner: { mk_id: a.mk_id, partner_contact_list: [{ mk_address_id: main, name: 'Test Kontakt', email: 'new@test.com' }] } });
		expect(r.partner_list[0].partner_contact_list).toHaveLength(2);
		r = await v1('update_partner', { partner: { mk_id: a.mk_id, partner_contact_list: [{ mk_id: a.mk_contact_id, email: 'changed@test.com' }] } });
		const contacts = r.partner_list[0].partner_contact_list;
		expect(contacts).toHaveLength(2);
		expect(contacts.find((x: Json) => x.mk_id === a.mk_contact_id).email).toBe('changed@test.com');
	});

	it('identifies by count_code, overwrites head fields (not the address) and rejects new contacts without mk_address_id', async () => {
		const r = await v1('update_partner', { partner: { count_code: '1003', customer: 'Ana Kranjc s.p., oblikovanje', street: 'Celovška cesta 150' } });
		expect(r.partner_list[0]).toMatchObject({ customer: 'Ana Kranjc s.p., oblikovanje' });
		expect(r.partner_list[0].partner_delivery_address_list[0].street).toBe('Celovška cesta 101');
		expect((await v1('update_partner', { partner: { count_code: '1003', partner_contact_list: [{ email: 'x@y.si' }] } })).opr_code).toBe('2');
		expect((await v1('update_partner', { partner: { count_code: 'nope' } })).opr_code).toBe('2');
	});
});

describe('get_partner without tax_id_number (the docs\' examples) [readings.partnerTaxNumberInReads: false]', () => {
	const { v1 } = useSandbox({ readings: { partnerTaxNumberInReads: false } });
	it('still finds by tax number but the answer does not show it', async () => {
		const r = await v1('get_partner', { partner_tax_number: 'SI12345678' });
		expect(r.partner_list[0].customer).toBe('Kovinarstvo Novak d.o.o.');
		expect(r.partner_list[0]).not.toHaveProperty('tax_id_number');
	});
});
