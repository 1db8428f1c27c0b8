import { LATEST_VERSION, MIGRATIONS, MappingStore } from '../../../src/store';
import { Db } from '../../../src/store/db';
import { type Migration, runMigrations } from '../../../src/store/migrations';
import { resolveTables } from '../../../src/store/tables';
import { PG, dropSchema, newPool, randomSchema } from './helpers';

const schema = randomSchema();

afterAll(async () => {
	await dropSchema(schema);
});

async function migrationRows(prefix = ''): Promise<number[]> {
	const pool = newPool(1);
	try {
		const res = await pool.query<{ version: number }>(
			`SELECT version FROM "${schema}"."${prefix}metakocka_schema_migrations" ORDER BY version`,
		);
		return res.rows.map((r) => r.version);
	} finally {
		await pool.end();
	}
}

async function tablesIn(prefix: string): Promise<string[]> {
	const pool = newPool(1);
	try {
		const res = await pool.query<{ table_name: string }>(
			`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name LIKE $2 ORDER BY table_name`,
			[schema, `${prefix.replace(/_/g, '\\_')}%`],
		);
		return res.rows.map((r) => r.table_name);
	} finally {
		await pool.end();
	}
}

describe('migrations', () => {
	it('have unique positive versions in ascending order', () => {
		// Versions are reserved per change (several land in parallel), so gaps may exist for a while.
		const versions = MIGRATIONS.map((m) => m.version);
		expect(versions.every((v) => Number.isInteger(v) && v > 0)).toBe(true);
		expect([...versions].sort((a, b) => a - b)).toEqual(versions);
		expect(new Set(versions).size).toBe(versions.length);
		expect(LATEST_VERSION).toBe(Math.max(...versions));
	});

	it('creates the schema and every table once, and a second open applies nothing', async () => {
		const first = await MappingStore.open(PG, { schema });
		await first.close();
		expect(first.migrationsApplied).toEqual(MIGRATIONS.map((m) => m.version));
		expect(await migrationRows()).toEqual(MIGRATIONS.map((m) => m.version));
		expect(await tablesIn('')).toEqual(
			[
				'email_metakocka_contact_mappings',
				'email_metakocka_document_mappings',
				'email_templates',
				'metakocka_contact_mappings',
				'metakocka_error_log',
				'metakocka_product_mappings',
				'metakocka_sales_document_mappings',
				'metakocka_schema_migrations',
				'metakocka_sync_runs',
				'metakocka_sync_state',
			].sort(),
		);

		const second = await MappingStore.open(PG, { schema });
		await second.close();
		expect(second.migrationsApplied).toEqual([]);
		expect(await migrationRows()).toEqual(MIGRATIONS.map((m) => m.version));
	});

	it('lets concurrent opens on a fresh prefix both succeed, with each migration applied once', async () => {
		const prefix = 'race_';
		const stores = await Promise.all(
			Array.from({ length: 4 }, () => MappingStore.open(PG, { schema, tablePrefix: prefix })),
		);
		await Promise.all(stores.map((s) => s.close()));
		const applied = stores.flatMap((s) => s.migrationsApplied).sort((a, b) => a - b);
		expect(applied).toEqual(MIGRATIONS.map((m) => m.version));
		expect(await migrationRows(prefix)).toEqual(MIGRATIONS.map((m) => m.version));
		expect(await tablesIn(prefix)).toHaveLength(10);
	});

	it('concurrent opens on a brand-new schema both succeed', async () => {
		const fresh = randomSchema();
		try {
			const [a, b] = await Promise.all([MappingStore.open(PG, { schema: fresh }), MappingStore.open(PG, { schema: fresh })]);
			await Promise.all([a.close(), b.close()]);
			expect([...a.migrationsApplied, ...b.migrationsApplied].sort((x, y) => x - y)).toEqual(
				MIGRATIONS.map((m) => m.version),
			);
		} finally {
			await dropSchema(fresh);
		}
	});

	it('fromPool runs migrations too and leaves the caller-owned pool open', async () => {
		const pool = newPool();
		try {
			const store = await MappingStore.fromPool(pool, { schema, tablePrefix: 'frompool_' });
			expect(store.migrationsApplied).toEqual(MIGRATIONS.map((m) => m.version));
			await store.close();
			await expect(pool.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
		} finally {
			await pool.end();
		}
	});

	it('runs each migration in its own transaction: a failing one leaves no trace and blocks later ones', async () => {
		const pool = newPool();
		const tables = resolveTables(schema, 'tx_');
		const db = new Db(pool, { endpoint: `${PG.host}:${PG.port}` });
		const custom: Migration[] = [
			{ version: 1, name: 'ok', up: (t) => [`CREATE TABLE ${t.table('syncState')} (k text)`] },
			{
				version: 2,
				name: 'broken',
				up: (t) => [`CREATE TABLE ${t.table('errorLog')} (k text)`, 'SELECT * FROM no_such_table'],
			},
			{ version: 3, name: 'after', up: (t) => [`CREATE TABLE ${t.table('templates')} (k text)`] },
		];
		try {
			await expect(runMigrations(db, tables, custom)).rejects.toMatchObject({ code: 'QUERY_FAILED', pgCode: '42P01' });
			expect(await migrationRows('tx_')).toEqual([1]);
			expect(await tablesIn('tx_')).toEqual(['tx_metakocka_schema_migrations', 'tx_metakocka_sync_state']);
			// The advisory lock was released: a fixed list can run now.
			custom[1].up = (t) => [`CREATE TABLE ${t.table('errorLog')} (k text)`];
			expect(await runMigrations(db, tables, custom)).toEqual([2, 3]);
		} finally {
			await pool.end();
		}
	});
});
