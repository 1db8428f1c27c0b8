import { randomBytes } from 'crypto';
import { Pool } from 'pg';

import { MappingStore, type PostgresConnectionConfig } from '../../../src/store';

/** The machine's (and CI's) Postgres; PG* variables override the defaults. */
export const PG: PostgresConnectionConfig & { port: number; ssl?: undefined } = {
	host: process.env.PGHOST ?? '127.0.0.1',
	port: Number(process.env.PGPORT ?? 5432),
	database: process.env.PGDATABASE ?? 'test',
	user: process.env.PGUSER ?? 'postgres',
	password: process.env.PGPASSWORD ?? '',
};

export function newPool(max = 10): Pool {
	const { ssl: _ssl, ...plain } = PG;
	return new Pool({ ...plain, max });
}

export function randomSchema(): string {
	return `mk_test_${randomBytes(6).toString('hex')}`;
}

export async function dropSchema(schema: string): Promise<void> {
	const pool = newPool(1);
	try {
		await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
	} finally {
		await pool.end();
	}
}

/** Counts statements sent through pool.query and through clients checked out of the pool. */
export function countStatements(pool: Pool): { texts: string[]; restore: () => void } {
	const texts: string[] = [];
	const originalQuery = pool.query;
	const originalConnect = pool.connect;
	const record = (text: unknown) => texts.push(typeof text === 'string' ? text : JSON.stringify(text));
	const p = pool as unknown as Record<string, unknown>;
	p.query = function (this: Pool, ...args: unknown[]) {
		record(args[0]);
		return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
	};
	p.connect = async function (this: Pool, ...args: unknown[]) {
		// pool.query checks out with a callback; it is already counted above.
		if (typeof args[0] === 'function') return (originalConnect as (...a: unknown[]) => unknown).apply(this, args);
		const client = await (originalConnect as unknown as () => Promise<Record<string, unknown>>).call(this);
		const clientQuery = client.query as (...a: unknown[]) => unknown;
		client.query = function (this: unknown, ...args: unknown[]) {
			record(args[0]);
			return clientQuery.apply(this, args);
		};
		const release = client.release as (...a: unknown[]) => unknown;
		client.release = function (this: unknown, ...args: unknown[]) {
			client.query = clientQuery;
			client.release = release;
			return release.apply(this, args);
		};
		return client;
	};
	return {
		texts,
		restore: () => {
			p.query = originalQuery;
			p.connect = originalConnect;
		},
	};
}

/** A store on a schema of its own, opened before the file's tests and dropped after them (filled in beforeAll). */
export function storeSuite(): { store: MappingStore; schema: string } {
	const suite = { schema: randomSchema() } as { store: MappingStore; schema: string };
	beforeAll(async () => {
		suite.store = await MappingStore.open(PG, { schema: suite.schema });
	});
	afterAll(async () => {
		await suite.store?.close();
		await dropSchema(suite.schema);
	});
	return suite;
}
