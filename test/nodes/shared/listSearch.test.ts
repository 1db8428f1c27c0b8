// The pickers (resource locators' "From List" mode) against the sandbox: what a person sees before
// typing and after, and how many Metakocka calls one picker request costs.
import { listSearch, documentLabel } from '../../../nodes/shared/methods/listSearch';
import { partnerLocator } from '../../../nodes/shared/locators';
import { fakeExecuteFunctions } from '../../helpers/n8n';
import { startTestEnv, type TestEnv } from '../../helpers/env';

describe('pickers (nodes/shared/methods/listSearch.ts)', () => {
	let env: TestEnv;
	beforeAll(async () => {
		env = await startTestEnv();
	});
	afterAll(async () => env.close());

	/** The load-options context n8n gives a list search: credentials and the node's current parameters. */
	const ctx = (current: Record<string, unknown> = {}) => {
		const base = fakeExecuteFunctions({ params: {}, credentials: env.credentials }) as unknown as Record<string, unknown>;
		return { ...base, getCurrentNodeParameter: (name: string) => current[name] } as never;
	};
	const calls = () => {
		const c = env.sandbox.counters();
		return Object.entries(c).filter(([k]) => !k.startsWith('__')).reduce((sum, [, v]) => sum + (v as number), 0);
	};

	it('the partner picker shows partners before anything is typed (those of the latest documents), in at most 2 calls', async () => {
		env.sandbox.resetCounters();
		const { results } = await listSearch.searchPartners.call(ctx(), '');
		expect(results.length).toBeGreaterThan(0);
		const partners = env.sandbox.store().partners;
		for (const r of results) {
			const p = partners.find((x) => x.mk_id === r.value)!;
			expect(p).toBeDefined();
			expect(r.name.startsWith(String(p.customer))).toBe(true);
		}
		expect(new Set(results.map((r) => r.value)).size).toBe(results.length);
		expect(env.sandbox.counters().get_partner ?? 0).toBe(0);
		expect(calls()).toBeLessThanOrEqual(2);
	});

	it('the partner picker says how to search: a hint under the field', () => {
		const property = partnerLocator({ operation: ['get'] });
		expect(property.hint).toMatch(/type a name, an email address or a tax number/i);
	});

	it('typed text searches all partners by name, email address or tax number, one call each', async () => {
		const partner = env.sandbox.store().partners.find((p) => p.tax_id_number && (p.partner_contact_list as any[])?.some((c) => c.email)) as any;
		const email = partner.partner_contact_list.find((c: any) => c.email).email;
		for (const typed of [partner.customer.slice(0, 6), email, partner.tax_id_number]) {
			env.sandbox.resetCounters();
			const { results } = await listSearch.searchPartners.call(ctx(), typed);
			expect(results.map((r) => r.value)).toContain(partner.mk_id);
			expect(results.find((r) => r.value === partner.mk_id)!.name).toBe(`${partner.customer} · ${partner.partner_delivery_address_list[0].city} · ${partner.tax_id_number}`);
			expect(calls()).toBe(1);
		}
		const none = await listSearch.searchPartners.call(ctx(), 'no partner is called this 9f3a');
		expect(none.results).toEqual([]);
	});

	it('the document picker names each document by number, partner, date, total and status, in one call', async () => {
		env.sandbox.resetCounters();
		const { results } = await listSearch.searchDocuments.call(ctx({ docType: 'sales_order' }), '');
		expect(results.length).toBeGreaterThan(0);
		expect(calls()).toBe(1);
		const docs = env.sandbox.store().documents.sales_order as any[];
		const first = docs.find((d) => d.mk_id === results[0].value)!;
		expect(first).toBeDefined();
		// Newest first (the highest mk_id).
		expect(Number(results[0].value)).toBe(Math.max(...docs.map((d) => Number(d.mk_id))));
		const label = results[0].name;
		expect(label.startsWith(`${first.count_code} · ${first.partner.customer} · ${first.doc_date.slice(0, 10)} · `)).toBe(true);
		expect(label).toMatch(/\d{4}-\d{2}-\d{2}/);
		expect(label).toMatch(/\d,\d{2} [A-Z]{3}/);
		// Not a bare count code.
		expect(label.split(' · ').length).toBeGreaterThanOrEqual(4);
	});

	it('documentLabel leaves out what the document does not have', () => {
		expect(
			documentLabel({ mk_id: '1', count_code: 'PN-7', doc_date: '2026-08-20+02:00', partner: { mk_id: '9', customer: 'Pekarna Kruh d.o.o.' }, sum_all: 12345.5, currency_code: 'EUR', status_code: 'Potrjeno' } as never),
		).toBe('PN-7 · Pekarna Kruh d.o.o. · 2026-08-20 · 12.345,50 EUR · Potrjeno');
		expect(documentLabel({ mk_id: '2' } as never)).toBe('#2');
	});
});
