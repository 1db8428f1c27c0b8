import { Pool, type PoolClient } from 'pg';

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
	private readonly locks: LockSessions;

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
		this.locks = new LockSessions(pool, this.db);
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
	 * Session-level advisory locks, taken in sorted key order so overlapping key sets cannot
	 * deadlock, all released in finally. Every withLocks call of this store shares ONE lock
	 * connection (pg_try_advisory_lock, polled until the timeout), so a Sync with many items in
	 * flight needs one connection for its locks plus a few for its queries, not two per item.
	 * Session locks are re-entrant within their session, so keys are also locked in-process.
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
		const deadline = Date.now() + timeoutMs;
		const timedOut = () =>
			new StoreError(
				'LOCK_TIMEOUT',
				`Timed out after ${timeoutMs} ms waiting for another worker to finish with ${entity} ${
					unique.length === 1 ? JSON.stringify(unique[0]) : `keys ${JSON.stringify(unique)}`
				} of company ${companyId}`,
				{ pgCode: '55P03' },
			);

		const releaseLocal = await this.locks.local(lockKeys, deadline, timedOut);
		try {
			const session = await this.locks.open();
			const taken: string[] = [];
			try {
				for (const key of lockKeys) {
					for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
						const res = await session.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key]);
						if (res.rows[0]?.ok) break;
						if (Date.now() + wait > deadline) throw timedOut();
						await sleep(wait);
					}
					taken.push(key);
				}
				return await fn();
			} finally {
				await this.locks.close(session, taken);
			}
		} finally {
			releaseLocal();
		}
	}

	/** Ends the pool when open() created it. Safe to call more than once. */
	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		if (this.ownsPool) await this.pool.end();
	}
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface LockSession {
	client: PoolClient;
	users: number;
	broken?: Error;
	query<R extends Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

/** The one connection that holds this store's advisory locks, and the in-process key queue. */
class LockSessions {
	private session?: LockSession;
	private connecting?: Promise<LockSession>;
	private readonly held = new Map<string, Promise<void>>();

	constructor(
		private readonly pool: Pool,
		private readonly db: Db,
	) {}

	/** Waits for in-process holders of the keys (in order); returns the release. */
	async local(keys: string[], deadline: number, timedOut: () => Error): Promise<() => void> {
		const releases: Array<() => void> = [];
		const releaseAll = () => releases.splice(0).forEach((r) => r());
		try {
			for (const key of keys) {
				const prev = this.held.get(key);
				let release!: () => void;
				const mine = new Promise<void>((r) => (release = r));
				const tail = (prev ?? Promise.resolve()).then(() => mine);
				this.held.set(key, tail);
				releases.push(() => {
					release();
					if (this.held.get(key) === tail) this.held.delete(key);
				});
				if (prev) {
					let timer: NodeJS.Timeout | undefined;
					const expired = new Promise<'expired'>((r) => (timer = setTimeout(() => r('expired'), Math.max(0, deadline - Date.now()))));
					const outcome = await Promise.race([prev.then(() => 'free' as const), expired]);
					clearTimeout(timer);
					if (outcome === 'expired') throw timedOut();
				}
			}
			return releaseAll;
		} catch (error) {
			releaseAll();
			throw error;
		}
	}

	async open(): Promise<LockSession> {
		if (!this.session || this.session.broken) {
			this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
			await this.connecting;
		}
		const session = this.session!;
		session.users++;
		return session;
	}

	private async connect(): Promise<LockSession> {
		let client: PoolClient;
		try {
			client = await this.pool.connect();
		} catch (err) {
			throw this.db.translate(err);
		}
		// Statements one after another (pg deprecates overlapping queries on one client).
		let tail: Promise<unknown> = Promise.resolve();
		const session: LockSession = {
			client,
			users: 0,
			query: (text, params) => {
				const run = tail.then(async () => {
					try {
						return await client.query(text, params);
					} catch (err) {
						// A failed statement on the lock connection: its locks are in doubt, so it is not reused.
						session.broken ??= err as Error;
						throw this.db.translate(err);
					}
				});
				tail = run.catch(() => undefined);
				return run as Promise<never>;
			},
		};
		// Postgres dropping the connection ends its session locks; holders finish, the next caller reconnects.
		client.on('error', (err: Error) => {
			session.broken ??= err;
		});
		this.session = session;
		return session;
	}

	async close(session: LockSession, keys: string[]): Promise<void> {
		for (const key of keys.reverse()) {
			if (session.broken) break;
			await session.query('SELECT pg_advisory_unlock($1::bigint)', [key]).catch(() => undefined);
		}
		// Synchronous from here: no open() can slip in between the count and the release.
		session.users--;
		if (session.users > 0) return;
		if (this.session === session) this.session = undefined;
		// Closing a broken connection releases whatever it still held.
		session.client.removeAllListeners('error');
		session.client.release(session.broken);
	}
}
