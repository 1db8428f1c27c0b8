import type { IDataObject, INodeType } from 'n8n-workflow';

import { MetakockaContact } from '../../nodes/MetakockaContact/MetakockaContact.node';
import { MetakockaEmailEnricher } from '../../nodes/MetakockaEmailEnricher/MetakockaEmailEnricher.node';
import { MetakockaProduct } from '../../nodes/MetakockaProduct/MetakockaProduct.node';
import { MetakockaSalesDocument } from '../../nodes/MetakockaSalesDocument/MetakockaSalesDocument.node';
import { MetakockaTemplate } from '../../nodes/MetakockaTemplate/MetakockaTemplate.node';
import type { FakeRun } from '../helpers/n8n';
import { captureState, registerSecret, report, scanForSecrets } from './helpers/capture';
import { CONTACT_PARAMS, DOCUMENT_PARAMS, PRODUCT_PARAMS, WRITE_METHODS, captureErrorLog, newSecret, runNode, startEnv, type Company, type ReliabilityEnv } from './helpers/harness';

// Two Metakocka companies in one database and one process: nothing read or written crosses
// between them. Templates cannot reach prototypes or the process. And the secret keys never show
// up in anything the nodes produce, including under failure (wrong key, Metakocka errors).

const contact = new MetakockaContact();
const product = new MetakockaProduct();
const document = new MetakockaSalesDocument();
const template = new MetakockaTemplate();
const enricher = new MetakockaEmailEnricher();

let env: ReliabilityEnv;
let A: Company;
let B: Company;

beforeAll(async () => {
	env = await startEnv({ companies: 2 });
	[A, B] = env.companies;
});
afterAll(async () => env?.close());

const run = (node: INodeType, company: Company, params: FakeRun['params'], items: IDataObject[] = [{}], continueOnFail = false) =>
	runNode(node, { params: { ...params, mappingStore: env.mappingStore }, items, credentials: env.credentials(company), continueOnFail });

const crmContacts = (company: string, n = 50) =>
	Array.from({ length: n }, (_, i) => ({ id: `iso-${i}`, name: `${company} Stranka ${i}`, email: `iso${i}@stranka.si`, taxNumber: `SI${String(50000000 + i)}`, street: 'Slovenska 1', postCode: '1000', city: 'Ljubljana', country: 'SI' }));

describe('two companies in one database and one process', () => {
	it('the same CRM ids sync to each company separately; a sync for A leaves B\'s partners and mappings exactly as they were', async () => {
		const outB = await run(contact, B, CONTACT_PARAMS, crmContacts('B'));
		expect(outB.items.every((o) => o.json.status === 'created')).toBe(true);
		const bStore = env.sandbox.store(B.companyId);
		const bMappings = (await env.pool.query(`SELECT * FROM "${env.schema}".metakocka_contact_mappings WHERE company_id = $1 ORDER BY id`, [B.companyId])).rows;

		// Same CRM ids, same emails and tax numbers for A: nothing of B may be adopted, read or touched.
		const outA = await run(contact, A, CONTACT_PARAMS, crmContacts('A'));
		expect(outA.items.map((o) => o.json.status)).toEqual(outA.items.map(() => 'created'));
		expect(outA.items.every((o) => o.json.matchedExisting === false)).toBe(true);
		const aIds = new Set(env.sandbox.store(A.companyId).partners.map((p) => p.mk_id));
		for (const o of outA.items) expect(aIds.has(o.json.mkId)).toBe(true);
		for (const o of outB.items) expect(aIds.has(o.json.mkId)).toBe(false);

		expect(env.sandbox.store(B.companyId)).toEqual(bStore);
		const bAfter = (await env.pool.query(`SELECT * FROM "${env.schema}".metakocka_contact_mappings WHERE company_id = $1 ORDER BY id`, [B.companyId])).rows;
		expect(bAfter).toEqual(bMappings);

		// Get Mappings for A lists A's only.
		const mapsA = await run(contact, A, { resource: 'partner', operation: 'getMappings', crmIds: '', returnAll: true });
		expect(mapsA.items).toHaveLength(50);
		expect(mapsA.items.every((o) => o.json.companyId === A.companyId)).toBe(true);
	});

	it('a document for A cannot use a contact or product only B has synced, and writes nothing', async () => {
		const p = await run(product, B, PRODUCT_PARAMS, [{ id: 'iso-p-1', sku: 'ISO-B-1', title: 'B izdelek', price: '1,00' }]);
		expect(p.items[0].json.status).toBe('created');
		await run(contact, B, CONTACT_PARAMS, [{ id: 'iso-only-b', name: 'Only B d.o.o.', email: 'onlyb@stranka.si', street: 'Slovenska 1', postCode: '1000', city: 'Ljubljana', country: 'SI' }]);
		const before = WRITE_METHODS.reduce((n, m) => n + (env.sandbox.counters()[m] ?? 0), 0);
		const bStore = env.sandbox.store(B.companyId);
		const out = await run(
			document,
			A,
			DOCUMENT_PARAMS,
			[
				{ id: 'iso-d-1', contactId: 'iso-only-b', date: '2026-08-20', number: 'ISO-1', lines: [{ code: 'VIJ-M8-50', amount: 1, price: 1, tax: 'EX4' }] },
				{ id: 'iso-d-2', contactId: 'iso-0', date: '2026-08-20', number: 'ISO-2', lines: [{ productCrmId: 'iso-p-1', amount: 1, price: 1, tax: 'EX4' }] },
			],
			true,
		);
		expect(String(out.items[0].json.error)).toContain('Item 0: field "partnerCrmId" has no Metakocka partner mapped to CRM contact "iso-only-b"');
		expect(String(out.items[1].json.error)).toContain('Item 1: field "lines.0.productCrmId" has no Metakocka product mapped to CRM product "iso-p-1"');
		expect(WRITE_METHODS.reduce((n, m) => n + (env.sandbox.counters()[m] ?? 0), 0)).toBe(before);
		expect(env.sandbox.store(B.companyId)).toEqual(bStore);
	});

	it('templates and email links of A are invisible to B', async () => {
		const created = await run(template, A, { resource: 'template', operation: 'create', name: 'iso-tpl', subject: 'A only', body: 'A {{x}}', additionalFields: {} });
		expect(created.error).toBeUndefined();
		const renderB = await run(template, B, { resource: 'template', operation: 'render', source: 'stored', templateName: 'iso-tpl', data: {}, options: {} });
		expect(renderB.error?.message).toContain(`"templateName" names no stored template: "iso-tpl" does not exist for company ${B.companyId}`);
		const listB = await run(template, B, { resource: 'template', operation: 'getAll', returnAll: true, filters: {} });
		expect(listB.items.map((o) => o.json.name)).not.toContain('iso-tpl');

		const email = { from: 'Kupec <iso0@stranka.si>', to: 'prodaja@firma.si', subject: 'Vprašanje', text: 'Pozdravljeni', messageId: '<iso-msg-1@stranka.si>' };
		const params = { operation: 'enrich', inputMode: 'auto', storeLinks: true, options: {} };
		const enrichedA = await run(enricher, A, params, [email]);
		const metaA = enrichedA.items[0].json.metakocka as IDataObject;
		expect((metaA.partners as IDataObject[]).map((p) => p.label)).toEqual(['A Stranka 0']);
		const linksB = await run(enricher, B, { operation: 'getMetadata', messageId: '<iso-msg-1@stranka.si>' });
		expect(JSON.stringify(linksB.items)).not.toContain('A Stranka 0');
		const rows = (await env.pool.query(`SELECT DISTINCT company_id FROM "${env.schema}".email_metakocka_contact_mappings`)).rows.map((r) => r.company_id);
		expect(rows).toEqual([A.companyId]);
	});
});

const ATTACKS: Array<[string, string, unknown]> = [
	['constructor chain', '{{constructor.constructor "return process.env"}}', {}],
	['lookup of __proto__', '{{lookup this "__proto__"}}|{{lookup (lookup this "__proto__") "constructor"}}', {}],
	['__proto__ path', '{{__proto__.constructor.name}}{{this.__proto__}}', {}],
	['each over the prototype', '{{#each this.__proto__}}{{@key}}={{this}};{{/each}}{{#each (lookup this "constructor")}}{{@key}}{{/each}}', {}],
	[
		'the classic Handlebars RCE gadget',
		'{{#with "s" as |string|}}{{#with "e"}}{{#with split as |conslist|}}{{this.pop}}{{this.push (lookup string.sub "constructor")}}{{this.pop}}' +
			'{{#with string.split as |codelist|}}{{this.pop}}{{this.push "return process.env.MK_RELIABILITY_PROCESS_MARKER;"}}{{this.pop}}' +
			'{{#each conslist}}{{#with (string.sub.apply 0 codelist)}}{{this}}{{/with}}{{/each}}{{/with}}{{/with}}{{/with}}{{/with}}',
		{},
	],
	['helper via constructor', '{{#with (lookup this "constructor") as |c|}}{{c.name}}{{#with c.constructor as |f|}}{{f "return 1"}}{{/with}}{{/with}}', {}],
	['data key __proto__', '{{x.polluted}}{{polluted}}', '{"__proto__": {"polluted": "yes"}, "x": {"constructor": {"prototype": {"polluted": "yes"}}}}'],
	['process through a helper argument', '{{upper (lookup this "process")}}{{default process "none"}}{{global.process.env.MK_RELIABILITY_PROCESS_MARKER}}', {}],
];

describe('templates cannot reach prototypes or the process', () => {
	const marker = newSecret('rel-process-marker');
	beforeAll(() => {
		// If a template could read the environment, this would show up in its output (and the scan).
		process.env.MK_RELIABILITY_PROCESS_MARKER = marker;
		registerSecret(marker);
	});
	afterAll(() => {
		delete process.env.MK_RELIABILITY_PROCESS_MARKER;
	});


	it.each(ATTACKS)('%s: rendered harmlessly or refused, never the process, never a polluted prototype', async (_name, body, data) => {
		const out = await run(template, A, { resource: 'template', operation: 'render', source: 'inline', subject: '', body, data, options: { escapeHtml: false } }, [{}], true);
		expect(out.error).toBeUndefined();
		const json = out.items[0].json;
		const text = JSON.stringify(json);
		if (json.error !== undefined) expect(String(json.error)).toMatch(/^Item 0: field "body" could not be rendered/);
		expect(text).not.toContain(marker);
		expect(text).not.toMatch(/\[object process\]|function \w*\(|native code|MK_RELIABILITY_RUN_DIR|PATH=/);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
	});
});

describe('secret keys never appear in anything the nodes produce', () => {
	it('a wrong key, Metakocka errors and network failures: the messages say what went wrong without the key', async () => {
		const wrong = newSecret('rel-wrong-key');
		registerSecret(wrong);
		const wrongCompany = { companyId: A.companyId, secretKey: wrong };
		const rejected = await run(contact, wrongCompany, CONTACT_PARAMS, [{ id: 'sec-1', name: 'Secret d.o.o.', email: 'sec@x.si', street: 'Slovenska 1', postCode: '1000', city: 'Ljubljana', country: 'SI' }], true);
		expect(String(rejected.items[0].json.error)).toMatch(/Wrong secret_key or company_id/);

		env.sandbox.injectFault({ kind: 'opr_error', method: 'add_partner' });
		const failed = await run(contact, A, CONTACT_PARAMS, [{ id: 'sec-2', name: 'Secret 2 d.o.o.', email: 'sec2@x.si', street: 'Slovenska 1', postCode: '1000', city: 'Ljubljana', country: 'SI' }], true);
		expect(String(failed.items[0].json.error)).toMatch(/Metakocka rejected add_partner/);

		const unreachable = await runNode(contact, {
			params: { ...CONTACT_PARAMS, mappingStore: env.mappingStore },
			items: [{ id: 'sec-3', name: 'Secret 3 d.o.o.', email: 'sec3@x.si', street: 'Slovenska 1', postCode: '1000', city: 'Ljubljana', country: 'SI' }],
			credentials: { ...env.credentials(A), metakockaApi: { ...env.credentials(A).metakockaApi, baseUrl: 'http://127.0.0.1:9' } },
			continueOnFail: true,
		});
		expect(String(unreachable.items[0].json.error)).toMatch(/Could not talk to Metakocka|ECONNREFUSED/);
		await captureErrorLog(env.pool, env.schema);

		// The scan over this file so far (the per-file scan at the end covers the rest).
		const state = captureState();
		expect(state.secrets.size).toBeGreaterThanOrEqual(4);
		expect(scanForSecrets(state.texts, state.secrets)).toEqual([]);
		// The scan itself works: a text with a key is a hit.
		expect(scanForSecrets([`x${wrong}y`], state.secrets)).toHaveLength(1);
		report(`isolation: 2 companies in one schema, 0 crossings; ${ATTACKS.length} template escapes refused or inert; secret scan of this file: ${state.texts.length} texts, 0 hits`);
	});
});
