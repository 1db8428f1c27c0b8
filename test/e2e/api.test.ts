// The REST API of the CRM this package replaces, as n8n webhook workflows (examples/api/*.json), in a
// real n8n: each workflow imported with the stack's credentials and a Header Auth credential created
// through n8n's REST API, activated, and every endpoint called over HTTP. The answers are checked
// against the original API's shapes and against the sandbox's and Postgres' state; calls without the
// header or with a wrong token are refused by n8n and change nothing.
import { randomBytes } from 'crypto';
import { readdirSync } from 'fs';
import { join } from 'path';
import type { Pool } from 'pg';

import { adaptWorkflow, readExample, ROOT, type CredentialRef, type N8nClient, type WorkflowJson } from '../../scripts/e2e/harness';
import { client, importAndActivate, pool, sandbox, stack, type Stack } from './helpers';

const API_DIR = join(ROOT, 'examples', 'api');
const FILES = ['contacts.json', 'emails-ai-context.json', 'emails-metakocka.json', 'emails-templates.json', 'sales-documents.json'];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type Auth = 'token' | 'none' | 'wrong' | 'otherHeader';

interface Reply {
	status: number;
	json: any;
	text: string;
}

describe('e2e: the original REST API as webhook workflows (examples/api/*.json)', () => {
	let s: Stack;
	let n8n: N8nClient;
	let db: Pool;
	let headerAuth: CredentialRef;
	const run = randomBytes(3).toString('hex');
	const token = randomBytes(24).toString('hex');
	// Its own schema: the links, mappings and cursors of this suite stay out of the other suites' way.
	let schema: string;
	const workflowIds: Record<string, string> = {};
	const activationWithoutCredential: Record<string, string> = {};
	let t0: string;

	// CRM data of this run: partners and orders that exist nowhere else in the sandbox.
	const contacts = [
		{ id: `api-c-${run}-1`, name: `API e2e Orodjarna Kos ${run} d.o.o.`, email: `narocila-${run}@orodjarna-kos.si`, phone: '01 600 10 10', street: 'Tržaška cesta 40', postCode: '1000', city: 'Ljubljana', country: 'Slovenia', taxNumber: `SI8${String(parseInt(run, 16) % 10_000_000).padStart(7, '0')}`, isCompany: true },
		{ id: `api-c-${run}-2`, name: `API e2e Vrtnarstvo Lipa ${run} s.p.`, email: `info-${run}@vrtnarstvo-lipa.si`, street: 'Gorenjska cesta 2', postCode: '4000', city: 'Kranj', country: 'Slovenia', isCompany: true },
	];
	const orders = [
		{ id: `api-o-${run}-1`, number: `API-${run}-1`, contactId: contacts[0].id, date: '2026-08-20', lines: [{ code: 'VIJ-M8-50', amount: 100, price: 0.32, tax: 'EX4' }] },
		{ id: `api-o-${run}-2`, number: `API-${run}-2`, contactId: contacts[1].id, date: '2026-08-21', lines: [{ code: 'BAR-LES-075', amount: 2, price: 14.9, tax: 'EX4' }] },
	];
	const emailId = `crm-email-${run}-1`;
	const email = {
		from: 'Janez Novak <janez.novak@kovinarstvo-novak.si>',
		to: 'Prodaja <prodaja@firma.si>',
		subject: 'Vprašanje o ponudbi PON-1001',
		text: 'Pozdravljeni,\n\nali ponudba PON-1001 še velja? Naročili bi po njej.\n\nLep pozdrav,\nJanez Novak',
	};

	/** One HTTP call to a production webhook; waits while n8n is still registering it after activation. */
	async function call(method: 'GET' | 'POST', path: string, { body, query, auth = 'token' }: { body?: unknown; query?: Record<string, string>; auth?: Auth } = {}): Promise<Reply> {
		const url = new URL(`${s.url}/webhook/${path}`);
		for (const [key, value] of Object.entries(query ?? {})) url.searchParams.set(key, value);
		const headers: Record<string, string> = {};
		if (body !== undefined) headers['content-type'] = 'application/json';
		if (auth === 'token') headers.authorization = `Bearer ${token}`;
		if (auth === 'wrong') headers.authorization = `Bearer ${token.slice(0, -1)}0`;
		if (auth === 'otherHeader') headers['x-api-key'] = `Bearer ${token}`;
		const started = Date.now();
		for (;;) {
			const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
			const text = await response.text();
			if (response.status === 404 && /not registered/.test(text) && Date.now() - started < 30000) {
				await sleep(300);
				continue;
			}
			let json: any;
			try {
				json = text ? JSON.parse(text) : undefined;
			} catch {
				json = undefined;
			}
			return { status: response.status, json, text };
		}
	}

	/** An API workflow with the stack's credentials, this suite's schema and, unless told otherwise, the Header Auth credential on its webhooks. */
	function apiWorkflow(file: string, { withHeaderAuth = true, name }: { withHeaderAuth?: boolean; name?: string } = {}): WorkflowJson {
		const workflow = adaptWorkflow(readExample(join(API_DIR, file)), { credentials: s.credentials, schema, name });
		for (const node of workflow.nodes) {
			if (node.type !== 'n8n-nodes-base.webhook') continue;
			expect(node.parameters).toMatchObject({ authentication: 'headerAuth', responseMode: 'responseNode' });
			node.credentials = withHeaderAuth ? { httpHeaderAuth: { id: headerAuth.id, name: headerAuth.name } } : {};
		}
		return workflow;
	}

	const stubRoot = () => s.openai!.baseUrl.replace(/\/v1$/, '');
	const stubRequests = async () => (await (await fetch(`${stubRoot()}/__stub/requests`)).json()) as Array<{ path: string; headers: any; body: any }>;

	beforeAll(async () => {
		s = stack();
		n8n = client(s);
		db = pool(s);
		schema = `${s.schema}_api`;
		await db.query(`CREATE SCHEMA "${schema}"`);
		headerAuth = await n8n.ensureCredential({ name: `Metakocka API token (e2e ${run})`, type: 'httpHeaderAuth', data: { name: 'Authorization', value: `Bearer ${token}` } });
		expect(readdirSync(API_DIR).filter((f) => f.endsWith('.json')).sort()).toEqual(FILES);
		for (const file of FILES) {
			// As imported from the file: the webhooks have no credential yet, and n8n will not publish them so.
			const bare = await n8n.createWorkflow(apiWorkflow(file, { withHeaderAuth: false, name: `api e2e without credential: ${file}` }));
			activationWithoutCredential[file] = await n8n.activate(bare.id).then(
				() => 'activated',
				(error: Error) => error.message,
			);
			await n8n.deleteWorkflow(bare.id);
			workflowIds[file] = await importAndActivate(n8n, apiWorkflow(file));
		}
		t0 = new Date(Date.now() - 1000).toISOString();
	});

	afterAll(async () => {
		for (const id of Object.values(workflowIds)) await n8n.deactivate(id).catch(() => undefined);
		if (headerAuth) await n8n.request('DELETE', `/rest/credentials/${headerAuth.id}`).catch(() => undefined);
		await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
		await db.end();
	});

	it('n8n publishes none of the workflows until their webhooks have the Header Auth credential', () => {
		for (const file of FILES) expect(activationWithoutCredential[file]).toMatch(/Missing required credential: httpHeaderAuth/);
	});

	// ------------------------------------------------------------------ contacts

	it('POST /api/metakocka/contacts/sync creates the partners once; the second call writes nothing', async () => {
		const before = await sandbox.get('state');
		await sandbox.post('counters/reset');
		const first = await call('POST', 'api/metakocka/contacts/sync', { body: { contacts } });
		expect(first.status).toBe(200);
		expect(first.json).toMatchObject({ success: true, total: 2, created: 2, updated: 0, unchanged: 0, conflicts: 0, failed: 0, errors: [] });
		expect(first.json.results.map((r: any) => [r.contactId, r.status])).toEqual(contacts.map((c) => [c.id, 'created']));

		const after = await sandbox.get('state');
		expect(after.partners.length).toBe(before.partners.length + 2);
		for (const [i, contact] of contacts.entries()) {
			const partner = after.partners.find((p: any) => p.mk_id === first.json.results[i].metakockaId);
			expect(partner).toMatchObject({ customer: contact.name });
		}
		const rows = await db.query(`SELECT crm_id, mk_id FROM "${schema}".metakocka_contact_mappings WHERE company_id = $1 ORDER BY crm_id`, [s.sandbox.companyId]);
		expect(rows.rows.map((r) => [r.crm_id, r.mk_id])).toEqual(first.json.results.map((r: any) => [r.contactId, r.metakockaId]).sort());

		await sandbox.post('counters/reset');
		const second = await call('POST', 'api/metakocka/contacts/sync', { body: { contacts } });
		expect(second.status).toBe(200);
		expect(second.json).toMatchObject({ success: true, created: 0, unchanged: 2 });
		expect(second.json.results.map((r: any) => r.metakockaId)).toEqual(first.json.results.map((r: any) => r.metakockaId));
		const counters = await sandbox.get<Record<string, number>>('counters');
		for (const write of ['__writes_applied', 'add_partner', 'update_partner']) expect(counters[write] ?? 0).toBe(0);
		expect((await sandbox.get('state')).partners.length).toBe(after.partners.length);
	});

	it('POST /api/metakocka/contacts/sync with one contact answers {success, metakockaId}; a bad request is answered 400', async () => {
		const { id, ...fields } = contacts[1];
		const changed = await call('POST', 'api/metakocka/contacts/sync', { body: { contactId: id, contact: { ...fields, phone: '04 200 30 40' } } });
		expect(changed.status).toBe(200);
		expect(changed.json).toEqual({ success: true, status: 'updated', metakockaId: expect.stringMatching(/^\d+$/), metakockaCode: expect.any(String) });
		const partner = (await sandbox.get('state')).partners.find((p: any) => p.mk_id === changed.json.metakockaId);
		expect(JSON.stringify(partner)).toContain('04 200 30 40');

		// The original took {contactIds}: n8n has no CRM database to read them from.
		const byId = await call('POST', 'api/metakocka/contacts/sync', { body: { contactIds: [id] } });
		expect(byId.status).toBe(400);
		expect(byId.json).toMatchObject({ success: false, error: expect.stringContaining('"contacts"') });
		const noName = await call('POST', 'api/metakocka/contacts/sync', { body: { contact: { id: `api-c-${run}-9` } } });
		expect(noName.status).toBe(400);
		expect(noName.json).toMatchObject({ success: false, field: 'partner.customer' });
		const none = await db.query(`SELECT 1 FROM "${schema}".metakocka_contact_mappings WHERE crm_id = $1`, [`api-c-${run}-9`]);
		expect(none.rowCount).toBe(0);
	});

	it('GET /api/metakocka/contacts/mappings lists the mappings, one by ?contactId, 404 for an unknown one', async () => {
		const all = await call('GET', 'api/metakocka/contacts/mappings');
		expect(all.status).toBe(200);
		const rows = await db.query(`SELECT crm_id, mk_id FROM "${schema}".metakocka_contact_mappings ORDER BY crm_id`);
		expect(all.json.mappings.map((m: any) => [m.contact_id, m.metakocka_id]).sort()).toEqual(rows.rows.map((r) => [r.crm_id, r.mk_id]));
		// The columns of the original metakocka_contact_mappings rows (organization = the Metakocka company).
		for (const mapping of all.json.mappings) {
			expect(Object.keys(mapping).sort()).toEqual(['contact_id', 'created_at', 'id', 'last_synced_at', 'metakocka_code', 'metakocka_id', 'organization_id', 'sync_error', 'sync_status', 'updated_at']);
			expect(mapping).toMatchObject({ id: expect.any(Number), sync_status: 'synced', sync_error: null, organization_id: s.sandbox.companyId });
		}

		const one = await call('GET', 'api/metakocka/contacts/mappings', { query: { contactId: contacts[0].id } });
		expect(one.status).toBe(200);
		expect(one.json.mapping).toMatchObject({ contact_id: contacts[0].id, metakocka_id: rows.rows.find((r) => r.crm_id === contacts[0].id)!.mk_id });
		const missing = await call('GET', 'api/metakocka/contacts/mappings', { query: { contactId: 'no-such-contact' } });
		expect(missing.status).toBe(404);
		expect(missing.json).toEqual({ error: 'Contact mapping not found' });
	});

	// ------------------------------------------------------------------ sales documents

	it('POST /api/metakocka/sales-documents/sync creates the orders for the synced contacts once; one changed order is updated', async () => {
		const before = await sandbox.get('state');
		const first = await call('POST', 'api/metakocka/sales-documents/sync', { body: { documents: orders } });
		expect(first.status).toBe(200);
		expect(first.json).toMatchObject({ success: true, total: 2, created: 2, failed: 0, errors: [] });
		const mappings = await db.query(`SELECT crm_id, mk_id FROM "${schema}".metakocka_contact_mappings`);
		const partnerOf = (contactId: string) => mappings.rows.find((r) => r.crm_id === contactId)!.mk_id;
		const after = await sandbox.get('state');
		expect(after.documents.sales_order.length).toBe(before.documents.sales_order.length + 2);
		for (const [i, order] of orders.entries()) {
			const doc = after.documents.sales_order.find((d: any) => d.mk_id === first.json.results[i].metakockaId);
			expect(doc).toMatchObject({ buyer_order: order.number, partner: expect.objectContaining({ mk_id: partnerOf(order.contactId) }) });
		}

		await sandbox.post('counters/reset');
		const second = await call('POST', 'api/metakocka/sales-documents/sync', { body: { documents: orders } });
		expect(second.json).toMatchObject({ success: true, created: 0, unchanged: 2 });
		expect((await sandbox.get<Record<string, number>>('counters')).__writes_applied ?? 0).toBe(0);

		const { id, ...order } = orders[0];
		const changed = await call('POST', 'api/metakocka/sales-documents/sync', { body: { documentId: id, document: { ...order, lines: [{ ...order.lines[0], amount: 120 }] } } });
		expect(changed.status).toBe(200);
		expect(changed.json).toEqual({ success: true, status: 'updated', metakockaId: first.json.results[0].metakockaId, metakockaCode: expect.any(String) });
		const doc = (await sandbox.get('state')).documents.sales_order.find((d: any) => d.mk_id === changed.json.metakockaId);
		expect(Number(doc.product_list[0].amount)).toBe(120);

		// A document whose contact was never synced: 400, nothing written.
		const orphan = await call('POST', 'api/metakocka/sales-documents/sync', { body: { document: { ...order, id: `api-o-${run}-9`, contactId: 'never-synced' } } });
		expect(orphan.status).toBe(400);
		expect(orphan.json).toMatchObject({ success: false, field: 'partnerCrmId' });
	});

	it('GET /api/metakocka/sales-documents/mappings: all, ?documentId (synced true/false) and ?documentIds', async () => {
		const rows = await db.query(`SELECT crm_id, mk_id, doc_type FROM "${schema}".metakocka_sales_document_mappings ORDER BY crm_id`);
		expect(rows.rows.map((r) => r.crm_id)).toEqual(orders.map((o) => o.id).sort());
		const all = await call('GET', 'api/metakocka/sales-documents/mappings');
		expect(all.status).toBe(200);
		expect(all.json.mappings.map((m: any) => [m.documentId, m.metakockaId, m.metakockaDocumentType]).sort()).toEqual(rows.rows.map((r) => [r.crm_id, r.mk_id, r.doc_type]));
		const one = await call('GET', 'api/metakocka/sales-documents/mappings', { query: { documentId: orders[1].id } });
		expect(one.json).toEqual({
			synced: true,
			mapping: {
				id: expect.any(Number),
				documentId: orders[1].id,
				metakockaId: rows.rows.find((r) => r.crm_id === orders[1].id)!.mk_id,
				metakockaDocumentType: 'sales_order',
				metakockaDocumentNumber: expect.any(String),
				lastSyncedAt: expect.any(String),
				syncStatus: 'synced',
				syncError: null,
			},
		});
		const missing = await call('GET', 'api/metakocka/sales-documents/mappings', { query: { documentId: 'no-such-order' } });
		expect(missing.status).toBe(200);
		expect(missing.json).toEqual({ synced: false });
		const two = await call('GET', 'api/metakocka/sales-documents/mappings', { query: { documentIds: orders.map((o) => o.id).join(',') } });
		expect(two.json.mappings).toHaveLength(2);
	});

	it('POST /api/metakocka/sales-documents/import returns the changed documents with their sync marks', async () => {
		const mapped = await db.query(`SELECT crm_id, mk_id FROM "${schema}".metakocka_sales_document_mappings`);
		const list = await call('POST', 'api/metakocka/sales-documents/import', { body: { since: t0 } });
		expect(list.status).toBe(200);
		expect(list.json).toMatchObject({ success: true, total: list.json.documents.length });
		for (const row of mapped.rows) {
			const doc = list.json.documents.find((d: any) => d.mk_id === row.mk_id);
			expect(doc).toMatchObject({ doc_type: 'sales_order', sync: { crmId: row.crm_id, metakockaChanged: false, crmChanged: false } });
		}
		expect(list.json.mapped).toBeGreaterThanOrEqual(2);

		const mkId = mapped.rows.find((r) => r.crm_id === orders[0].id)!.mk_id;
		const one = await call('POST', 'api/metakocka/sales-documents/import', { body: { metakockaId: mkId, since: t0 } });
		expect(one.status).toBe(200);
		expect(one.json).toMatchObject({ success: true, documentId: orders[0].id, metakockaId: mkId, document: { buyer_order: orders[0].number } });
		// A look back by date leaves the incremental position alone; an ID without a date is refused.
		const cursor = await db.query(`SELECT count(*)::int AS n FROM "${schema}".metakocka_sync_state`);
		expect(cursor.rows[0].n).toBe(0);
		const noSince = await call('POST', 'api/metakocka/sales-documents/import', { body: { metakockaId: mkId } });
		expect(noSince.status).toBe(400);
		const notFound = await call('POST', 'api/metakocka/sales-documents/import', { body: { metakockaId: '1', since: t0 } });
		expect(notFound.status).toBe(404);

		// The first incremental import (no body) sees every sales order and starts the position.
		const incremental = await call('POST', 'api/metakocka/sales-documents/import', { body: {} });
		expect(incremental.json.total).toBe((await sandbox.get('state')).documents.sales_order.length);
		const after = await db.query(`SELECT count(*)::int AS n FROM "${schema}".metakocka_sync_state`);
		expect(after.rows[0].n).toBe(1);
	});

	// ------------------------------------------------------------------ contacts: import and conflicts

	it('POST /api/metakocka/contacts/import marks partners Metakocka changed; a CRM change to such a partner is a 409 conflict', async () => {
		const mapped = await db.query(`SELECT crm_id, mk_id FROM "${schema}".metakocka_contact_mappings`);
		const mkIdOf = (crmId: string) => mapped.rows.find((r) => r.crm_id === crmId)!.mk_id as string;
		// The partners are found through their orders, which changed since t0.
		const list = await call('POST', 'api/metakocka/contacts/import', { body: { since: t0 } });
		expect(list.status).toBe(200);
		for (const contact of contacts) {
			expect(list.json.partners.find((p: any) => p.mk_id === mkIdOf(contact.id))).toMatchObject({ customer: contact.name, sync: { crmId: contact.id, metakockaChanged: false, crmChanged: false } });
		}
		expect(list.json.total).toBe(list.json.new + list.json.mapped);

		// Someone edits the first partner's billing (Račun) address in Metakocka.
		const mkId = mkIdOf(contacts[0].id);
		const mkAuth = { secret_key: s.sandbox.secretKey, company_id: s.sandbox.companyId };
		const read = await fetch(`${s.sandbox.baseUrl}/rest/eshop/v1/get_partner`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...mkAuth, partner_id: mkId }) });
		const billing = ((await read.json()) as any).partner_list[0].partner_delivery_address_list.find((a: any) => a.address_type === 'Račun').mk_id;
		const edited = await fetch(`${s.sandbox.baseUrl}/rest/eshop/v1/update_partner`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ ...mkAuth, partner: { mk_id: mkId, partner_delivery_address_list: [{ mk_id: billing, street: 'Dunajska cesta 99' }] } }),
		});
		expect(edited.status).toBe(200);
		const one = await call('POST', 'api/metakocka/contacts/import', { body: { metakockaId: mkId, since: t0 } });
		expect(one.status).toBe(200);
		expect(one.json).toMatchObject({ success: true, contactId: contacts[0].id, metakockaId: mkId, partner: { sync: { crmId: contacts[0].id, metakockaChanged: true, crmChanged: false } } });

		// The CRM changes the same partner: the default policy writes nothing and reports both versions.
		await sandbox.post('counters/reset');
		const { id, ...fields } = contacts[0];
		const conflict = await call('POST', 'api/metakocka/contacts/sync', { body: { contactId: id, contact: { ...fields, city: 'Maribor' } } });
		expect(conflict.status).toBe(409);
		expect(conflict.json).toMatchObject({
			success: false,
			status: 'conflict',
			metakockaId: mkId,
			conflict: { policy: 'skip', fields: ['street'], crm: { place: 'Maribor', street: contacts[0].street }, metakocka: { street: 'Dunajska cesta 99' } },
		});
		const counters = await sandbox.get<Record<string, number>>('counters');
		expect(counters.update_partner ?? 0).toBe(0);
		const partner = (await sandbox.get('state')).partners.find((p: any) => p.mk_id === mkId);
		expect(JSON.stringify(partner)).toContain('Dunajska cesta 99');
		expect(JSON.stringify(partner)).not.toContain('Maribor');

		const mapping = await call('GET', 'api/metakocka/contacts/mappings', { query: { contactId: id } });
		expect(mapping.json.mapping).toMatchObject({ sync_status: 'conflict', sync_error: expect.stringContaining('street') });
		const again = await call('POST', 'api/metakocka/contacts/import', { body: { metakockaIds: [mkId], since: t0 } });
		expect(again.json).toMatchObject({ success: true, total: 1, mapped: 1 });
		expect(again.json.partners[0].sync).toEqual({ crmId: id, metakockaChanged: true, crmChanged: true });

		const noSince = await call('POST', 'api/metakocka/contacts/import', { body: { metakockaId: mkId } });
		expect(noSince.status).toBe(400);
	});

	// ------------------------------------------------------------------ emails

	it('POST /api/emails/metakocka stores the verified links under the emailId; GET returns them', async () => {
		const first = await call('POST', 'api/emails/metakocka', { body: { emailId, email } });
		expect(first.status).toBe(200);
		expect(first.json).toEqual({
			success: true,
			data: {
				emailId,
				contactMappings: [expect.objectContaining({ metakocka_contact_id: expect.any(String), name: 'Kovinarstvo Novak d.o.o.', confidence: expect.any(Number) })],
				documentMappings: [expect.objectContaining({ metakocka_document_id: expect.any(String), document_type: 'sales_offer', document_number: 'PON-1001' })],
				productMappings: [],
				linksAdded: 2,
			},
		});
		const links = async () => ({
			partners: (await db.query(`SELECT message_id, mk_id FROM "${schema}".email_metakocka_contact_mappings ORDER BY id`)).rows,
			documents: (await db.query(`SELECT message_id, mk_id, count_code FROM "${schema}".email_metakocka_document_mappings ORDER BY id`)).rows,
		});
		const stored = await links();
		expect(stored.partners).toEqual([{ message_id: emailId, mk_id: first.json.data.contactMappings[0].metakocka_contact_id }]);
		expect(stored.documents).toEqual([{ message_id: emailId, mk_id: first.json.data.documentMappings[0].metakocka_document_id, count_code: 'PON-1001' }]);

		const repeat = await call('POST', 'api/emails/metakocka', { body: { emailId, email } });
		expect(repeat.json.data.linksAdded).toBe(0);
		expect(await links()).toEqual(stored);

		const got = await call('GET', 'api/emails/metakocka', { query: { emailId } });
		expect(got.status).toBe(200);
		expect(got.json).toEqual({
			success: true,
			data: {
				id: emailId,
				email_metakocka_contact_mappings: [expect.objectContaining({ metakocka_contact_id: stored.partners[0].mk_id, partner_name: 'Kovinarstvo Novak d.o.o.', confidence: expect.any(Number) })],
				email_metakocka_document_mappings: [expect.objectContaining({ metakocka_document_id: stored.documents[0].mk_id, document_type: 'sales_offer', document_number: 'PON-1001' })],
			},
		});
		const unknown = await call('GET', 'api/emails/metakocka', { query: { emailId: 'never-enriched' } });
		expect(unknown.json).toEqual({ success: true, data: { id: 'never-enriched', email_metakocka_contact_mappings: [], email_metakocka_document_mappings: [] } });

		for (const [method, body, query] of [
			['GET', undefined, {}],
			['POST', { email }, undefined],
			['POST', { emailId: 'x' }, undefined],
			['POST', { processBatch: true }, undefined],
		] as const) {
			const bad = await call(method, 'api/emails/metakocka', { body, query });
			expect(bad.status).toBe(400);
			expect(bad.json).toMatchObject({ success: false, message: expect.any(String) });
		}
		expect(await links()).toEqual(stored);
	});

	it('GET /api/emails/ai-context builds the context from the stored links; POST drafts a reply with the model', async () => {
		const context = await call('GET', 'api/emails/ai-context', { query: { emailId } });
		expect(context.status).toBe(200);
		expect(context.json.data.emailId).toBe(emailId);
		expect(context.json.data.aiContext).toMatchObject({ partner: { name: 'Kovinarstvo Novak d.o.o.' }, documents: expect.arrayContaining([expect.objectContaining({ count_code: 'PON-1001', referenced: true })]) });
		expect(context.json.data.aiContext.text).toContain('PON-1001');
		const none = await call('GET', 'api/emails/ai-context', { query: { emailId: 'never-enriched' } });
		expect(none.json).toEqual({ success: true, data: { emailId: 'never-enriched', aiContext: null } });

		await fetch(`${stubRoot()}/__stub/reset`, { method: 'POST' });
		await sandbox.post('counters/reset');
		const prompt = `Odgovori vljudno in na kratko (${run}).`;
		const draft = await call('POST', 'api/emails/ai-context', { body: { emailId, prompt, email } });
		expect(draft.status).toBe(200);
		expect(draft.json).toEqual({
			success: true,
			data: { emailId, prompt, response: expect.stringContaining('Hvala za vaše sporočilo, Kovinarstvo Novak d.o.o.'), responseId: expect.any(String), model: 'gpt-4o-mini' },
		});
		// responseId is the n8n execution that holds the draft.
		let executions: Array<{ id: string }> = [];
		for (let i = 0; i < 40 && !executions.some((e) => String(e.id) === draft.json.data.responseId); i++) {
			await sleep(250);
			executions = await n8n.executions(workflowIds['emails-ai-context.json'], 50);
		}
		expect(executions.map((e) => String(e.id))).toContain(draft.json.data.responseId);
		// The model got the prompt as instructions and the context, never the token or the Metakocka key.
		const chats = (await stubRequests()).filter((r) => r.path === '/v1/chat/completions');
		expect(chats).toHaveLength(1);
		const sent = JSON.stringify(chats[0].body.messages);
		expect(sent).toContain(prompt);
		expect(sent).toContain('PON-1001');
		expect(sent).not.toContain(token);
		expect(sent).not.toContain(s.sandbox.secretKey);
		// Drafting reads Metakocka only.
		expect((await sandbox.get<Record<string, number>>('counters')).__writes_applied ?? 0).toBe(0);

		const noPrompt = await call('POST', 'api/emails/ai-context', { body: { emailId, email } });
		expect(noPrompt.status).toBe(400);
		expect(noPrompt.json).toEqual({ success: false, message: 'Prompt is required' });
		const noEmail = await call('POST', 'api/emails/ai-context', { body: { prompt } });
		expect(noEmail.json).toEqual({ success: false, message: 'Email ID is required' });
		expect((await stubRequests()).filter((r) => r.path === '/v1/chat/completions')).toHaveLength(1);
	});

	it('POST /api/emails/templates creates a template (201, 409 for a taken name); GET lists it; apply renders it with the email\'s context', async () => {
		const template = {
			name: `api-e2e-ponudba-${run}`,
			subject: 'Re: {{#each documents}}{{#if referenced}}{{count_code}}{{/if}}{{/each}}',
			body: 'Spoštovani {{default partner.name "kupec"}},\n{{#each documents}}{{#if referenced}}- {{count_code}}: {{money sum_all}}\n{{/if}}{{/each}}{{note}}',
			description: 'Odgovor na vprašanje o ponudbi',
		};
		const created = await call('POST', 'api/emails/templates', { body: template });
		expect(created.status).toBe(201);
		expect(created.json).toEqual({
			success: true,
			data: { id: expect.any(Number), ...template, company_id: s.sandbox.companyId, created_at: expect.any(String), updated_at: expect.any(String) },
		});
		const id = created.json.data.id;
		const rows = await db.query(`SELECT id, name FROM "${schema}".email_templates`);
		expect(rows.rows.map((r) => [Number(r.id), r.name])).toEqual([[id, template.name]]);

		const taken = await call('POST', 'api/emails/templates', { body: template });
		expect(taken.status).toBe(409);
		const incomplete = await call('POST', 'api/emails/templates', { body: { name: 'no-body', subject: 'x' } });
		expect(incomplete.status).toBe(400);
		expect(incomplete.json).toEqual({ success: false, message: 'Name, subject, and body are required' });
		const broken = await call('POST', 'api/emails/templates', { body: { name: `broken-${run}`, subject: 'x', body: '{{#if}}' } });
		expect(broken.status).toBe(400);
		expect((await db.query(`SELECT count(*)::int AS n FROM "${schema}".email_templates`)).rows[0].n).toBe(1);

		const list = await call('GET', 'api/emails/templates');
		expect(list.status).toBe(200);
		expect(list.json).toEqual({ success: true, data: [created.json.data] });
		const one = await call('GET', 'api/emails/templates', { query: { templateId: String(id) } });
		expect(one.json).toEqual({ success: true, data: created.json.data });
		const missing = await call('GET', 'api/emails/templates', { query: { templateId: '999999' } });
		expect(missing.status).toBe(404);
		const placeholders = await call('GET', 'api/emails/templates', { query: { placeholders: 'available' } });
		expect(placeholders.json.data.map((c: any) => c.category)).toEqual(expect.arrayContaining(['Partner', 'Documents', 'Helpers']));

		const applied = await call('POST', 'api/emails/templates', { body: { apply: true, templateId: String(id), emailId, data: { note: 'Lep pozdrav' } } });
		expect(applied.status).toBe(200);
		expect(applied.json).toEqual({ success: true, data: { subject: 'Re: PON-1001', body: expect.stringMatching(/^Spoštovani Kovinarstvo Novak d\.o\.o\.,\n- PON-1001: [\d.]+,\d\d\s€\nLep pozdrav$/) } });
		const byName = await call('POST', 'api/emails/templates', { body: { apply: true, templateId: template.name, emailId: 'never-enriched' } });
		expect(byName.json).toEqual({ success: true, data: { subject: 'Re: ', body: 'Spoštovani kupec,\n' } });
		const unknownTemplate = await call('POST', 'api/emails/templates', { body: { apply: true, templateId: '999999', emailId } });
		expect(unknownTemplate.status).toBe(404);
		const noEmail = await call('POST', 'api/emails/templates', { body: { apply: true, templateId: String(id) } });
		expect(noEmail.status).toBe(400);
	});

	// ------------------------------------------------------------------ authentication

	it('refuses every endpoint without the header, with a wrong token or with the token in another header, and changes nothing', async () => {
		const endpoints: Array<{ method: 'GET' | 'POST'; path: string; body?: unknown; query?: Record<string, string> }> = [
			{ method: 'POST', path: 'api/metakocka/contacts/sync', body: { contacts: [{ id: `api-c-${run}-intruder`, name: 'Intruder d.o.o.' }] } },
			{ method: 'GET', path: 'api/metakocka/contacts/mappings' },
			{ method: 'POST', path: 'api/metakocka/contacts/import', body: {} },
			{ method: 'POST', path: 'api/metakocka/sales-documents/sync', body: { documents: [{ ...orders[0], id: `api-o-${run}-intruder` }] } },
			{ method: 'GET', path: 'api/metakocka/sales-documents/mappings' },
			{ method: 'POST', path: 'api/metakocka/sales-documents/import', body: {} },
			{ method: 'POST', path: 'api/emails/metakocka', body: { emailId: `intruder-${run}`, email } },
			{ method: 'GET', path: 'api/emails/metakocka', query: { emailId } },
			{ method: 'GET', path: 'api/emails/ai-context', query: { emailId } },
			{ method: 'POST', path: 'api/emails/ai-context', body: { emailId, prompt: 'Ignore everything', email } },
			{ method: 'GET', path: 'api/emails/templates' },
			{ method: 'POST', path: 'api/emails/templates', body: { name: `intruder-${run}`, subject: 'x', body: 'x' } },
		];
		const snapshot = async () => {
			const tables = await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`, [schema]);
			const data: Record<string, unknown[]> = {};
			for (const { table_name } of tables.rows) data[table_name] = (await db.query(`SELECT * FROM "${schema}"."${table_name}" ORDER BY 1`)).rows;
			return data;
		};
		const executionIds = async () =>
			Object.fromEntries(await Promise.all(Object.entries(workflowIds).map(async ([file, id]) => [file, (await n8n.executions(id, 100)).map((e) => Number(e.id))] as const)));
		const before = await snapshot();
		expect(Object.keys(before)).toEqual(expect.arrayContaining(['metakocka_contact_mappings', 'metakocka_sales_document_mappings', 'email_metakocka_contact_mappings', 'email_templates', 'metakocka_sync_state']));
		const executionsBefore = await executionIds();
		const newSince = (ids: Record<string, number[]>) =>
			Object.fromEntries(Object.entries(ids).map(([file, list]) => [file, list.filter((id) => id > Math.max(0, ...executionsBefore[file])).length]));
		const sandboxBefore = await sandbox.get('state');
		await sandbox.post('counters/reset');
		await fetch(`${stubRoot()}/__stub/reset`, { method: 'POST' });

		for (const endpoint of endpoints) {
			for (const auth of ['none', 'wrong', 'otherHeader'] as const) {
				const reply = await call(endpoint.method, endpoint.path, { body: endpoint.body, query: endpoint.query, auth });
				expect([endpoint.method, endpoint.path, auth, reply.status, reply.text]).toEqual([endpoint.method, endpoint.path, auth, 403, 'Authorization data is wrong!']);
			}
		}
		// The same calls with the token get through (so the 403s were the authentication, not the path).
		expect((await call('GET', 'api/metakocka/contacts/mappings')).status).toBe(200);
		expect((await call('GET', 'api/emails/templates')).status).toBe(200);

		expect(await snapshot()).toEqual(before);
		const counters = await sandbox.get<Record<string, number>>('counters');
		expect(Object.entries(counters).filter(([key, n]) => !key.startsWith('__') && n > 0)).toEqual([]);
		expect((await sandbox.get('state')).partners.length).toBe(sandboxBefore.partners.length);
		expect((await stubRequests()).length).toBe(0);
		// No execution started but those of the two authenticated calls (n8n saves one just after it answered).
		const expected = Object.fromEntries(FILES.map((file) => [file, ['contacts.json', 'emails-templates.json'].includes(file) ? 1 : 0]));
		let started = newSince(await executionIds());
		for (let i = 0; i < 40 && JSON.stringify(started) !== JSON.stringify(expected); i++) {
			await sleep(250);
			started = newSince(await executionIds());
		}
		expect(started).toEqual(expected);
	});
});
