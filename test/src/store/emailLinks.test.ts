import { storeSuite } from './helpers';

const t = storeSuite();

describe('email ↔ Metakocka links', () => {
	it('contact links: re-running the same email adds nothing', async () => {
		const links = [
			{ mkId: '501', email: 'ana@acme.si', partnerName: 'ACME', confidence: 0.95, evidence: { from: 'ana@acme.si' } },
			{ mkId: '502', email: null, partnerName: 'Beta', confidence: 0.4 },
		];
		expect(await t.store.emailContacts.addMany('c1', '<msg-1@mail>', links)).toEqual({ inserted: 2 });
		expect(await t.store.emailContacts.addMany('c1', '<msg-1@mail>', links)).toEqual({ inserted: 0 });
		// Duplicates inside one call count once.
		expect(await t.store.emailContacts.addMany('c1', '<msg-2@mail>', [links[0], links[0]])).toEqual({ inserted: 1 });

		const stored = await t.store.emailContacts.getByMessageId('c1', '<msg-1@mail>');
		expect(stored).toHaveLength(2);
		expect(stored[0]).toMatchObject({
			companyId: 'c1',
			messageId: '<msg-1@mail>',
			mkId: '501',
			email: 'ana@acme.si',
			partnerName: 'ACME',
			confidence: 0.95,
			evidence: { from: 'ana@acme.si' },
		});
		expect(stored[1]).toMatchObject({ mkId: '502', email: null, confidence: 0.4, evidence: null });
		expect((await t.store.emailContacts.getByMkId('c1', '501')).map((l) => l.messageId).sort()).toEqual([
			'<msg-1@mail>',
			'<msg-2@mail>',
		]);
	});

	it('contact links are per company', async () => {
		await t.store.emailContacts.addMany('a', '<shared@mail>', [{ mkId: '1' }]);
		expect(await t.store.emailContacts.addMany('b', '<shared@mail>', [{ mkId: '1' }])).toEqual({ inserted: 1 });
		expect(await t.store.emailContacts.getByMessageId('a', '<shared@mail>')).toHaveLength(1);
		expect(await t.store.emailContacts.getByMessageId('nobody', '<shared@mail>')).toEqual([]);
	});

	it('document links: doc_type is part of the key', async () => {
		const links = [
			{ mkId: '900', docType: 'sales_order', countCode: 'SO-9', confidence: 1 },
			{ mkId: '900', docType: 'sales_bill_domestic', countCode: 'R-9', confidence: 0.5 },
			{ mkId: '901' },
		];
		expect(await t.store.emailDocuments.addMany('c1', '<doc@mail>', links)).toEqual({ inserted: 3 });
		expect(await t.store.emailDocuments.addMany('c1', '<doc@mail>', links)).toEqual({ inserted: 0 });
		const stored = await t.store.emailDocuments.getByMessageId('c1', '<doc@mail>');
		expect(stored.map((l) => [l.mkId, l.docType, l.countCode, l.confidence])).toEqual([
			['900', 'sales_order', 'SO-9', 1],
			['900', 'sales_bill_domestic', 'R-9', 0.5],
			['901', null, null, null],
		]);
	});

	it('validates links', async () => {
		await expect(t.store.emailContacts.addMany('c1', '', [{ mkId: '1' }])).rejects.toMatchObject({ code: 'INVALID_INPUT' });
		await expect(t.store.emailContacts.addMany('c1', 'm', [{ mkId: '' }])).rejects.toMatchObject({ code: 'INVALID_INPUT' });
		await expect(t.store.emailContacts.addMany('c1', 'm', [{ mkId: '1', confidence: Number.NaN }])).rejects.toMatchObject({
			code: 'INVALID_INPUT',
		});
		expect(await t.store.emailContacts.addMany('c1', 'm', [])).toEqual({ inserted: 0 });
	});
});
