import { MetakockaClient } from '../../../src/client';
import { extractCandidates, normalizeCustomEmail, type Candidate } from '../../../src/email';
import { candidateConfidence, createCallBudget, createVerifyCache, verifyCandidates } from '../../../src/email/verify';
import { startTestEnv, type TestEnv } from '../../helpers/env';

const candidate = (kind: Candidate['kind'], value: string, score = 3): Candidate => ({
	kind,
	value,
	score,
	evidence: [{ field: 'text', snippet: `… ${value} …`, index: 0 }],
});

describe('verifyCandidates against the sandbox', () => {
	let env: TestEnv;
	let client: MetakockaClient;
	beforeAll(async () => {
		env = await startTestEnv();
		client = new MetakockaClient(env.credentials.metakockaApi as never);
	});
	afterAll(async () => env.close());
	beforeEach(() => env.sandbox.resetCounters());

	it('a call budget bounds the Metakocka calls: what would overspend is skipped and reported, cache hits are free', async () => {
		const budget = createCallBudget(7);
		const cache = createVerifyCache();
		const list = [
			candidate('email', 'janez.novak@kovinarstvo-novak.si'),
			candidate('document_number', 'PP-1001'),
			candidate('document_number', 'PP-1002'),
			candidate('product_code', 'VIJ-M8-50'),
			candidate('tax_number', 'SI12345678'),
		];
		const first = await verifyCandidates(client, list, { cache, budget });
		const calls = Object.values(env.sandbox.counters()).reduce((a, b) => a + b, 0);
		expect(calls).toBe(7);
		expect(first.callsMade).toBe(7);
		expect(budget.used).toBe(7);
		// 1 + 3 + 3 = 7: the second number's searches fit, the product and tax number do not.
		expect(first.skippedByBudget).toEqual([
			{ kind: 'product_code', value: 'VIJ-M8-50' },
			{ kind: 'tax_number', value: 'SI12345678' },
		]);
		const again = await verifyCandidates(client, list.slice(0, 3), { cache, budget });
		expect(again.callsMade).toBe(0);
		expect(again.skippedByBudget).toEqual([]);
		expect(again.partners).toHaveLength(1);
		expect(() => createCallBudget(0)).toThrow(/at least 1/);
	});

	it('verifies a seeded partner by email and by tax number, merged into one partner', async () => {
		const result = await verifyCandidates(client, [
			candidate('email', 'Janez.Novak@kovinarstvo-novak.si'),
			candidate('tax_number', 'SI12345678', 2),
		]);
		expect(result.partners).toHaveLength(1);
		expect(result.partners[0]).toMatchObject({ type: 'partner', label: 'Kovinarstvo Novak d.o.o.', count_code: '1001', email: 'janez.novak@kovinarstvo-novak.si' });
		expect(result.partners[0].matched_by.map((m) => m.kind)).toEqual(['email', 'tax_number']);
		expect(result.partners[0].confidence).toBeGreaterThan(0.9);
		expect(result.partners[0].confidence).toBeLessThanOrEqual(1);
		expect(result.candidatesChecked).toBe(2);
	});

	it('links only exact count codes; look-alike numbers that do not exist are dropped', async () => {
		const email = normalizeCustomEmail({
			from: 'Maja <maja.horvat@horvat-trgovina.si>',
			subject: 'Naročilo PP-1001',
			text: 'Pozdravljeni, glede naročila PP-9999 in računa 1-MK-1002. Hvala.',
		});
		const result = await verifyCandidates(client, extractCandidates(email));
		const codes = result.documents.map((d) => d.count_code).sort();
		expect(codes).toEqual(['1-MK-1002', 'PP-1001']);
		const order = result.documents.find((d) => d.count_code === 'PP-1001');
		expect(order).toMatchObject({ type: 'document', doc_type: 'sales_order' });
		expect(order?.evidence[0]).toMatchObject({ field: 'subject' });
		expect(order?.evidence[0].snippet).toContain('PP-1001');
		// PP-9999 looks like an order number but does not exist: no entity and no matched_by for it.
		expect(result.documents.flatMap((d) => d.matched_by.map((m) => m.value))).not.toContain('PP-9999');
		expect(result.candidatesChecked).toBe(4);
		// Search prefix "PP-1" would match every order: a partial number must never link.
		const partial = await verifyCandidates(client, [candidate('document_number', 'PP-100')]);
		expect(partial.documents).toEqual([]);
	});

	it('verifies buyer orders and product codes, and drops unknown ones', async () => {
		const result = await verifyCandidates(client, [
			candidate('buyer_order', 'WEB-10003'),
			candidate('buyer_order', 'WEB-99999'),
			candidate('product_code', 'VIJ-M8-50'),
			candidate('product_code', 'ART-001'),
			candidate('email', 'nobody@nowhere.example'),
			candidate('tax_number', 'SI99999999'),
		]);
		expect(result.documents.map((d) => d.count_code)).toEqual(['PP-1003']);
		expect(result.products).toHaveLength(1);
		expect(result.products[0]).toMatchObject({ type: 'product', count_code: 'PA-101' });
		expect(result.partners).toEqual([]);
		expect(result.candidatesChecked).toBe(6);
	});

	it('one Metakocka call per kind+value with a shared cache', async () => {
		const cache = createVerifyCache();
		for (let i = 0; i < 4; i++) {
			await verifyCandidates(client, [candidate('email', 'maja.horvat@horvat-trgovina.si'), candidate('document_number', 'PON-1001')], { cache });
		}
		const counters = env.sandbox.counters();
		expect(counters.get_partner).toBe(1);
		expect(counters.search).toBe(3); // one per default doc type, once
	});

	it('scales confidence by evidence strength and kind', () => {
		expect(candidateConfidence({ kind: 'email', score: 3 })).toBe(0.95);
		expect(candidateConfidence({ kind: 'email', score: 0.5 })).toBeLessThan(0.95);
		expect(candidateConfidence({ kind: 'product_code', score: 10 })).toBe(0.8);
	});

	it('propagates Metakocka failures instead of reporting "nothing found", and does not cache them', async () => {
		const cache = createVerifyCache();
		env.sandbox.injectFault({ kind: 'opr_error', times: 10 });
		await expect(verifyCandidates(client, [candidate('email', 'info@prilipi.si')], { cache })).rejects.toThrow();
		env.sandbox.clearFaults();
		const ok = await verifyCandidates(client, [candidate('email', 'info@prilipi.si')], { cache });
		expect(ok.partners).toHaveLength(1);
	});
});

describe('partner lookups match loosely: only the exact field is confirmed (findings 2, 11)', () => {
	let env: TestEnv;
	let client: MetakockaClient;
	beforeAll(async () => {
		env = await startTestEnv();
		client = new MetakockaClient(env.credentials.metakockaApi as never);
		await client.addPartner({ customer: 'Dolgi Naslov d.o.o.', street: 'F 1', post_number: '1000', place: 'Ljubljana', country: 'SI', partner_contact: { email: 'info.prodaja@dolgi.si' } });
	});
	afterAll(async () => env.close());

	it('an e-mail that only part of a contact e-mail matches links nothing (the search is fuzzy)', async () => {
		const result = await verifyCandidates(client, [candidate('email', 'prodaja@dolgi.si')]);
		expect(result.partners).toEqual([]);
		expect((await verifyCandidates(client, [candidate('email', 'INFO.prodaja@dolgi.si')])).partners).toHaveLength(1);
	});

	it('a tax number contained in another one links nothing', async () => {
		expect((await verifyCandidates(client, [candidate('tax_number', '2345678')])).partners).toEqual([]);
	});
});

describe('VAT match when get_partner answers carry no tax_id_number (the docs\' examples)', () => {
	let env: TestEnv;
	let client: MetakockaClient;
	beforeAll(async () => {
		env = await startTestEnv({ readings: { partnerTaxNumberInReads: false } });
		client = new MetakockaClient(env.credentials.metakockaApi as never);
	});
	afterAll(async () => env.close());

	it('the only hit is linked, marked unconfirmed with a lower confidence; several hits link nothing', async () => {
		const result = await verifyCandidates(client, [candidate('tax_number', 'SI23456789')]);
		expect(result.partners).toHaveLength(1);
		expect(result.partners[0]).toMatchObject({ count_code: '1002', tax_number_confirmed: false });
		expect(result.partners[0].confidence).toBeLessThan(candidateConfidence({ kind: 'tax_number', score: 3 }));
		await client.addPartner({ customer: 'Podoben d.o.o.', tax_id_number: 'SI23456780', street: 'G 1', post_number: '1000', place: 'Ljubljana', country: 'SI' });
		expect((await verifyCandidates(client, [candidate('tax_number', '2345678')])).partners).toEqual([]);
	});

	it('an e-mail match of the same partner confirms it', async () => {
		const result = await verifyCandidates(client, [candidate('tax_number', 'SI23456789'), candidate('email', 'maja.horvat@horvat-trgovina.si')]);
		expect(result.partners).toHaveLength(1);
		expect(result.partners[0].tax_number_confirmed).toBeUndefined();
	});
});
