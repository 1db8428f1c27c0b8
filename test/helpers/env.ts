import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';

import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox';

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
