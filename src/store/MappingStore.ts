import { Pool } from 'pg';

import {
	type PostgresConnectionConfig,
	type ResolvedStoreOptions,
	type StoreOptions,
	endpointOf,
	resolveStoreOptions,
	toPoolConfig,
} from './config';
import { Db, requireCompanyId, uniqueStrings } from './db';
import { EmailContactLinks, EmailDocumentLinks } from './emailLinks';
import { type ErrorContext, StoreError } from './errors';
import { ErrorLogRepository } from './errorLog';
import { advisoryKey } from './hash';
import { type MappingEntity, MAPPING_ENTITIES, MappingRepository } from './mappings';
import { runMigrations } from './migrations';
import { SyncRunRepository } from './syncRuns';
import { SyncStateRepository } from './syncState';
import { type Tables, resolveTables } from './tables';
import { TemplateRepository } from './templates';

export interface WithLocksOptions {
	/** Overrides the store's lockTimeoutMs for this call. */
	timeoutMs?: number;
}

export class MappingStore {
	readonly contacts: MappingRepository;
	readonly salesDocuments: MappingRepository;
	readonly products: MappingRepository;
	readonly emailContacts: EmailContactLinks;
	readonly emailDocuments: EmailDocumentLinks;
	readonly templates: TemplateRepository;
	readonly errorLog: ErrorLogRepository;
	readonly syncState: SyncStateRepository;
	readonly syncRuns: SyncRunRepository;
	readonly tables: Tables;
	/** Normalised Metakocka host whose ids this store reads and writes (see StoreOptions). */
	readonly metakockaHost: string;
	/** Migration versions applied by the open() / fromPool() that created this store. */
	readonly migrationsApplied: number[] = [];

	private closed = false;

	private constructor(
		readonly pool: Pool,
		private readonly db: Db,
		private readonly options: ResolvedStoreOptions,
		private readonly ownsPool: boolean,
	) {
		this.tables = resolveTables(options.schema, options.tablePrefix);
		this.metakockaHost = options.metakockaHost;
		const host = options.metakockaHost;
		this.contacts = new MappingRepository(db, this.tables, 'contact', options.batchSize, host);
		this.salesDocuments = new MappingRepository(db, this.tables, 'sales_document', options.batchSize, host);
		this.products = new MappingRepository(db, this.tables, 'product', options.batchSize, host);
		this.emailContacts = new EmailContactLinks(db, this.tables, host);
		this.emailDocuments = new EmailDocumentLinks(db, this.tables, host);
		this.templates = new TemplateRepository(db, this.tables);
		this.errorLog = new ErrorLogRepository(db, this.tables);
		this.syncState = new SyncStateRepository(db, this.tables, host);
		this.syncRuns = new SyncRunRepository(db, this.tables, host);
	}

	/**
	 * Creates the pool for one n8n execution (share the store across its items), applies
	 * pending migrations and returns the store. The caller must close() it, also on failure.
	 */
	static async open(config: PostgresConnectionConfig, options: StoreOptions = {}): Promise<MappingStore> {
		const resolved = resolveStoreOptions(options);
		const pool = new Pool(toPoolConfig(config));
		// An idle client losing its connection (Postgres restart) emits 'error' on the pool; unheard,
		// it would crash the n8n worker. The next query reports the outage instead.
		pool.on('error', () => undefined);
		const db = new Db(pool, {
			endpoint: endpointOf(config),
			database: config.database,
			user: config.user,
			password: config.password,
		});
		return MappingStore.init(pool, db, resolved, true);
	}

	/**
	 * Store over a caller-owned pool (tests, or a host that shares one pool). Migrations run as
	 * in open(); close() leaves the pool open.
	 */
	static async fromPool(pool: Pool, options: StoreOptions = {}): Promise<MappingStore> {
		const resolved = resolveStoreOptions(options);
		const o = pool.options as { host?: string; port?: number; database?: string; user?: string; password?: unknown };
		const ctx: ErrorContext = {
			endpoint: endpointOf(o),
			database: o.database,
			user: o.user,
			password: typeof o.password === 'string' ? o.password : undefined,
		};
		return MappingStore.init(pool, new Db(pool, ctx), resolved, false);
	}

	private static async init(
		pool: Pool,
		db: Db,
		options: ResolvedStoreOptions,
		ownsPool: boolean,
	): Promise<MappingStore> {
		const store = new MappingStore(pool, db, options, ownsPool);
		let migrated = false;
		try {
			store.migrationsApplied.push(...(await runMigrations(db, store.tables)));
			migrated = true;
		} finally {
			if (!migrated) await store.close();
		}
		return store;
	}

	mappings(entity: MappingEntity): MappingRepository {
		switch (entity) {
			case 'contact':
				return this.contacts;
			case 'sales_document':
				return this.salesDocuments;
			case 'product':
				return this.products;
			default:
				throw new StoreError('INVALID_INPUT', `Unknown mapping entity ${JSON.stringify(entity)}`);
		}
	}

	/**
	 * Runs fn while holding cross-process locks on (company, entity, key) for every key, so two
	 * n8n workers cannot both miss a mapping and both create the record in Metakocka.
	 *
	 * Session-level advisory locks on one dedicated pool client, taken in sorted key order so
	 * overlapping key sets cannot deadlock; all released in finally. fn's own queries use other
	 * pool clients, so the pool needs at least two connections per concurrent withLocks call.
	 * Keys are scoped to this store's schema and table prefix.
	 */
	async withLocks<T>(
		companyId: string,
		entity: MappingEntity,
		keys: string[],
		fn: () => Promise<T>,
		opts: WithLocksOptions = {},
	): Promise<T> {
		requireCompanyId(companyId);
		if (!MAPPING_ENTITIES.includes(entity)) {
			throw new StoreError('INVALID_INPUT', `Unknown mapping entity ${JSON.stringify(entity)}`);
		}
		const unique = uniqueStrings(keys, 'lock keys');
		if (unique.length === 0) return fn();
		const timeoutMs = opts.timeoutMs ?? this.options.lockTimeoutMs;
		if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
			throw new StoreError('INVALID_INPUT', 'timeoutMs must be a positive integer');
		}
		const lockKeys = [
			...new Set(
				unique.map((k) =>
					advisoryKey('lock', this.tables.schema, this.tables.prefix, this.metakockaHost, companyId, entity, k),
				),
			),
		].sort((a, b) => {
			const d = BigInt(a) - BigInt(b);
			return d < 0n ? -1 : d > 0n ? 1 : 0;
		});

		return this.db.withClient(async (client, discard) => {
			// lock_timeout also bounds advisory lock waits; session-level because locks outlive statements.
			await client.query("SELECT set_config('lock_timeout', $1, false)", [`${timeoutMs}ms`]);
			try {
				for (const key of lockKeys) {
					await client.query('SELECT pg_advisory_lock($1::bigint)', [key]).catch((err: StoreError) => {
						if (err.pgCode !== '55P03') throw err;
						throw new StoreError(
							'LOCK_TIMEOUT',
							`Timed out after ${timeoutMs} ms waiting for another worker to finish with ${entity} ${
								unique.length === 1 ? JSON.stringify(unique[0]) : `keys ${JSON.stringify(unique)}`
							} of company ${companyId}`,
							{ pgCode: '55P03' },
						);
					});
				}
				return await fn();
			} finally {
				try {
					// The client is ours alone, so this drops exactly the locks taken above.
					await client.query('SELECT pg_advisory_unlock_all()');
					await client.query('RESET lock_timeout');
				} catch (err) {
					// Closing the connection releases its session locks; never reuse it.
					discard(err as Error);
				}
			}
		});
	}

	/** Ends the pool when open() created it. Safe to call more than once. */
	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		if (this.ownsPool) await this.pool.end();
	}
}
