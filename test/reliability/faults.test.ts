import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { MetakockaContact } from '../../nodes/MetakockaContact/MetakockaContact.node';
import { MetakockaProduct } from '../../nodes/MetakockaProduct/MetakockaProduct.node';
import { MetakockaSalesDocument } from '../../nodes/MetakockaSalesDocument/MetakockaSalesDocument.node';
import type { FaultSpec } from '../../src/sandbox';
import { report } from './helpers/capture';
import {
	CONTACT_PARAMS,
	DOCUMENT_PARAMS,
	PRODUCT_PARAMS,
	captureErrorLog,
	runNode,
	sleep,
	startEnv,
	type ReliabilityEnv,
} from './helpers/harness';

// 1,000 contacts, 300 documents and a few products through the nodes' execute() with Continue On
// Fail, against a sandbox where ~10% of calls fail: the sandbox's seeded random faults (HTTP 503,
// dropped connections, opr_code errors, writes applied but answered never) plus scheduled ones
// (HTTP 500, answers held past the client's timeout while the write still lands). Then a re-run
// with faults off must finish the rest, with no duplicate anywhere.

const N_CONTACTS = 1000;
const N_DOCUMENTS = 300;
const N_PRODUCTS = 8;
const CONTACT_BATCH = 100;
const DOCUMENT_BATCH = 50;
/** Longer than the suite's 1 s client timeout: the client gives up, the sandbox applies the write later. */
const HELD_MS = 1800;

const contactNode = new MetakockaContact();
const productNode = new MetakockaProduct();
const documentNode = new MetakockaSalesDocument();

const contacts: IDataObject[] = Array.from({ length: N_CONTACTS }, (_, i) => ({
	id: `rel-c-${i}`,
	name: `Reliability Stranka ${i} d.o.o.`,
	email: `stranka${i}@reliability.si`,
	phone: `+386 1 ${String(1000000 + i)}`,
	street: `Dunajska cesta ${i + 1}`,
	postCode: '1000',
	city: 'Ljubljana',
	country: 'SI',
	...(i % 3 === 0 ? { taxNumber: `SI${String(20000000 + i)}` } : {}),
	isCompany: i % 2 === 0,
}));

const products: IDataObject[] = Array.from({ length: N_PRODUCTS }, (_, k) => ({
	id: `rel-p-${k}`,
	sku: `REL-SKU-${k}`,
	countCode: `REL-CC-${k}`,
	title: `Reliability izdelek ${k} – ščž`,
	price: `${k + 1},50`,
}));

const documents: IDataObject[] = Array.from({ length: N_DOCUMENTS }, (_, j) => ({
	id: `rel-d-${j}`,
	type: j % 5 === 0 ? 'sales_offer' : 'sales_order',
	contactId: `rel-c-${(j * 7) % N_CONTACTS}`,
	date: j % 2 ? '2026-08-20' : '20.08.2026',
	number: `REL-${j}`,
	lines: [
		{ productCrmId: `rel-p-${j % N_PRODUCTS}`, amount: '2,5', price: 10, tax: 'EX4' },
		{ productCrmId: `rel-p-${(j + 3) % N_PRODUCTS}`, amount: 1, price: '3,20', tax: 'EX4' },
	],
}));

let env: ReliabilityEnv;

beforeAll(async () => {
	env = await startEnv({ faultRate: 0.085, faultSeed: 20260807 });
});
afterAll(async () => env?.close());

type Entity = 'contact' | 'product' | 'document';

const params: Record<Entity, typeof CONTACT_PARAMS> = { contact: CONTACT_PARAMS, product: PRODUCT_PARAMS, document: DOCUMENT_PARAMS };
const nodes = { contact: contactNode, product: productNode, document: documentNode };

async function sync(entity: Entity, items: IDataObject[]): Promise<INodeExecutionData[]> {
	const run = await runNode(nodes[entity], {
		params: { ...params[entity], mappingStore: env.mappingStore },
		items,
		credentials: env.credentials(),
		continueOnFail: true,
	});
	// With Continue On Fail the node itself never fails: every problem stays on its item.
	expect(run.error).toBeUndefined();
	expect(run.items.map((o) => o.pairedItem)).toEqual(items.map((_, i) => ({ item: i })));
	return run.items;
}

/** Scheduled faults for one batch, on top of the random ones. */
function schedule(entity: Entity): void {
	const specs: Record<Entity, FaultSpec[]> = {
		contact: [
			{ method: 'add_partner', kind: 'timeout', delayMs: HELD_MS },
			{ method: 'get_partner', kind: 'timeout', delayMs: HELD_MS },
			{ method: 'add_partner', kind: 'http_500' },
			{ method: 'get_partner', kind: 'http_500' },
		],
		document: [
			{ method: 'put_document', kind: 'timeout', delayMs: HELD_MS },
			{ method: 'put_document', kind: 'http_500' },
			{ method: 'search', kind: 'http_500' },
			{ method: 'product_list', kind: 'timeout', delayMs: HELD_MS },
		],
		product: [
			{ method: 'product_add', kind: 'timeout', delayMs: HELD_MS },
			{ method: 'product_list', kind: 'http_500' },
		],
	};
	for (const spec of specs[entity]) env.sandbox.injectFault(spec);
}

async function runInBatches(entity: Entity, items: IDataObject[], size: number): Promise<INodeExecutionData[]> {
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i += size) {
		schedule(entity);
		out.push(...(await sync(entity, items.slice(i, i + size))));
	}
	return out;
}

const failedOf = (out: INodeExecutionData[]) => out.filter((o) => o.json.error !== undefined);

/** Each failed item carries a message a person can act on, and the code/field that explains it. */
function expectClearFailures(out: INodeExecutionData[], batch: number): void {
	out.forEach((o, i) => {
		if (o.json.error === undefined) {
			expect(['created', 'updated', 'unchanged']).toContain(o.json.status);
			return;
		}
		const message = String(o.json.error);
		expect(message.length).toBeGreaterThan(20);
		if (o.json.field !== undefined) {
			// Input problems (e.g. the contact of a document failed to sync) name the item and the field.
			expect(message).toContain(`Item ${i % batch}: field "${String(o.json.field)}"`);
		} else if (o.json.code !== undefined) {
			expect(message).toMatch(/Metakocka|outcome of/i);
			expect(typeof o.json.method).toBe('string');
		} else {
			expect(message).toMatch(/Postgres|Metakocka/);
		}
	});
}

interface Audit {
	duplicates: number;
	/** Records of this run in the sandbox that no mapping points at. */
	unmapped: number;
	/** Mappings whose Metakocka object is missing or holds other data. */
	wrongMappings: number;
	partners: number;
	documents: number;
	products: number;
	mapped: { contacts: number; documents: number; products: number };
}

/** Compares the sandbox's state with the mapping tables, record by record. */
async function audit(): Promise<Audit> {
	const state = env.sandbox.store();
	const companyId = env.companies[0].companyId;
	const q = async (table: string) =>
		(
			await env.pool.query(
				`SELECT crm_id, mk_id, ${table.includes('document') ? 'doc_type' : 'NULL AS doc_type'}, count_code FROM "${env.schema}".${table} WHERE company_id = $1`,
				[companyId],
			)
		).rows as Array<{
			crm_id: string;
			mk_id: string;
			doc_type: string | null;
			count_code: string | null;
		}>;
	const contactMaps = await q('metakocka_contact_mappings');
	const productMaps = await q('metakocka_product_mappings');
	const documentMaps = await q('metakocka_sales_document_mappings');

	let duplicates = 0;
	let unmapped = 0;
	let wrongMappings = 0;
	const dupes = (keys: string[]) => keys.length - new Set(keys).size;

	// Partners
	const runPartners = state.partners.filter((p) => String(p.customer).startsWith('Reliability Stranka '));
	duplicates += dupes(runPartners.map((p) => String(p.customer)));
	const partnerById = new Map(state.partners.map((p) => [String(p.mk_id), p]));
	const contactByCrm = new Map(contacts.map((c) => [String(c.id), c]));
	const mappedPartnerIds = new Set(contactMaps.map((m) => m.mk_id));
	unmapped += runPartners.filter((p) => !mappedPartnerIds.has(String(p.mk_id))).length;
	duplicates += dupes(contactMaps.map((m) => m.mk_id));
	for (const m of contactMaps) {
		const crm = contactByCrm.get(m.crm_id);
		const p = partnerById.get(m.mk_id) as { customer?: string; partner_contact_list?: Array<{ email?: string }>; tax_id_number?: string } | undefined;
		const ok =
			!!crm &&
			!!p &&
			p.customer === crm.name &&
			(p.partner_contact_list ?? []).some((ct) => ct.email === crm.email) &&
			(crm.taxNumber === undefined || p.tax_id_number === crm.taxNumber);
		if (!ok) wrongMappings++;
	}

	// Products
	const runProducts = state.products.filter((p) => String(p.code ?? '').startsWith('REL-SKU-'));
	duplicates += dupes(runProducts.map((p) => String(p.code)));
	const productById = new Map(state.products.map((p) => [String(p.mk_id), p]));
	const productByCrm = new Map(products.map((p) => [String(p.id), p]));
	const mappedProductIds = new Set(productMaps.map((m) => m.mk_id));
	unmapped += runProducts.filter((p) => !mappedProductIds.has(String(p.mk_id))).length;
	for (const m of productMaps) {
		const crm = productByCrm.get(m.crm_id);
		const p = productById.get(m.mk_id);
		if (!crm || !p || p.code !== crm.sku || p.name !== crm.title || p.count_code !== crm.countCode) wrongMappings++;
	}

	// Documents
	// This run's documents are those of this run's partners: a held put_document that lands after a
	// resend gets an automatic number instead of the taken count code, so the count code alone would miss it.
	const runDocs = Object.entries(state.documents).flatMap(([docType, list]) =>
		list
			.filter((d) => String((d.partner as { customer?: string } | undefined)?.customer ?? '').startsWith('Reliability Stranka '))
			.map((d): Record<string, unknown> => ({ ...d, doc_type: docType })),
	);
	duplicates += dupes(runDocs.map((d) => `${d.doc_type}|${String(d.count_code)}`));
	duplicates += runDocs.filter((d) => !String(d.count_code ?? '').startsWith('REL-')).length;
	const docByKey = new Map(runDocs.map((d) => [`${d.doc_type}|${String(d.mk_id)}`, d]));
	const mappedDocKeys = new Set(documentMaps.map((m) => `${m.doc_type}|${m.mk_id}`));
	unmapped += runDocs.filter((d) => !mappedDocKeys.has(`${d.doc_type}|${String(d.mk_id)}`)).length;
	const docByCrm = new Map(documents.map((d) => [String(d.id), d]));
	const contactMk = new Map(contactMaps.map((m) => [m.crm_id, m.mk_id]));
	const productMk = new Map(productMaps.map((m) => [m.crm_id, m.mk_id]));
	for (const m of documentMaps) {
		const crm = docByCrm.get(m.crm_id);
		const d = docByKey.get(`${m.doc_type}|${m.mk_id}`) as
			| { count_code?: string; partner?: { mk_id?: string }; product_list?: Array<{ mk_id?: string; amount?: string }> }
			| undefined;
		const lines = (crm?.lines ?? []) as Array<{ productCrmId: string }>;
		const ok =
			!!crm &&
			!!d &&
			m.doc_type === crm.type &&
			d.count_code === crm.number &&
			d.partner?.mk_id === contactMk.get(String(crm.contactId)) &&
			(d.product_list ?? []).length === lines.length &&
			lines.every((l, n) => d.product_list?.[n]?.mk_id === productMk.get(l.productCrmId)) &&
			d.product_list?.[0]?.amount === '2.5';
		if (!ok) wrongMappings++;
	}

	return {
		duplicates,
		unmapped,
		wrongMappings,
		partners: runPartners.length,
		documents: runDocs.length,
		products: runProducts.length,
		mapped: { contacts: contactMaps.length, documents: documentMaps.length, products: productMaps.length },
	};
}

describe('sync under ~10% injected faults, then a clean re-run', () => {
	const failedFirstRun: Record<Entity, number> = { contact: 0, product: 0, document: 0 };
	let firstAudit: Audit;
	let callsFirstRun = 0;

	it('run 1 (faults on): every failure stays on its own item with a clear message; nothing is duplicated or mapped wrongly', async () => {
		const productOut = await runInBatches('product', products, N_PRODUCTS);
		const contactOut = await runInBatches('contact', contacts, CONTACT_BATCH);
		const documentOut = await runInBatches('document', documents, DOCUMENT_BATCH);
		callsFirstRun = Object.entries(env.sandbox.counters())
			.filter(([k]) => !k.startsWith('__'))
			.reduce((a, [, v]) => a + v, 0);
		env.sandbox.setFaultRate(0);
		env.sandbox.clearFaults();
		// Held writes land after the client gave up on them; let them all land before looking.
		await sleep(HELD_MS + 500);

		expectClearFailures(productOut, N_PRODUCTS);
		expectClearFailures(contactOut, CONTACT_BATCH);
		expectClearFailures(documentOut, DOCUMENT_BATCH);
		failedFirstRun.product = failedOf(productOut).length;
		failedFirstRun.contact = failedOf(contactOut).length;
		failedFirstRun.document = failedOf(documentOut).length;

		// The faults really happened, in every kind the brief asks for.
		const f = env.sandbox.faults;
		expect(f.http_500).toBeGreaterThan(0);
		expect(f.http_503).toBeGreaterThan(0);
		expect(f.drop).toBeGreaterThan(0);
		expect(f.timeout).toBeGreaterThan(0);
		expect(f.opr_error).toBeGreaterThan(0);
		expect(f.applied_lost).toBeGreaterThan(0);
		expect(env.sandbox.totalFaults() / callsFirstRun).toBeGreaterThan(0.07);
		expect(failedFirstRun.contact).toBeGreaterThan(0);

		firstAudit = await audit();
		expect(firstAudit.duplicates).toBe(0);
		expect(firstAudit.wrongMappings).toBe(0);
		// Every item reported as synced has its mapping, pointing at its own record.
		const synced = contactOut.filter((o) => o.json.error === undefined);
		expect(firstAudit.mapped.contacts).toBeGreaterThanOrEqual(synced.length);
	});

	it('run 2 (faults off): finishes the rest: exactly 1,000 partners and 300 documents, no duplicates, every mapping correct', async () => {
		const productOut = await sync('product', products);
		const contactOut = await sync('contact', contacts);
		const documentOut = await sync('document', documents);
		for (const out of [productOut, contactOut, documentOut]) {
			expect(failedOf(out).map((o) => o.json.error)).toEqual([]);
		}
		// Items that failed in run 1 are the ones written now; the rest cost no write.
		const written = contactOut.filter((o) => o.json.status !== 'unchanged').length;
		expect(written).toBeLessThanOrEqual(failedFirstRun.contact);

		const final = await audit();
		expect(final).toMatchObject({
			duplicates: 0,
			unmapped: 0,
			wrongMappings: 0,
			partners: N_CONTACTS,
			documents: N_DOCUMENTS,
			products: N_PRODUCTS,
			mapped: { contacts: N_CONTACTS, documents: N_DOCUMENTS, products: N_PRODUCTS },
		});

		// A third run is a no-op: no Metakocka write at all.
		const before = env.sandbox.counters();
		const again = await sync('contact', contacts);
		expect(again.every((o) => o.json.status === 'unchanged')).toBe(true);
		expect(env.sandbox.counters().add_partner ?? 0).toBe(before.add_partner ?? 0);
		expect(env.sandbox.counters().update_partner ?? 0).toBe(before.update_partner ?? 0);

		const logged = await captureErrorLog(env.pool, env.schema);
		expect(logged).toBeGreaterThan(0);

		const f = env.sandbox.faults;
		report(
			`faults: ${env.sandbox.totalFaults()} injected in ${callsFirstRun} calls (http_500 ${f.http_500}, http_503 ${f.http_503}, drop ${f.drop}, ` +
				`timeout ${f.timeout}, opr_error ${f.opr_error}, applied_lost ${f.applied_lost}); items failed in run 1: ` +
				`contacts ${failedFirstRun.contact}/${N_CONTACTS}, documents ${failedFirstRun.document}/${N_DOCUMENTS}, products ${failedFirstRun.product}/${N_PRODUCTS}; ` +
				`left unmapped after run 1 and adopted in run 2: ${firstAudit.unmapped}; duplicates found: ${final.duplicates}; ` +
				`mappings lost: ${final.unmapped + final.wrongMappings}; error-log rows: ${logged}`,
		);
	});
});
