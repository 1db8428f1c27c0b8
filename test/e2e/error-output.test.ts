// issue 14: the three "On Error" settings in a real n8n 2.41, for one operation of each node that
// takes input, at node version 2: two good items and one bad one (the middle one) per run. Each run
// asserts where every item arrives, that n8n can follow its paired item (a Code node after each
// output reads $('Items').item), and what reached Metakocka (the sandbox) and Postgres.
import { randomUUID } from 'crypto';
import { readFileSync } from 'fs';
import { join } from 'path';
import type { Pool } from 'pg';

import type { N8nClient, WorkflowJson } from '../../scripts/e2e/harness';
import { adaptWorkflow } from '../../scripts/e2e/harness';
import { client, pool, sandbox, stack } from './helpers';

type OnError = 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
type Json = Record<string, any>;

const PACKAGE = 'n8n-nodes-metakocka';
const NODE = 'Metakocka';

// After each output: a Code node that reads the item it came from, as a user's next node would.
const FOLLOW = `return { json: { paired: $('Items').item.json, error: $json.error ?? null } };`;

function workflow(path: string, items: Json[], node: { type: string; parameters: Json }, onError: OnError): WorkflowJson {
	const code = (name: string, x: number) => ({
		id: randomUUID(),
		name,
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [x, 0] as [number, number],
		parameters: { mode: 'runOnceForEachItem', jsCode: FOLLOW },
	});
	const wf: WorkflowJson = {
		name: `error-output ${path}`,
		nodes: [
			{ id: randomUUID(), name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: randomUUID(), parameters: { path, httpMethod: 'POST', responseMode: 'onReceived' } },
			{ id: randomUUID(), name: 'Items', type: 'n8n-nodes-base.code', typeVersion: 2, position: [200, 0], parameters: { jsCode: `return ${JSON.stringify(items.map((json) => ({ json })))};` } },
			{ id: randomUUID(), name: NODE, type: `${PACKAGE}.${node.type}`, typeVersion: 2, position: [400, 0], parameters: node.parameters, onError },
			code('After Success', 600),
			code('After Error', 600),
		],
		connections: {
			Webhook: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
			Items: { main: [[{ node: NODE, type: 'main', index: 0 }]] },
			[NODE]: { main: [[{ node: 'After Success', type: 'main', index: 0 }], ...(onError === 'continueErrorOutput' ? [[{ node: 'After Error', type: 'main', index: 0 }]] : [])] },
		},
		settings: { executionOrder: 'v1' },
	};
	return adaptWorkflow(wf, { credentials: stack().credentials, schema: stack().schema });
}

async function run(n8n: N8nClient, wf: WorkflowJson, path: string) {
	const created = await n8n.createWorkflow(wf);
	await n8n.activate(created.id);
	try {
		const known = (await n8n.executions(created.id)).map((e) => String(e.id));
		const response = await n8n.webhook(path, {});
		expect(response.status).toBe(200);
		return await n8n.waitForExecution(created.id, { knownIds: known, timeoutMs: 60000 });
	} finally {
		await n8n.deactivate(created.id).catch(() => undefined);
	}
}

let db: Pool;
const rows = async (sql: string, params: unknown[]): Promise<string[]> => (await db.query(sql, params)).rows.map((r) => String(Object.values(r)[0])).sort();
const table = (name: string) => `"${stack().schema}".${name}`;

// A new partner needs its address (Metakocka expects street, post number, city and country).
const ADDRESS = { street: 'Slovenska 1', postCode: '1000', city: 'Ljubljana', country: 'SI' };
const DOC_PARTNER = { customer: 'EO Dokument d.o.o.', street: 'Slovenska 1', post_number: '1000', place: 'Ljubljana', country: 'SI' };
const LINES = [{ code: 'VIJ-M8-50', amount: 1, price: 0.32, tax: 'EX4' }];

/** The unit tests' IMAP item, from a seeded partner, with its own Message-ID. */
function email(messageId: string): Json {
	const raw = readFileSync(join(__dirname, '..', 'src', 'email', 'fixtures', 'imap-simple.json'), 'utf8').split('janez.novak@podjetje.si').join('janez.novak@kovinarstvo-novak.si');
	const item = JSON.parse(raw);
	item.metadata['message-id'] = messageId;
	return item;
}

interface Case {
	node: string;
	operation: string;
	parameters: Json;
	items: (tag: string) => Json[];
	badMessage: RegExp;
	/** Metakocka write methods; with Stop Workflow none may have been called. */
	writes: string[];
	/** What this run wrote to Metakocka (sorted), from the sandbox's state. */
	inMetakocka: (state: Json, tag: string) => string[];
	/** What this run wrote to Postgres (sorted). */
	inPostgres: (tag: string) => Promise<string[]>;
	/** What items 0 and 2 write: [Metakocka, Postgres]. */
	expectWritten: (tag: string) => [string[], string[]];
}

const CASES: Case[] = [
	{
		node: 'metakockaContact',
		operation: 'Sync',
		parameters: { resource: 'partner', operation: 'sync', crmId: '={{ $json.id }}', syncOptions: {} },
		items: (tag) => [
			{ id: `eo-${tag}-0`, name: `EO ${tag} A`, email: `a-${tag}@example.com`, ...ADDRESS },
			{ id: `eo-${tag}-1`, name: 'X'.repeat(101), email: `b-${tag}@example.com`, ...ADDRESS },
			{ id: `eo-${tag}-2`, name: `EO ${tag} C`, email: `c-${tag}@example.com`, ...ADDRESS },
		],
		badMessage: /must be at most 100 characters/,
		writes: ['add_partner', 'update_partner'],
		inMetakocka: (state, tag) => state.partners.filter((p: Json) => String(p.customer).startsWith(`EO ${tag} `)).map((p: Json) => p.customer).sort(),
		inPostgres: (tag) => rows(`SELECT crm_id FROM ${table('metakocka_contact_mappings')} WHERE crm_id LIKE $1`, [`eo-${tag}-%`]),
		expectWritten: (tag) => [[`EO ${tag} A`, `EO ${tag} C`], [`eo-${tag}-0`, `eo-${tag}-2`]],
	},
	{
		node: 'metakockaSalesDocument',
		operation: 'Create',
		parameters: {
			resource: 'salesDocument',
			operation: 'create',
			docType: 'sales_order',
			partnerSource: 'json',
			partnerJson: '={{ $json.partner }}',
			docDate: '={{ $json.date }}',
			linesSource: 'json',
			linesJson: '={{ $json.lines }}',
			additionalFields: { title: '={{ $json.title }}' },
		},
		items: (tag) => [
			{ title: `EO ${tag} A`, date: '2026-03-02', partner: DOC_PARTNER, lines: LINES },
			{ title: `EO ${tag} B`, date: '2026-02-30', partner: DOC_PARTNER, lines: LINES },
			{ title: `EO ${tag} C`, date: '2026-03-03', partner: DOC_PARTNER, lines: LINES },
		],
		badMessage: /is not a day in the calendar/,
		writes: ['put_document', 'add_partner'],
		inMetakocka: (state, tag) => (state.documents.sales_order as Json[]).filter((d) => String(d.title).startsWith(`EO ${tag} `)).map((d) => d.title).sort(),
		inPostgres: async () => [],
		expectWritten: (tag) => [[`EO ${tag} A`, `EO ${tag} C`], []],
	},
	{
		node: 'metakockaProduct',
		operation: 'Sync',
		parameters: { resource: 'product', operation: 'sync', crmId: '={{ $json.id }}', code: '={{ $json.code }}', name: '={{ $json.name }}', syncOptions: {} },
		items: (tag) => [
			{ id: `eo-${tag}-0`, code: `E${tag.slice(-9)}A`, name: `EO ${tag} A` },
			{ id: `eo-${tag}-1`, code: 'X'.repeat(21), name: `EO ${tag} B` },
			{ id: `eo-${tag}-2`, code: `E${tag.slice(-9)}C`, name: `EO ${tag} C` },
		],
		badMessage: /at most 20 characters/,
		writes: ['product_add', 'product_update'],
		inMetakocka: (state, tag) => (state.products as Json[]).filter((p) => String(p.name).startsWith(`EO ${tag} `)).map((p) => p.name).sort(),
		inPostgres: (tag) => rows(`SELECT crm_id FROM ${table('metakocka_product_mappings')} WHERE crm_id LIKE $1`, [`eo-${tag}-%`]),
		expectWritten: (tag) => [[`EO ${tag} A`, `EO ${tag} C`], [`eo-${tag}-0`, `eo-${tag}-2`]],
	},
	{
		node: 'metakockaTemplate',
		operation: 'Create',
		parameters: { resource: 'template', operation: 'create', name: '={{ $json.name }}', subject: 'Re: {{subject}}', body: '={{ $json.body }}', additionalFields: {} },
		items: (tag) => [
			{ name: `eo-${tag}-0`, body: 'Pozdravljeni {{name}}' },
			{ name: `eo-${tag}-1`, body: '{{#if name}}never closed' },
			{ name: `eo-${tag}-2`, body: 'Hvala, {{name}}' },
		],
		badMessage: /is not a valid template/,
		writes: [],
		inMetakocka: () => [],
		inPostgres: (tag) => rows(`SELECT name FROM ${table('email_templates')} WHERE name LIKE $1`, [`eo-${tag}-%`]),
		expectWritten: (tag) => [[], [`eo-${tag}-0`, `eo-${tag}-2`]],
	},
	{
		node: 'metakockaEmailEnricher',
		operation: 'Enrich',
		parameters: { operation: 'enrich', inputMode: 'auto', storeLinks: true, options: { ownDomains: 'firma.si' } },
		items: (tag) => [email(`<eo-${tag}-0@example.com>`), { subject: 'not an email' }, email(`<eo-${tag}-2@example.com>`)],
		badMessage: /missing or unusable/,
		writes: [],
		inMetakocka: () => [],
		inPostgres: (tag) => rows(`SELECT DISTINCT message_id FROM ${table('email_metakocka_contact_mappings')} WHERE message_id LIKE $1`, [`<eo-${tag}-%`]),
		expectWritten: (tag) => [[], [`<eo-${tag}-0@example.com>`, `<eo-${tag}-2@example.com>`]],
	},
	{
		node: 'metakockaAiContext',
		operation: 'Build Context',
		parameters: { operation: 'buildContext', source: 'ids', partnerId: '={{ $json.partnerId }}', productIds: '', emailText: '={{ $json.text }}', contextOptions: {} },
		items: () => [
			{ partnerId: '__PARTNER__', text: 'Kje je moje naročilo?' },
			{ partnerId: 'abc', text: 'Kje je moje naročilo?' },
			{ partnerId: '__PARTNER__', text: 'Prosim za ponudbo.' },
		],
		badMessage: /partner/i,
		writes: [],
		inMetakocka: () => [],
		inPostgres: async () => [],
		expectWritten: () => [[], []],
	},
];

const WRITE_METHODS = ['add_partner', 'update_partner', 'put_document', 'update_document', 'product_add', 'product_update'];

describe('e2e: On Error settings route good and bad items, one operation of each node (version 2)', () => {
	let n8n: N8nClient;
	let partnerId: string;
	beforeAll(async () => {
		n8n = client();
		db = pool();
		partnerId = (await sandbox.get('state')).partners[0].mk_id;
	});
	afterAll(async () => db.end());

	const itemsOf = (c: Case, tag: string) => JSON.parse(JSON.stringify(c.items(tag)).split('__PARTNER__').join(partnerId)) as Json[];
	const writeCalls = async () => {
		const counters = await sandbox.get<Record<string, number>>('counters');
		return WRITE_METHODS.reduce((n, m) => n + (counters[m] ?? 0), 0);
	};

	for (const c of CASES) {
		const label = `${c.node} → ${c.operation}`;

		it(`${label}: Stop Workflow fails the node on item 1 before anything is written`, async () => {
			const tag = `s${Date.now()}`;
			const items = itemsOf(c, tag);
			await sandbox.post('counters/reset');
			const result = await run(n8n, workflow(`eo-${tag}`, items, { type: c.node, parameters: c.parameters }, 'stopWorkflow'), `eo-${tag}`);
			expect(result.status).toBe('error');
			expect(result.errors[NODE]).toMatch(c.badMessage);
			expect(result.nodeErrors[NODE].context?.itemIndex).toBe(1);
			expect(result.outputs['After Success']).toBeUndefined();
			expect(c.inMetakocka(await sandbox.get('state'), tag)).toEqual([]);
			expect(await c.inPostgres(tag)).toEqual([]);
			expect(await writeCalls()).toBe(0);
		});

		it(`${label}: Continue puts the error item on the main output in input order; every item keeps its pairing`, async () => {
			const tag = `c${Date.now()}`;
			const items = itemsOf(c, tag);
			await sandbox.post('counters/reset');
			const result = await run(n8n, workflow(`eo-${tag}`, items, { type: c.node, parameters: c.parameters }, 'continueRegularOutput'), `eo-${tag}`);
			expect(result.status).toBe('success');
			const [main, second] = result.outputs[NODE];
			expect(second ?? []).toEqual([]);
			expect(main.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expect(main.map((i) => i.json.error === undefined)).toEqual([true, false, true]);
			expect(main[1].json.error).toMatch(c.badMessage);
			// The details reach the next node in the item's JSON (n8n cuts the JSON of items with item.error set).
			expect(main[1].json.details).toMatchObject({ type: 'input', itemIndex: 1 });
			expect(result.outputs['After Success'][0].map((i) => i.json.paired)).toEqual(items);
			const [mk, pg] = c.expectWritten(tag);
			expect(c.inMetakocka(await sandbox.get('state'), tag)).toEqual(mk);
			expect(await c.inPostgres(tag)).toEqual(pg);
			if (!c.writes.length) expect(await writeCalls()).toBe(0);
		});

		it(`${label}: Continue (using error output) sends the bad item to output 2 and the good ones to output 1, both paired`, async () => {
			const tag = `e${Date.now()}`;
			const items = itemsOf(c, tag);
			await sandbox.post('counters/reset');
			const result = await run(n8n, workflow(`eo-${tag}`, items, { type: c.node, parameters: c.parameters }, 'continueErrorOutput'), `eo-${tag}`);
			expect(result.status).toBe('success');
			const [good, bad] = result.outputs[NODE];
			expect(good.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
			expect(good.every((i) => i.json.error === undefined)).toBe(true);
			expect(bad.map((i) => i.pairedItem)).toEqual([{ item: 1 }]);
			expect(bad[0].json.error).toMatch(c.badMessage);
			expect(bad[0].json.details).toMatchObject({ type: 'input', itemIndex: 1 });
			// n8n merges the failed input item under the error item: the failed data is at hand.
			expect(bad[0].json).toMatchObject(Object.fromEntries(Object.entries(items[1]).filter(([k]) => k !== 'error' && k !== 'details')));
			expect(result.outputs['After Success'][0].map((i) => i.json.paired)).toEqual([items[0], items[2]]);
			expect(result.outputs['After Error'][0].map((i) => i.json.paired)).toEqual([items[1]]);
			const [mk, pg] = c.expectWritten(tag);
			expect(c.inMetakocka(await sandbox.get('state'), tag)).toEqual(mk);
			expect(await c.inPostgres(tag)).toEqual(pg);
			if (!c.writes.length) expect(await writeCalls()).toBe(0);
		});
	}
});
