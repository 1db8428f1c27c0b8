import { readFileSync } from 'fs';
import { join } from 'path';
import type { IDataObject } from 'n8n-workflow';

import { MetakockaEmailEnricher } from '../../../nodes/MetakockaEmailEnricher/MetakockaEmailEnricher.node';
import { fakeExecuteFunctions, type FakeRun, type LogLine } from '../../helpers/n8n';
import { startTestEnv, type TestEnv } from '../../helpers/env';
import { amplificationEmail, totalCalls } from '../../helpers/attackEmail';

const node = new MetakockaEmailEnricher();
const FIXTURES = join(__dirname, '../../src/email/fixtures');

/** A fixture with its sender swapped for a seeded partner's address (and other text replaced). */
function fixture(name: string, replace: Record<string, string> = {}): IDataObject {
	let raw = readFileSync(join(FIXTURES, `${name}.json`), 'utf8');
	for (const [from, to] of Object.entries(replace)) raw = raw.split(from).join(to);
	return JSON.parse(raw) as IDataObject;
}

interface Enriched {
	messageId: string;
	partners: IDataObject[];
	documents: IDataObject[];
	products: IDataObject[];
	candidatesChecked: number;
	linksAdded: number;
}

describe('Metakocka Email Enricher', () => {
	let env: TestEnv;
	const logs: LogLine[] = [];
	beforeAll(async () => {
		env = await startTestEnv();
	});
	afterAll(async () => env.close());
	beforeEach(() => env.sandbox.resetCounters());

	const run = (operation: string, params: FakeRun['params'], items: IDataObject[], continueOnFail = false) =>
		node.execute.call(
			fakeExecuteFunctions(
				{
					params: { operation, inputMode: 'auto', storeLinks: true, options: { ownDomains: 'firma.si' }, mappingStore: env.mappingStore, ...params },
					items,
					credentials: env.credentials,
					continueOnFail,
				},
				logs,
			),
		);
	const meta = (json: IDataObject) => json.metakocka as unknown as Enriched;

	const imap = fixture('imap-simple', {
		'janez.novak@podjetje.si': 'janez.novak@kovinarstvo-novak.si',
		'Naročilo - vijaki M8 (ponudba 2024-00123)': 'Naročilo - vijaki M8 (ponudba PON-1001)',
	});

	it('enriches an IMAP item: seeded sender verified, real count code linked with evidence, look-alike number not linked', async () => {
		const [out] = await run('enrich', {}, [imap]);
		expect(out).toHaveLength(1);
		expect(out[0].pairedItem).toEqual({ item: 0 });
		expect(out[0].json.subject).toBe(imap.subject); // original json kept
		const m = meta(out[0].json);
		expect(m.messageId).toBe('<CAF8x7=Yq2m@mail.podjetje.si>');
		expect(m.partners).toHaveLength(1);
		expect(m.partners[0]).toMatchObject({ type: 'partner', label: 'Kovinarstvo Novak d.o.o.', count_code: '1001' });
		expect(m.documents.map((d) => d.count_code)).toEqual(['PON-1001']);
		const [offer] = m.documents;
		expect(offer).toMatchObject({ doc_type: 'sales_offer' });
		expect((offer.evidence as IDataObject[])[0]).toMatchObject({ field: 'subject' });
		// "ponudbe št. 2024-00123" and "NAR-2024/118" look real but are not in the sandbox.
		const linked = JSON.stringify([...m.documents.map((d) => d.count_code), ...m.documents.flatMap((d) => (d.matched_by as IDataObject[]).map((x) => x.value))]);
		expect(linked).not.toContain('2024-00123');
		expect(linked).not.toContain('NAR-2024/118');
		expect(m.products).toEqual([]);
		expect(m.candidatesChecked).toBeGreaterThanOrEqual(5);
		expect(m.linksAdded).toBe(2);
	});

	it('re-running the same email adds no link twice, and Get Metadata returns the stored links', async () => {
		const [again] = await run('enrich', {}, [imap]);
		expect(meta(again[0].json).linksAdded).toBe(0);
		const [stored] = await run('getMetadata', { messageId: '<CAF8x7=Yq2m@mail.podjetje.si>' }, [{}]);
		expect(stored).toHaveLength(1);
		expect(stored[0].json.messageId).toBe('<CAF8x7=Yq2m@mail.podjetje.si>');
		expect(stored[0].json.partners).toHaveLength(1);
		expect((stored[0].json.partners as IDataObject[])[0]).toMatchObject({ partnerName: 'Kovinarstvo Novak d.o.o.', email: 'janez.novak@kovinarstvo-novak.si' });
		expect(stored[0].json.documents).toHaveLength(1);
		expect((stored[0].json.documents as IDataObject[])[0]).toMatchObject({ docType: 'sales_offer', countCode: 'PON-1001' });
	});

	it('five emails from the same sender cost one get_partner call', async () => {
		const items = [1, 2, 3, 4, 5].map((n) => ({
			...imap,
			cc: '',
			textPlain: `Pozdravljeni, vprašanje št. ${n}.`,
			textHtml: '',
			metadata: { 'message-id': `<same-sender-${n}@kovinarstvo-novak.si>` },
		}));
		const [out] = await run('enrich', { storeLinks: false }, items);
		expect(out).toHaveLength(5);
		expect(out.map((o) => o.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		for (const o of out) expect(meta(o.json).partners.map((p) => p.label)).toEqual(['Kovinarstvo Novak d.o.o.']);
		expect(env.sandbox.counters().get_partner).toBe(1);
		// The subject's PON-1001 is searched once per doc type for all five emails, too.
		expect(env.sandbox.counters().search).toBe(3);
	});

	it('works with the Outlook trigger item', async () => {
		const item = fixture('outlook', { 'tomaz@kranjc.si': 'ana@kranjc-oblikovanje.si', 'P-24-0042': 'PON-1002' });
		const [out] = await run('enrich', {}, [item]);
		const m = meta(out[0].json);
		expect(m.messageId).toBe('<VI1PR02MB5678ABCD@VI1PR02MB5678.eurprd02.prod.outlook.com>');
		expect(m.partners.map((p) => p.label)).toEqual(['Ana Kranjc s.p.']);
		expect(m.documents.map((d) => d.count_code)).toEqual(['PON-1002']);
	});

	it('works with the Gmail trigger item, and links nothing it cannot verify', async () => {
		const item = fixture('gmail-simple', { 'marko.horvat@gmail.com': 'marko.zupancic@gmail.com' });
		const [out] = await run('enrich', {}, [item]);
		const m = meta(out[0].json);
		expect(m.messageId).toBe('18f4c2a9b7d3e001');
		expect(m.partners.map((p) => p.label)).toEqual(['Marko Zupančič']);
		expect(m.documents).toEqual([]); // PR_SO-15 is not a sandbox document
		expect(m.linksAdded).toBe(1);
	});

	it('maps fields from any item', async () => {
		const [out] = await run(
			'enrich',
			{
				inputMode: 'fields',
				from: 'Eva <eva.vidmar@siol.net>',
				subject: 'Naročilo PP-1003',
				text: 'Pozdravljeni, kdaj bo naročilo PP-1003 odpremljeno? Koda VIJ-M8-50.',
				messageId: '<mapped-1@siol.net>',
				options: { docTypes: ['sales_order'] },
			},
			[{}],
		);
		const m = meta(out[0].json);
		expect(m.messageId).toBe('<mapped-1@siol.net>');
		expect(m.partners.map((p) => p.label)).toEqual(['Eva Vidmar']);
		expect(m.documents.map((d) => d.count_code)).toEqual(['PP-1003']);
		expect(m.products.map((p) => p.count_code)).toEqual(['PA-101']);
	});

	it('an item without a sender fails with an error naming the item and the field', async () => {
		const bad = { subject: 'no sender', text: 'PON-1001' };
		const error = await run('enrich', {}, [imap, bad]).then(
			() => undefined,
			(e: Error) => e,
		);
		expect(error?.message).toMatch(/"from"/);
		expect((error as unknown as { context?: { itemIndex?: number } }).context?.itemIndex).toBe(1);
		// Validation runs before any lookup: nothing was asked of Metakocka.
		expect(env.sandbox.counters().get_partner).toBeUndefined();
	});

	it('with Continue On Fail only the bad item becomes an error item', async () => {
		const [out] = await run('enrich', { storeLinks: false }, [{ subject: 'no sender' }, imap], true);
		expect(out).toHaveLength(2);
		expect(out[0]).toMatchObject({ pairedItem: { item: 0 } });
		expect(String(out[0].json.error)).toMatch(/^"from" is missing or unusable/);
		expect(meta(out[1].json).partners).toHaveLength(1);
		expect(out[1].pairedItem).toEqual({ item: 1 });
	});

	it('one email naming 2,000 invoice numbers and 300 recipients costs at most the capped calls, and says what it skipped', async () => {
		const email = amplificationEmail('amp-node');
		expect(email.text.length + email.to.length).toBeGreaterThan(30_000);
		const [out] = await run('enrich', { storeLinks: false, options: {} }, [email]);
		const calls = totalCalls(env.sandbox.counters());
		// 5 addresses (1 call each) + 5 numbers (3 searches each): 6,301 calls before the caps.
		expect(calls).toBe(5 + 5 * 3);
		const m = out[0].json.metakocka as IDataObject;
		expect(m.metakockaCalls).toBe(calls);
		expect(m.skipped).toMatchObject({
			overCandidateLimit: { count: 301 + 2000 - 10, byKind: { email: 296, document_number: 1995 } },
		});
		const examples = (m.skipped as { overCandidateLimit: { examples: Array<{ kind: string }> } }).overCandidateLimit.examples;
		expect(examples.length).toBeGreaterThan(0);
		expect(examples.length).toBeLessThanOrEqual(20);
		// Best first: the sender is kept, not a recipient.
		expect(m.candidatesChecked).toBe(10);
	});

	it('the call budget is per execution: ten such emails stop at Max Metakocka Calls, later items report the skip', async () => {
		const emails = Array.from({ length: 10 }, (_, i) => amplificationEmail(`amp-batch-${i}`, 200, 30));
		const out = await run('enrich', { storeLinks: false, options: { maxCalls: 50 } }, emails);
		expect(totalCalls(env.sandbox.counters())).toBeLessThanOrEqual(50);
		const metas = out[0].map((o) => o.json.metakocka as IDataObject);
		expect(metas.reduce((n, m) => n + Number(m.metakockaCalls), 0)).toBe(totalCalls(env.sandbox.counters()));
		const last = metas[metas.length - 1].skipped as { overCallBudget?: { count: number; maxCalls: number } };
		// Its five addresses are new (skipped); its numbers were looked up for the first email (cached, free).
		expect(last.overCallBudget).toMatchObject({ count: 5, maxCalls: 50 });
	});

	it('caps are options: a bad value is an error naming the option', async () => {
		const error = await run('enrich', { options: { maxCandidatesPerKind: 0 } }, [imap]).then(
			() => undefined,
			(e: Error) => e,
		);
		expect(error?.message).toMatch(/"options.maxCandidatesPerKind" must be a whole number of at least 1/);
		const [out] = await run('enrich', { storeLinks: false, options: { maxCandidatesPerKind: 1, maxCandidatesPerEmail: 1 } }, [imap]);
		expect((out[0].json.metakocka as IDataObject).candidatesChecked).toBe(1);
	});

	it('rejects an invalid document number pattern, naming the option', async () => {
		const error = await run('enrich', { options: { documentNumberPatterns: 'PP-(\\d+' } }, [imap]).then(
			() => undefined,
			(e: Error) => e,
		);
		expect(error?.message).toMatch(/"documentNumberPatterns"/);
	});
});
