import type { IDataObject, INodeType } from 'n8n-workflow';

import { MetakockaContact } from '../../nodes/MetakockaContact/MetakockaContact.node';
import { MetakockaProduct } from '../../nodes/MetakockaProduct/MetakockaProduct.node';
import { MetakockaSalesDocument } from '../../nodes/MetakockaSalesDocument/MetakockaSalesDocument.node';
import { MetakockaTemplate } from '../../nodes/MetakockaTemplate/MetakockaTemplate.node';
import type { FakeRun } from '../helpers/n8n';
import { CONTACT_PARAMS, DOCUMENT_PARAMS, PRODUCT_PARAMS, WRITE_METHODS, captureErrorLog, runNode, startEnv, type ReliabilityEnv } from './helpers/harness';
import { PgProxy } from './helpers/pgProxy';

// Postgres refusing connections, or dying right after a Metakocka write succeeded, or restarting in
// the middle of a run: a clear error, and no mapping of a successful write is lost for good (the
// write is either recorded once Postgres is back within the run, or adopted by the next Sync).

const contactNode = new MetakockaContact();
const productNode = new MetakockaProduct();
const documentNode = new MetakockaSalesDocument();
const templateNode = new MetakockaTemplate();

let env: ReliabilityEnv;
const proxy = new PgProxy();

beforeAll(async () => {
	env = await startEnv();
	await proxy.start();
});
afterAll(async () => {
	await proxy.close();
	await env?.close();
});
afterEach(async () => {
	env.sandbox.onCall = undefined;
	proxy.up();
});

/** Credentials whose Postgres goes through the proxy (or to the given port). */
const viaProxy = (port = proxy.port) => {
	const c = env.credentials();
	return { ...c, postgres: { ...c.postgres, port } };
};

const contact = (i: number, over: IDataObject = {}): IDataObject => ({
	id: `pg-c-${i}`,
	name: `Outage Stranka ${i} d.o.o.`,
	email: `outage${i}@stranka.si`,
	street: `Celovška ${i}`,
	postCode: '1000',
	city: 'Ljubljana',
	country: 'SI',
	...over,
});

const sync = async (node: INodeType, params: FakeRun['params'], items: IDataObject[], port?: number) =>
	runNode(node, { params: { ...params, mappingStore: env.mappingStore }, items, credentials: viaProxy(port), continueOnFail: true });

const writes = () => WRITE_METHODS.reduce((n, m) => n + (env.sandbox.counters()[m] ?? 0), 0);
const partnersNamed = (name: unknown) => env.sandbox.store().partners.filter((p) => p.customer === name);
const mappingOf = async (table: string, crmId: string) =>
	(await env.pool.query(`SELECT mk_id FROM "${env.schema}".${table} WHERE crm_id = $1`, [crmId])).rows.map((r) => r.mk_id as string);

/** Cut Postgres off the moment Metakocka receives `method` (the write is then applied and answered). */
function dieOn(method: string, backAfterMs?: number): void {
	env.sandbox.onCall = (m) => {
		if (m !== method || !proxy.isUp) return;
		env.sandbox.onCall = undefined;
		proxy.down();
		if (backAfterMs !== undefined) proxy.upAfter(backAfterMs);
	};
}

describe('Postgres refusing connections', () => {
	it.each([
		['Contact Sync', contactNode, CONTACT_PARAMS, [contact(900)]],
		['Product Sync', productNode, PRODUCT_PARAMS, [{ id: 'pg-p-x', sku: 'PG-X', title: 'X' }]],
		['Sales Document Sync', documentNode, DOCUMENT_PARAMS, [{ id: 'pg-d-x', contactId: 'pg-c-900', date: '2026-08-20', number: 'PG-X', lines: [{ code: 'VIJ-M8-50', amount: 1, price: 1, tax: 'EX4' }] }]],
		['Template Create', templateNode, { resource: 'template', operation: 'create', name: 'x', subject: 's', body: 'b', additionalFields: {} }, [{}]],
	] as Array<[string, INodeType, FakeRun['params'], IDataObject[]]>)(
		'%s: a clear error naming Postgres and where it was looked for; nothing is sent to Metakocka',
		async (_name, node, params, items) => {
			const closed = new PgProxy();
			await closed.start();
			const port = closed.port;
			await closed.close(); // a port nothing listens on now
			const before = env.sandbox.counters();
			const run = await sync(node, params, items, port);
			const message = run.error?.message ?? String(run.items[0]?.json.error);
			expect(message).toMatch(new RegExp(`Postgres is not reachable at 127\\.0\\.0\\.1:${port}`));
			expect(message).toMatch(/ECONNREFUSED/);
			expect(writes()).toBe(WRITE_METHODS.reduce((n, m) => n + (before[m] ?? 0), 0));
		},
	);
});

describe('Postgres dying right after a successful Metakocka write', () => {
	it('partner: the item says it was created (mk_id) and its mapping not saved; the next Sync adopts it: one partner, mapping recorded', async () => {
		const item = contact(1, { taxNumber: 'SI30000001' });
		dieOn('add_partner');
		const first = await sync(contactNode, CONTACT_PARAMS, [item]);
		const error = String(first.items[0].json.error);
		const [created] = partnersNamed(item.name);
		expect(created).toBeDefined();
		expect(error).toContain(`The partner was written to Metakocka (mk_id ${String(created.mk_id)}), but its mapping could not be saved: Postgres is not reachable`);
		expect(error).toContain('finds the partner by tax number or email');
		expect(await mappingOf('metakocka_contact_mappings', 'pg-c-1')).toEqual([]);

		proxy.up();
		const again = await sync(contactNode, CONTACT_PARAMS, [item]);
		expect(again.items[0].json).toMatchObject({ status: 'updated', matchedExisting: true, mkId: created.mk_id });
		expect(partnersNamed(item.name)).toHaveLength(1);
		expect(await mappingOf('metakocka_contact_mappings', 'pg-c-1')).toEqual([created.mk_id]);
	});

	it('partner without tax number or email: the error says a re-run cannot find it (the one case a person must link by hand)', async () => {
		const item = contact(2, { email: undefined });
		dieOn('add_partner');
		const first = await sync(contactNode, CONTACT_PARAMS, [item]);
		expect(String(first.items[0].json.error)).toMatch(/was written to Metakocka \(mk_id \d+\), but its mapping could not be saved: .* A later Sync cannot find it again \(no tax number or email to match it by\): link it by hand/);
		expect(partnersNamed(item.name)).toHaveLength(1);
	});

	it('product and document: same — the error names the Metakocka id, the next Sync adopts it by code / count code', async () => {
		proxy.up();
		const base = await sync(contactNode, CONTACT_PARAMS, [contact(3)]);
		expect(base.items[0].json.status).toBe('created');

		const product = { id: 'pg-p-1', sku: 'PG-SKU-1', title: 'Outage izdelek', countCode: 'PG-CC-1', price: '4,20' };
		dieOn('product_add');
		const p1 = await sync(productNode, PRODUCT_PARAMS, [product]);
		const mkProduct = env.sandbox.store().products.filter((p) => p.code === 'PG-SKU-1');
		expect(mkProduct).toHaveLength(1);
		expect(String(p1.items[0].json.error)).toContain(`The product was written to Metakocka (mk_id ${String(mkProduct[0].mk_id)})`);
		proxy.up();
		const p2 = await sync(productNode, PRODUCT_PARAMS, [product]);
		expect(p2.items[0].json).toMatchObject({ status: 'updated', matchedExisting: true, mkId: mkProduct[0].mk_id });

		const doc = { id: 'pg-d-1', contactId: 'pg-c-3', date: '2026-08-20', number: 'PG-DOC-1', lines: [{ productCrmId: 'pg-p-1', amount: '1,5', price: 2, tax: 'EX4' }] };
		dieOn('put_document');
		const d1 = await sync(documentNode, DOCUMENT_PARAMS, [doc]);
		const orders = () => env.sandbox.store().documents.sales_order.filter((d) => d.count_code === 'PG-DOC-1');
		expect(orders()).toHaveLength(1);
		expect(String(d1.items[0].json.error)).toContain(`The sales_order was written to Metakocka (mk_id ${String(orders()[0].mk_id)})`);
		expect(String(d1.items[0].json.error)).toContain('by count code "PG-DOC-1"');
		proxy.up();
		const d2 = await sync(documentNode, DOCUMENT_PARAMS, [doc]);
		expect(d2.items[0].json).toMatchObject({ status: 'updated', matchedExisting: true, mkId: orders()[0].mk_id });
		expect(orders()).toHaveLength(1);
		expect(await mappingOf('metakocka_sales_document_mappings', 'pg-d-1')).toEqual([orders()[0].mk_id]);
	});

	it('a short restart right after the write costs nothing: the mapping is saved once Postgres is back, in the same run', async () => {
		const item = contact(4);
		dieOn('add_partner', 600);
		const run = await sync(contactNode, CONTACT_PARAMS, [item]);
		expect(run.items[0].json).toMatchObject({ status: 'created' });
		expect(await mappingOf('metakocka_contact_mappings', 'pg-c-4')).toEqual([run.items[0].json.mkId]);
		expect(partnersNamed(item.name)).toHaveLength(1);
	});
});

describe('Postgres restarting in the middle of a run of 200 contacts', () => {
	it('successes keep their mappings, failures say Postgres, and a re-run ends with exactly 200 partners, all mapped', async () => {
		const items = Array.from({ length: 200 }, (_, i) => contact(1000 + i));
		let calls = 0;
		env.sandbox.onCall = (m) => {
			// Down while writes are in flight; back after 25 refused connections (the in-flight items'
			// retries of their mapping writes, then the lock attempts of the items after them).
			if (m === 'add_partner' && ++calls === 80) proxy.down({ upAfterRefused: 25 });
		};
		const first = await sync(contactNode, CONTACT_PARAMS, items);
		env.sandbox.onCall = undefined;
		// The outage reached the run. Since one connection holds all of a store's locks, a run tries far
		// fewer new connections while Postgres is down (8-17 seen), so it may end before the 25th
		// refusal brings Postgres back; proxy.up() below covers that case.
		expect(proxy.refused).toBeGreaterThan(0);
		proxy.up();
		expect(first.error).toBeUndefined();
		const ok = first.items.filter((o) => o.json.error === undefined);
		const failed = first.items.filter((o) => o.json.error !== undefined);
		expect(failed.length).toBeGreaterThan(0);
		for (const f of failed) expect(String(f.json.error)).toMatch(/Postgres/);
		// Every item reported as synced has its mapping, pointing at a partner with its name.
		const byId = new Map(env.sandbox.store().partners.map((p) => [String(p.mk_id), p]));
		for (const o of ok) {
			const item = items[(o.pairedItem as { item: number }).item];
			const mapped = await mappingOf('metakocka_contact_mappings', String(item.id));
			expect(mapped).toEqual([o.json.mkId]);
			expect(byId.get(String(o.json.mkId))?.customer).toBe(item.name);
		}

		const second = await sync(contactNode, CONTACT_PARAMS, items);
		expect(second.items.filter((o) => o.json.error !== undefined)).toEqual([]);
		const partners = env.sandbox.store().partners.filter((p) => /^Outage Stranka 1\d{3} d\.o\.o\.$/.test(String(p.customer)));
		expect(partners).toHaveLength(200);
		expect(new Set(partners.map((p) => p.customer)).size).toBe(200);
		const { rows } = await env.pool.query(
			`SELECT count(*)::int AS n, count(DISTINCT mk_id)::int AS d FROM "${env.schema}".metakocka_contact_mappings WHERE crm_id LIKE 'pg-c-1___'`,
		);
		expect(rows[0]).toEqual({ n: 200, d: 200 });
		const mappedIds = new Set((await env.pool.query(`SELECT mk_id FROM "${env.schema}".metakocka_contact_mappings`)).rows.map((r) => r.mk_id as string));
		expect(partners.filter((p) => !mappedIds.has(String(p.mk_id)))).toEqual([]);
		await captureErrorLog(env.pool, env.schema);
	});
});
