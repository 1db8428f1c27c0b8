import { type Db, type Queryable, rollback } from './db';
import type { StoreError } from './errors';
import { advisoryKey } from './hash';
import { DEFAULT_METAKOCKA_HOST } from './config';
import type { Tables } from './tables';

export interface Migration {
	version: number;
	name: string;
	/** DDL only: identifiers come from validated names, never from data. */
	up(t: Tables): string[];
}

function mappingTable(t: Tables, key: 'contactMappings' | 'salesDocumentMappings' | 'productMappings', alias: string, withDocType: boolean): string[] {
	const table = t.table(key);
	return [
		`CREATE TABLE ${table} (
			id bigserial PRIMARY KEY,
			company_id text NOT NULL,
			crm_id text NOT NULL,
			mk_id text NOT NULL,
			${withDocType ? "doc_type text NOT NULL DEFAULT ''," : ''}
			count_code text,
			content_hash text,
			mk_snapshot jsonb,
			extra jsonb NOT NULL DEFAULT '{}'::jsonb,
			created_at timestamptz NOT NULL DEFAULT now(),
			updated_at timestamptz NOT NULL DEFAULT now(),
			CONSTRAINT ${t.name(`${alias}_crm_uq`)} UNIQUE (company_id, crm_id),
			CONSTRAINT ${t.name(`${alias}_mk_uq`)} UNIQUE (company_id, ${withDocType ? 'doc_type, ' : ''}mk_id)
		)`,
		`CREATE INDEX ${t.name(`${alias}_updated_idx`)} ON ${table} (company_id, updated_at, id)`,
	];
}

/**
 * Adds mk_host to a table: rows written before it get the production host (the credential's
 * default, what nearly every existing store holds). The default is then dropped so a write that
 * forgets the host fails instead of landing on production.
 */
function addHost(table: string): string[] {
	return [
		`ALTER TABLE ${table} ADD COLUMN mk_host text NOT NULL DEFAULT '${DEFAULT_METAKOCKA_HOST.replace(/'/g, "''")}'`,
		`ALTER TABLE ${table} ALTER COLUMN mk_host DROP DEFAULT`,
	];
}

function rekey(t: Tables, table: string, constraint: string, columns: string, primary = false): string {
	return `ALTER TABLE ${table} DROP CONSTRAINT ${t.name(constraint)}, ADD CONSTRAINT ${t.name(constraint)} ${
		primary ? 'PRIMARY KEY' : 'UNIQUE'
	} (${columns})`;
}

function reindex(t: Tables, table: string, index: string, columns: string): string[] {
	return [`DROP INDEX ${t.quotedSchema}.${t.name(index)}`, `CREATE INDEX ${t.name(index)} ON ${table} (${columns})`];
}

function hostKeyedMappingTable(
	t: Tables,
	key: 'contactMappings' | 'salesDocumentMappings' | 'productMappings',
	alias: string,
	withDocType: boolean,
): string[] {
	const table = t.table(key);
	return [
		...addHost(table),
		rekey(t, table, `${alias}_crm_uq`, 'company_id, mk_host, crm_id'),
		rekey(t, table, `${alias}_mk_uq`, `company_id, mk_host, ${withDocType ? 'doc_type, ' : ''}mk_id`),
		...reindex(t, table, `${alias}_updated_idx`, 'company_id, mk_host, updated_at, id'),
	];
}

export const MIGRATIONS: readonly Migration[] = [
	{
		version: 1,
		name: 'mapping tables',
		up: (t) => [
			...mappingTable(t, 'contactMappings', 'mk_contact_map', false),
			...mappingTable(t, 'salesDocumentMappings', 'mk_sales_doc_map', true),
			...mappingTable(t, 'productMappings', 'mk_product_map', false),
		],
	},
	{
		version: 2,
		name: 'email links',
		up: (t) => [
			`CREATE TABLE ${t.table('emailContactLinks')} (
				id bigserial PRIMARY KEY,
				company_id text NOT NULL,
				message_id text NOT NULL,
				mk_id text NOT NULL,
				email text,
				partner_name text,
				confidence numeric,
				evidence jsonb,
				created_at timestamptz NOT NULL DEFAULT now(),
				CONSTRAINT ${t.name('email_mk_contact_uq')} UNIQUE (company_id, message_id, mk_id)
			)`,
			`CREATE INDEX ${t.name('email_mk_contact_mk_idx')} ON ${t.table('emailContactLinks')} (company_id, mk_id)`,
			// doc_type is part of the key because Metakocka document ids are only unique per type.
			`CREATE TABLE ${t.table('emailDocumentLinks')} (
				id bigserial PRIMARY KEY,
				company_id text NOT NULL,
				message_id text NOT NULL,
				mk_id text NOT NULL,
				doc_type text NOT NULL DEFAULT '',
				count_code text,
				confidence numeric,
				evidence jsonb,
				created_at timestamptz NOT NULL DEFAULT now(),
				CONSTRAINT ${t.name('email_mk_doc_uq')} UNIQUE (company_id, message_id, doc_type, mk_id)
			)`,
			`CREATE INDEX ${t.name('email_mk_doc_mk_idx')} ON ${t.table('emailDocumentLinks')} (company_id, mk_id)`,
		],
	},
	{
		version: 3,
		name: 'email templates',
		up: (t) => [
			`CREATE TABLE ${t.table('templates')} (
				id bigserial PRIMARY KEY,
				company_id text NOT NULL,
				name text NOT NULL,
				subject text NOT NULL DEFAULT '',
				body text NOT NULL,
				description text,
				created_at timestamptz NOT NULL DEFAULT now(),
				updated_at timestamptz NOT NULL DEFAULT now(),
				CONSTRAINT ${t.name('email_tpl_name_uq')} UNIQUE (company_id, name)
			)`,
		],
	},
	{
		version: 4,
		name: 'error log and sync state',
		up: (t) => [
			`CREATE TABLE ${t.table('errorLog')} (
				id bigserial PRIMARY KEY,
				company_id text NOT NULL,
				node text NOT NULL,
				operation text,
				method text,
				item_index integer,
				mk_code text,
				mk_description text,
				request jsonb,
				created_at timestamptz NOT NULL DEFAULT now()
			)`,
			`CREATE INDEX ${t.name('mk_error_log_created_idx')} ON ${t.table('errorLog')} (company_id, created_at DESC, id DESC)`,
			`CREATE TABLE ${t.table('syncState')} (
				company_id text NOT NULL,
				key text NOT NULL,
				value jsonb,
				updated_at timestamptz NOT NULL DEFAULT now(),
				CONSTRAINT ${t.name('mk_sync_state_pk')} PRIMARY KEY (company_id, key)
			)`,
		],
	},
	{
		version: 6,
		name: 'key mappings, email links and sync state by Metakocka host',
		up: (t) => [
			...hostKeyedMappingTable(t, 'contactMappings', 'mk_contact_map', false),
			...hostKeyedMappingTable(t, 'salesDocumentMappings', 'mk_sales_doc_map', true),
			...hostKeyedMappingTable(t, 'productMappings', 'mk_product_map', false),
			...addHost(t.table('emailContactLinks')),
			rekey(t, t.table('emailContactLinks'), 'email_mk_contact_uq', 'company_id, mk_host, message_id, mk_id'),
			...reindex(t, t.table('emailContactLinks'), 'email_mk_contact_mk_idx', 'company_id, mk_host, mk_id'),
			...addHost(t.table('emailDocumentLinks')),
			rekey(t, t.table('emailDocumentLinks'), 'email_mk_doc_uq', 'company_id, mk_host, message_id, doc_type, mk_id'),
			...reindex(t, t.table('emailDocumentLinks'), 'email_mk_doc_mk_idx', 'company_id, mk_host, mk_id'),
			...addHost(t.table('syncState')),
			rekey(t, t.table('syncState'), 'mk_sync_state_pk', 'company_id, mk_host, key', true),
		],
	},
	{
		version: 7,
		name: 'sync run history',
		up: (t) => [
			`CREATE TABLE ${t.table('syncRuns')} (
				id bigserial PRIMARY KEY,
				company_id text NOT NULL,
				mk_host text NOT NULL,
				node text NOT NULL,
				operation text NOT NULL,
				execution_id text,
				dry_run boolean NOT NULL DEFAULT false,
				started_at timestamptz NOT NULL,
				finished_at timestamptz NOT NULL,
				total integer NOT NULL DEFAULT 0,
				failed integer NOT NULL DEFAULT 0,
				counts jsonb NOT NULL DEFAULT '{}'::jsonb,
				first_errors jsonb NOT NULL DEFAULT '[]'::jsonb
			)`,
			`CREATE INDEX ${t.name('mk_sync_runs_started_idx')} ON ${t.table('syncRuns')} (company_id, mk_host, started_at DESC, id DESC)`,
		],
	},
];

export const LATEST_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

async function migrationTableExists(q: Queryable, t: Tables): Promise<boolean> {
	const res = await q.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [
		t.table('migrations'),
	]);
	return res.rows[0]?.exists === true;
}

async function appliedVersions(q: Queryable, t: Tables): Promise<Set<number>> {
	if (!(await migrationTableExists(q, t))) return new Set();
	const res = await q.query<{ version: number }>(`SELECT version FROM ${t.table('migrations')}`);
	return new Set(res.rows.map((r) => Number(r.version)));
}

/**
 * Applies pending migrations and returns the versions this call applied. Concurrent callers
 * (several n8n workers starting at once) serialise on a session advisory lock; whoever comes
 * second finds nothing left to do.
 */
export async function runMigrations(
	db: Db,
	t: Tables,
	migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
	const sorted = [...migrations].sort((a, b) => a.version - b.version);
	const pending = (applied: Set<number>) => sorted.filter((m) => !applied.has(m.version));

	// Fast path without the lock: every execution opens the store, most find nothing to do.
	if (pending(await appliedVersions(db, t)).length === 0) return [];

	const lockKey = advisoryKey('migrations', t.schema, t.prefix);
	return db.withClient(async (client, discard) => {
		await client.query('SELECT pg_advisory_lock($1::bigint)', [lockKey]);
		try {
			const exists = await client.query<{ exists: boolean }>(
				'SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS exists',
				[t.schema],
			);
			// Skip CREATE SCHEMA when it exists: the user may lack CREATE on the database.
			if (exists.rows[0]?.exists !== true) {
				await client.query(`CREATE SCHEMA IF NOT EXISTS ${t.quotedSchema}`).catch((err: StoreError) => {
					// Another prefix in the same schema (different lock key) may have won the race.
					if (err.pgCode !== '23505' && err.pgCode !== '42P06') throw err;
				});
			}
			await client.query(
				`CREATE TABLE IF NOT EXISTS ${t.table('migrations')} (
					version integer PRIMARY KEY,
					name text NOT NULL,
					applied_at timestamptz NOT NULL DEFAULT now()
				)`,
			);
			const applied: number[] = [];
			for (const migration of pending(await appliedVersions(client, t))) {
				await client.query('BEGIN');
				let committed = false;
				try {
					for (const statement of migration.up(t)) await client.query(statement);
					await client.query(`INSERT INTO ${t.table('migrations')} (version, name) VALUES ($1, $2)`, [
						migration.version,
						migration.name,
					]);
					await client.query('COMMIT');
					committed = true;
				} finally {
					if (!committed) await rollback(client, discard);
				}
				applied.push(migration.version);
			}
			return applied;
		} finally {
			try {
				await client.query('SELECT pg_advisory_unlock($1::bigint)', [lockKey]);
			} catch (unlockErr) {
				// Dropping the connection is the only other way to release a session lock.
				discard(unlockErr as Error);
			}
		}
	});
}
