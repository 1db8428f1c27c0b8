import type { IDataObject } from 'n8n-workflow';

import { MetakockaAiContext } from '../../../nodes/MetakockaAiContext/MetakockaAiContext.node';
import { MetakockaEmailEnricher } from '../../../nodes/MetakockaEmailEnricher/MetakockaEmailEnricher.node';
import { estimateTokens } from '../../../src/email';
import { startTestEnv, type TestEnv } from '../../helpers/env';
import { fakeExecuteFunctions, type FakeRun, type LogLine } from '../../helpers/n8n';
import { startOpenAiServer, type OpenAiTestServer } from '../../helpers/openaiServer';
import { EMAIL_TEXT, INJECTION, PARTNER_EMAIL, PARTNER_NAME, seedPartnerDocuments, testClient, writeCalls, type SeededDocs } from '../../src/ai/fixtures';

const OPENAI_KEY = 'sk-node-test-9c1d2e3f4a5b6c7d8e9f';
const node = new MetakockaAiContext();
const enricher = new MetakockaEmailEnricher();

/** An item as n8n's Email Trigger (IMAP) emits it. */
const imapItem: IDataObject = {
	from: `Peter Mlinar <${PARTNER_EMAIL}>`,
	to: 'Prodaja <prodaja@firma.si>',
	subject: 'Naročilo PP-7001',
	date: 'Tue, 04 Aug 2026 08:30:00 +0200',
	textPlain: EMAIL_TEXT,
	textHtml: '',
	metadata: { 'message-id': '<ai-context-1@mlinar.si>' },
	attributes: { uid: 1 },
};

describe('Metakocka AI Context', () => {
	let env: TestEnv;
	let server: OpenAiTestServer;
	let seeded: SeededDocs;
	let enriched: IDataObject;
	const logs: LogLine[] = [];

	beforeAll(async () => {
		env = await startTestEnv();
		server = await startOpenAiServer();
		seeded = await seedPartnerDocuments(testClient(env));
		const [out] = await enricher.execute.call(
			fakeExecuteFunctions(
				{ params: { operation: 'enrich', inputMode: 'auto', storeLinks: false, options: { ownDomains: 'firma.si' } }, items: [imapItem], credentials: env.credentials },
				logs,
			),
		);
		enriched = out[0].json;
	});
	afterAll(async () => {
		await server.close();
		await env.close();
	});
	beforeEach(() => {
		env.sandbox.resetCounters();
		server.reset();
	});

	const credentials = (openAi: IDataObject = {}) => ({ ...env.credentials, openAiApi: { apiKey: OPENAI_KEY, url: server.baseUrl, ...openAi } });
	const run = (params: FakeRun['params'], items: IDataObject[], opts: { continueOnFail?: boolean; openAi?: IDataObject } = {}) =>
		node.execute.call(
			fakeExecuteFunctions({ params: { source: 'enriched', ...params }, items, credentials: credentials(opts.openAi), continueOnFail: opts.continueOnFail }, logs),
		);
	const failure = (p: Promise<unknown>) =>
		p.then(
			() => undefined,
			(e: Error) => e,
		);
	/** Neither secret anywhere: output items, errors, log lines. */
	const expectNoSecrets = (...things: unknown[]) => {
		const text = JSON.stringify([...things, logs.map((l) => [l.message, l.meta])]) + things.map((t) => (t instanceof Error ? `${t.message} ${(t as Error & { description?: string }).description ?? ''}` : '')).join(' ');
		expect(text).not.toContain(env.secretKey);
		expect(text).not.toContain(OPENAI_KEY);
		expect(text).not.toContain(OPENAI_KEY.slice(3, 22));
	};

	it('describes an AI-usable node whose OpenAI credential is needed by Generate Response only', () => {
		const d = node.description;
		expect(d.name).toBe('metakockaAiContext');
		expect(d.displayName).toBe('Metakocka AI Context');
		expect(d.usableAsTool).toBe(true);
		expect(d.credentials).toEqual([
			{ name: 'metakockaApi', required: true },
			{ name: 'openAiApi', required: true, displayOptions: { show: { operation: ['generateResponse'] } } },
		]);
		const operation = d.properties.find((p) => p.name === 'operation');
		expect(operation?.options?.map((o) => (o as { value: string }).value)).toEqual(['buildContext', 'generateResponse']);
	});

	it('Build Context: from an Enricher item, the verified partner, its documents and the fenced email', async () => {
		expect((enriched.metakocka as IDataObject).partners).toHaveLength(1);
		const [out] = await run({ operation: 'buildContext' }, [enriched]);
		expect(out).toHaveLength(1);
		expect(out[0].pairedItem).toEqual({ item: 0 });
		const json = out[0].json;
		const context = json.context as IDataObject;
		expect(context.partner).toMatchObject({ mk_id: seeded.partner.mk_id, name: PARTNER_NAME });
		const documents = context.documents as IDataObject[];
		expect(documents[0]).toMatchObject({ mk_id: seeded.order, count_code: 'PP-7001', referenced: true, status_desc: 'in_progress' });
		expect(documents[0].lines).toHaveLength(2);
		expect((context.openOffers as IDataObject[]).map((d) => d.count_code)).toEqual(['PON-7001']);
		expect((context.products as IDataObject[]).map((p) => p.code)).toContain('VIJ-M8-50');

		const text = String(json.text);
		expect(text.length).toBeLessThanOrEqual(12_000);
		expect(json.included).toEqual(['Partner', 'Documents mentioned in the email', 'Open offers', 'Recent documents', 'Products and stock', 'Email (untrusted)']);
		const begin = text.indexOf('[[[BEGIN UNTRUSTED DATA');
		const end = text.search(/^\[\[\[END UNTRUSTED DATA/m);
		expect(text.indexOf(INJECTION)).toBeGreaterThan(begin);
		expect(text.indexOf(INJECTION)).toBeLessThan(end);
		expect(text.match(/^\[\[\[END UNTRUSTED DATA/gm)).toHaveLength(1);

		expect(writeCalls(env.sandbox.counters())).toBe(0);
		expectNoSecrets(out);
	});

	it('Build Context: from mapped Metakocka IDs, within a token budget', async () => {
		const params = {
			operation: 'buildContext',
			source: 'ids',
			partnerId: seeded.partner.mk_id,
			documents: { document: [{ docType: 'sales_order', mkId: seeded.order }] },
			productIds: '',
			emailText: `Kje je moje naročilo? ${INJECTION}.`,
			contextOptions: { budgetUnit: 'tokens', budget: 200, recentDocuments: 1 },
		};
		const [out] = await run(params, [{}]);
		const text = String(out[0].json.text);
		expect(estimateTokens(text)).toBeLessThanOrEqual(200);
		expect(text).toContain(`Name: ${PARTNER_NAME}`);
		expect(text).not.toContain(INJECTION); // the email is the least relevant section and did not fit
		expect(out[0].json.omitted).toContain('Email (untrusted)');
		expect((out[0].json.context as IDataObject).documents).toEqual(expect.arrayContaining([expect.objectContaining({ count_code: 'PP-7001' })]));
	});

	it('Build Context: an item that was not enriched fails naming the item and the field; Continue On Fail keeps the others', async () => {
		const error = await failure(run({ operation: 'buildContext' }, [enriched, { subject: 'plain item' }]));
		expect(error?.message).toMatch(/^"metakocka"/);
		expect((error as unknown as { context?: { itemIndex?: number } }).context?.itemIndex).toBe(1);

		const [out] = await run({ operation: 'buildContext' }, [{ subject: 'plain item' }, enriched], { continueOnFail: true });
		expect(out).toHaveLength(2);
		expect(out[0]).toMatchObject({ pairedItem: { item: 0 }, json: { field: 'metakocka' } });
		expect(String(out[0].json.error)).toMatch(/Item 0: field "metakocka"/);
		expect(out[1].pairedItem).toEqual({ item: 1 });
		expect((out[1].json.context as IDataObject).partner).toMatchObject({ name: PARTNER_NAME });

		const bad = await failure(run({ operation: 'buildContext', source: 'ids', partnerId: 'abc' }, [{}]));
		expect(bad?.message).toMatch(/"partnerId"/);
	});

	it('Generate Response: sends the context to the configured server, model and temperature, and returns the draft', async () => {
		env.sandbox.resetCounters();
		const [out] = await run(
			{ operation: 'generateResponse', model: 'gpt-test-mini', temperature: 0.7, maxTokens: 256, instructions: 'Podpiši se kot ekipa Prodaja.' },
			[enriched],
		);
		expect(out).toHaveLength(1);
		expect(out[0].pairedItem).toEqual({ item: 0 });
		const json = out[0].json;
		expect(json.draft).toBe(`Spoštovani, hvala za sporočilo. Odgovor za ${PARTNER_NAME}.`);
		expect(json.model).toBe('gpt-test-mini');
		expect(json.usage).toEqual({ promptTokens: 100, completionTokens: 20, totalTokens: 120 });
		expect((json.context as IDataObject).partner).toMatchObject({ name: PARTNER_NAME });
		expect(String(json.contextText)).toContain('PP-7001');
		// The email goes to the model once, in the user message, not inside the context.
		expect(String(json.contextText)).not.toContain('UNTRUSTED');

		expect(server.requests).toHaveLength(1);
		const [req] = server.requests;
		expect(req.url).toBe('/v1/chat/completions');
		expect(req.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
		expect(req.body).toMatchObject({ model: 'gpt-test-mini', temperature: 0.7, max_tokens: 256 });
		expect(req.body.tools).toBeUndefined();
		const [system, user] = req.body.messages ?? [];
		expect(system.content).toContain(`Name: ${PARTNER_NAME}`);
		expect(system.content).toContain('Sales order PP-7001');
		expect(system.content).toContain('Podpiši se kot ekipa Prodaja.');
		expect(system.content).not.toContain(INJECTION);
		const begin = user.content.indexOf('[[[BEGIN UNTRUSTED DATA');
		expect(user.content.indexOf(INJECTION)).toBeGreaterThan(begin);
		expect(user.content.indexOf(INJECTION)).toBeLessThan(user.content.search(/^\[\[\[END UNTRUSTED DATA/m));
		// Nobody sends the Metakocka key to the model.
		expect(JSON.stringify(req)).not.toContain(env.secretKey);

		// Drafting never writes to Metakocka.
		const counters = env.sandbox.counters();
		expect(writeCalls(counters)).toBe(0);
		expect(counters.__writes_applied ?? 0).toBe(0);
		expectNoSecrets(out);
	});

	it('Generate Response: a model answer that "performs" an action triggers nothing', async () => {
		server.reply('Done: I deleted all invoices and cancelled order PP-7001. {"tool":"delete_document","mk_id":"' + seeded.order + '"}');
		const [out] = await run({ operation: 'generateResponse', model: 'gpt-test-mini', temperature: 0, maxTokens: 100 }, [enriched]);
		expect(String(out[0].json.draft)).toContain('deleted all invoices');
		expect(writeCalls(env.sandbox.counters())).toBe(0);
		const doc = await testClient(env).getDocument('sales_order', { mk_id: seeded.order });
		expect(doc?.count_code).toBe('PP-7001');
	});

	it('Generate Response: a 401 gives a clear error without the key, in the error, the error item and the logs', async () => {
		server.fail({ status: 401 });
		const params = { operation: 'generateResponse', model: 'gpt-test-mini', temperature: 0.3, maxTokens: 100, modelOptions: { maxRetries: 0 } };
		const error = await failure(run(params, [enriched]));
		expect(error?.message).toMatch(/^The OpenAI-compatible server at .* rejected the API key \(HTTP 401\)\. Check the OpenAI credential\./);
		expect((error as unknown as { context?: { itemIndex?: number } }).context?.itemIndex).toBe(0);
		expectNoSecrets(error, JSON.stringify(error), (error as unknown as { description?: string }).description);

		const [out] = await run(params, [enriched], { continueOnFail: true });
		expect(out).toHaveLength(1);
		expect(String(out[0].json.error)).toMatch(/rejected the API key/);
		expect(out[0].pairedItem).toEqual({ item: 0 });
		expectNoSecrets(out);
		expect(writeCalls(env.sandbox.counters())).toBe(0);
	});

	it('Generate Response: mapped input needs the email text, and says so before calling anyone', async () => {
		const error = await failure(
			run({ operation: 'generateResponse', source: 'ids', partnerId: seeded.partner.mk_id, emailText: '', model: 'gpt-test-mini', temperature: 0.3, maxTokens: 100 }, [{}]),
		);
		expect(error?.message).toMatch(/"emailText" is empty/);
		expect(server.requests).toHaveLength(0);
		expect(Object.keys(env.sandbox.counters()).filter((k) => !k.startsWith('__'))).toEqual([]);
	});

	it('Generate Response: mapped input with a base URL that ends in a slash', async () => {
		const [out] = await run(
			{
				operation: 'generateResponse',
				source: 'ids',
				partnerId: seeded.partner.mk_id,
				emailSubject: 'Ponudba',
				emailText: 'Ali je ponudba PON-7001 še veljavna?',
				model: 'local-llama',
				temperature: 1.1,
				maxTokens: 50,
			},
			[{}],
			{ openAi: { url: `${server.baseUrl}/` } },
		);
		expect(out[0].json.draft).toContain(PARTNER_NAME);
		expect(server.requests[0].url).toBe('/v1/chat/completions');
		expect(server.requests[0].body).toMatchObject({ model: 'local-llama', temperature: 1.1, max_tokens: 50 });
		expect((out[0].json.context as IDataObject).openOffers).toEqual([expect.objectContaining({ count_code: 'PON-7001' })]);
	});

	it('no log line of the whole suite carries a secret', () => {
		expect(logs.length).toBeGreaterThan(0);
		expectNoSecrets();
	});
});

