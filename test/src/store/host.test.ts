import { MIGRATIONS, MappingStore } from '../../../src/store';
import { Db } from '../../../src/store/db';
import { runMigrations } from '../../../src/store/migrations';
import { resolveTables } from '../../../src/store/tables';
import { PG, dropSchema, newPool, randomSchema } from './helpers';

const schema = randomSchema();
const PROD = 'https://main.metakocka.si';
const TEST_HOST = 'https://devmainsi.metakocka.si';

afterAll(async () => {
	await dropSchema(schema);
});

describe('store keyed by Metakocka host', () => {
	it('a test-host store with the production company id never sees production rows', async () => {
		const prod = await MappingStore.open(PG, { schema, metakockaHost: PROD });
		const test = await MappingStore.open(PG, { schema, metakockaHost: `${TEST_HOST}/` });
		try {
			await prod.contacts.upsertMany('16', [{ crmId: 'crm-1', mkId: '900' }]);
			expect((await test.contacts.getByCrmIds('16', ['crm-1'])).size).toBe(0);
			expect((await test.contacts.getByMkIds('16', ['900'])).size).toBe(0);
			expect(await test.contacts.list('16')).toEqual([]);

			// The same CRM id maps to a different id on the test host: both rows live side by side.
			await test.contacts.upsertMany('16', [{ crmId: 'crm-1', mkId: '5' }]);
			expect((await prod.contacts.getByCrmIds('16', ['crm-1'])).get('crm-1')?.mkId).toBe('900');
			expect((await test.contacts.getByCrmIds('16', ['crm-1'])).get('crm-1')?.mkId).toBe('5');
			expect(await test.contacts.deleteByCrmIds('16', ['crm-1'])).toBe(1);
			expect((await prod.contacts.getByCrmIds('16', ['crm-1'])).get('crm-1')?.mkId).toBe('900');

			await prod.salesDocuments.upsertMany('16', [{ crmId: 'o-1', mkId: '77', docType: 'sales_order' }]);
			expect((await test.salesDocuments.getByMkIds('16', ['77'], { docType: 'sales_order' })).size).toBe(0);
			await prod.products.upsertMany('16', [{ crmId: 'p-1', mkId: '88' }]);
			expect((await test.products.getByCrmIds('16', ['p-1'])).size).toBe(0);

			await prod.syncState.set('16', 'partner_import:sales_bill_domestic', { since: '2026-01-01T00:00:00Z' });
			expect(await test.syncState.get('16', 'partner_import:sales_bill_domestic')).toBeUndefined();
			await test.syncState.set('16', 'partner_import:sales_bill_domestic', { since: '2020-01-01T00:00:00Z' });
			expect(await prod.syncState.get('16', 'partner_import:sales_bill_domestic')).toEqual({ since: '2026-01-01T00:00:00Z' });

			await prod.emailContacts.addMany('16', '<m1@x>', [{ mkId: '900', email: 'a@b.si' }]);
			await prod.emailDocuments.addMany('16', '<m1@x>', [{ mkId: '77', docType: 'sales_order' }]);
			expect(await test.emailContacts.getByMessageId('16', '<m1@x>')).toEqual([]);
			expect(await test.emailContacts.getByMkId('16', '900')).toEqual([]);
			expect(await test.emailDocuments.getByMessageId('16', '<m1@x>')).toEqual([]);
			expect(await test.emailContacts.addMany('16', '<m1@x>', [{ mkId: '900' }])).toEqual({ inserted: 1 });
			expect(await prod.emailContacts.getByMessageId('16', '<m1@x>')).toHaveLength(1);
		} finally {
			await prod.close();
			await test.close();
		}
	});

	it('locks on the same key do not block across hosts', async () => {
		const prod = await MappingStore.open(PG, { schema, metakockaHost: PROD, lockTimeoutMs: 200 });
		const test = await MappingStore.open(PG, { schema, metakockaHost: TEST_HOST, lockTimeoutMs: 200 });
		try {
			const inner = await prod.withLocks('16', 'contact', ['crm-9'], () => test.withLocks('16', 'contact', ['crm-9'], async () => 'both'));
			expect(inner).toBe('both');
		} finally {
			await prod.close();
			await test.close();
		}
	});

	it('migration 6 gives rows written before it the production host and keeps them readable there', async () => {
		const prefix = 'legacy_';
		const pool = newPool();
		const tables = resolveTables(schema, prefix);
		const db = new Db(pool, { endpoint: `${PG.host}:${PG.port}` });
		try {
			// A store as e6e5413 left it: migrations 1-4 and rows without a host.
			await runMigrations(db, tables, MIGRATIONS.filter((m) => m.version <= 4));
			await pool.query(`INSERT INTO ${tables.table('contactMappings')} (company_id, crm_id, mk_id) VALUES ('16', 'crm-old', '123')`);
			await pool.query(
				`INSERT INTO ${tables.table('salesDocumentMappings')} (company_id, crm_id, mk_id, doc_type) VALUES ('16', 'o-old', '55', 'sales_order')`,
			);
			await pool.query(`INSERT INTO ${tables.table('syncState')} (company_id, key, value) VALUES ('16', 'doc_cursor', '{"since":"x"}')`);
			await pool.query(`INSERT INTO ${tables.table('emailContactLinks')} (company_id, message_id, mk_id) VALUES ('16', '<old@x>', '123')`);

			const prod = await MappingStore.fromPool(pool, { schema, tablePrefix: prefix });
			const test = await MappingStore.fromPool(pool, { schema, tablePrefix: prefix, metakockaHost: TEST_HOST });
			expect(prod.migrationsApplied).toContain(6);
			expect(prod.metakockaHost).toBe(PROD);
			expect((await prod.contacts.getByCrmIds('16', ['crm-old'])).get('crm-old')?.mkId).toBe('123');
			expect((await prod.salesDocuments.getByMkIds('16', ['55'])).get('55')?.crmId).toBe('o-old');
			expect(await prod.syncState.get('16', 'doc_cursor')).toEqual({ since: 'x' });
			expect(await prod.emailContacts.getByMessageId('16', '<old@x>')).toHaveLength(1);
			expect((await test.contacts.getByCrmIds('16', ['crm-old'])).size).toBe(0);
			expect(await test.syncState.get('16', 'doc_cursor')).toBeUndefined();

			// No default is left behind: a write that forgets the host fails instead of landing on production.
			await expect(
				pool.query(`INSERT INTO ${tables.table('contactMappings')} (company_id, crm_id, mk_id) VALUES ('16', 'crm-new', '124')`),
			).rejects.toThrow(/mk_host/);
		} finally {
			await pool.end();
		}
	});
});
