import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';

import { MetakockaClient, type ClientOptions } from '../../src/client';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox';
import { MappingStore } from '../../src/store';

export const PG = {
	host: process.env.PGHOST ?? '127.0.0.1',
	port: Number(process.env.PGPORT ?? 5432),
	database: process.env.PGDATABASE ?? 'test',
	user: process.env.PGUSER ?? 'postgres',
	password: process.env.PGPASSWORD ?? '',
};

export interface TestEnv {
	sandbox: Sandbox;
	schema: string;
	companyId: string;
	secretKey: string;
	/** Credentials in the shape n8n hands them to the nodes. */
	credentials: { metakockaApi: Record<string, string>; postgres: Record<string, string | number> };
	/** The node parameter that points the mapping store at this test's schema. */
	mappingStore: { schema: string };
	pool: Pool;
	close(): Promise<void>;
}

/** A fresh sandbox and a fresh Postgres schema per test file; both are removed by close(). */
export async function startTestEnv(options: SandboxOptions = {}): Promise<TestEnv> {
	const companyId = options.companyId ?? '16';
	const secretKey = options.secretKey ?? `test-secret-${randomBytes(6).toString('hex')}`;
	const sandbox = await startSandbox({ ...options, companyId, secretKey });
	const schema = `mk_test_${randomBytes(5).toString('hex')}`;
	const pool = new Pool({ ...PG, max: 2 });
	return {
		sandbox,
		schema,
		companyId,
		secretKey,
		credentials: {
			metakockaApi: { companyId, secretKey, baseUrl: sandbox.baseUrl },
			postgres: { ...PG, ssl: 'disable' },
		},
		mappingStore: { schema },
		pool,
		async close() {
			await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
			await pool.end();
			await sandbox.close();
		},
	};
}

export interface SyncSuite {
	env: TestEnv;
	/** The store's own pool (the env's pool stays for the test's queries). */
	pool: Pool;
	store: MappingStore;
	/** A client that never waits between retries or before reconciling. */
	client: MetakockaClient;
}

/**
 * The set-up every sync suite shares: a sandbox, a store on the test's own schema and a client that
 * does not wait, opened before the file's tests and closed after them. The returned object is
 * filled in beforeAll; it is also the { client, store } the sync functions take.
 */
export function syncSuite(options: { poolMax?: number; client?: ClientOptions; keyByHost?: boolean } = {}): SyncSuite {
	const suite = {} as SyncSuite;
	beforeAll(async () => {
		suite.env = await startTestEnv();
		suite.pool = new Pool({ ...PG, max: options.poolMax ?? 5 });
		suite.client = new MetakockaClient(suite.env.credentials.metakockaApi as never, { reconcileDelayMs: 0, retryBaseDelayMs: 1, ...options.client });
		suite.store = await MappingStore.fromPool(suite.pool, { schema: suite.env.schema, ...(options.keyByHost ? { metakockaHost: suite.client.baseUrl } : {}) });
	});
	afterAll(async () => {
		await suite.store?.close();
		await suite.pool?.end();
		await suite.env?.close();
	});
	return suite;
}
