import { Pool } from 'pg';

import { MappingStore, StoreError } from '../../../src/store';
import { advisoryKey } from '../../../src/store/hash';
import { PG, dropSchema, newPool, randomSchema } from './helpers';

const schema = randomSchema();
// Two pools = two n8n workers sharing one database.
let poolA: Pool;
let poolB: Pool;
let workerA: MappingStore;
let workerB: MappingStore;

beforeAll(async () => {
	poolA = newPool();
	poolB = newPool();
	workerA = await MappingStore.fromPool(poolA, { schema });
	workerB = await MappingStore.fromPool(poolB, { schema });
});

afterAll(async () => {
	await Promise.all([workerA.close(), workerB.close()]);
	await Promise.all([poolA.end(), poolB.end()]);
	await dropSchema(schema);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** pg_locks shows a bigint advisory key as two 32-bit halves. */
function lockParts(entity: string, key: string): [string, string] {
	const k = BigInt(advisoryKey('lock', schema, '', 'https://main.metakocka.si', 'c1', entity, key));
	return [((k >> 32n) & 0xffffffffn).toString(), (k & 0xffffffffn).toString()];
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
	let resolve!: () => void;
	const promise = new Promise<void>((r) => {
		resolve = r;
	});
	return { promise, resolve };
}

describe('MappingStore.withLocks', () => {
	it('serialises two workers on the same key', async () => {
		const events: string[] = [];
		const aInside = deferred();
		const releaseA = deferred();
		const a = workerA.withLocks('c1', 'contact', ['crm-1'], async () => {
			events.push('A start');
			aInside.resolve();
			await releaseA.promise;
			events.push('A end');
			return 'a';
		});
		await aInside.promise;
		const b = workerB.withLocks('c1', 'contact', ['crm-1'], async () => {
			events.push('B start');
			return 'b';
		});
		await sleep(200);
		expect(events).toEqual(['A start']);
		releaseA.resolve();
		expect(await Promise.all([a, b])).toEqual(['a', 'b']);
		expect(events).toEqual(['A start', 'A end', 'B start']);
	});

	it('the classic race: only one worker creates the record in Metakocka', async () => {
		let created = 0;
		const syncOne = (store: MappingStore) =>
			store.withLocks('race', 'contact', ['crm-race'], async () => {
				const existing = await store.contacts.getByCrmIds('race', ['crm-race']);
				if (existing.has('crm-race')) return 'found';
				await sleep(50); // the Metakocka call
				created += 1;
				await store.contacts.upsertMany('race', [{ crmId: 'crm-race', mkId: `mk-${created}` }]);
				return 'created';
			});
		const results = await Promise.all([syncOne(workerA), syncOne(workerB), syncOne(workerA), syncOne(workerB)]);
		expect(created).toBe(1);
		expect(results.sort()).toEqual(['created', 'found', 'found', 'found']);
	});

	it('does not block different keys, entities or companies', async () => {
		const releaseA = deferred();
		const aInside = deferred();
		const a = workerA.withLocks('c1', 'contact', ['k'], async () => {
			aInside.resolve();
			await releaseA.promise;
		});
		await aInside.promise;
		const started = Date.now();
		await workerB.withLocks('c1', 'contact', ['other-key'], async () => undefined);
		await workerB.withLocks('c1', 'product', ['k'], async () => undefined);
		await workerB.withLocks('c2', 'contact', ['k'], async () => undefined);
		expect(Date.now() - started).toBeLessThan(2_000);
		releaseA.resolve();
		await a;
	});

	it('overlapping key sets in opposite order do not deadlock', async () => {
		const runs: Promise<unknown>[] = [];
		for (let i = 0; i < 10; i++) {
			runs.push(workerA.withLocks('c1', 'sales_document', ['x', 'y', 'z'], () => sleep(5)));
			runs.push(workerB.withLocks('c1', 'sales_document', ['z', 'y', 'x'], () => sleep(5)));
		}
		await expect(Promise.all(runs)).resolves.toHaveLength(20);
	});

	it('releases the locks when fn throws and passes the error through unchanged', async () => {
		const boom = new Error('Metakocka said no');
		await expect(
			workerA.withLocks('c1', 'product', ['p1', 'p2'], async () => {
				throw boom;
			}),
		).rejects.toBe(boom);
		await expect(workerB.withLocks('c1', 'product', ['p2'], async () => 'free', { timeoutMs: 1_000 })).resolves.toBe(
			'free',
		);
		for (const k of ['p1', 'p2']) {
			const held = await poolA.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objid = $2", lockParts('product', k));
			expect(held.rows).toEqual([]);
		}
	});

	it('gives up with LOCK_TIMEOUT when another worker holds the key too long', async () => {
		const releaseA = deferred();
		const aInside = deferred();
		const a = workerA.withLocks('c1', 'contact', ['slow'], async () => {
			aInside.resolve();
			await releaseA.promise;
		});
		await aInside.promise;
		const err = await workerB
			.withLocks('c1', 'contact', ['slow'], async () => 'never', { timeoutMs: 200 })
			.catch((e: unknown) => e);
		releaseA.resolve();
		await a;
		expect(err).toBeInstanceOf(StoreError);
		expect(err).toMatchObject({ code: 'LOCK_TIMEOUT' });
		expect((err as Error).message).toMatch(/Timed out after 200 ms .* contact "slow" of company c1/);
		// The timed-out client went back to the pool without a lingering lock_timeout.
		const clients = await Promise.all([poolB.connect(), poolB.connect()]);
		try {
			for (const c of clients) expect((await c.query('SHOW lock_timeout')).rows[0].lock_timeout).toBe('0');
		} finally {
			clients.forEach((c) => c.release());
		}
	});

	it('survives Postgres dropping the lock connection while fn runs', async () => {
		const result = await workerA.withLocks('c1', 'contact', ['dropped'], async () => {
			const holder = await poolB.query<{ pid: number }>(
				"SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objid = $2",
				lockParts('contact', 'dropped'),
			);
			expect(holder.rows).toHaveLength(1);
			await poolB.query('SELECT pg_terminate_backend($1)', [holder.rows[0].pid]);
			await sleep(100);
			return 'done anyway';
		});
		expect(result).toBe('done anyway');
		await expect(workerA.withLocks('c1', 'contact', ['dropped'], async () => 'again')).resolves.toBe('again');
	});

	it('holds the locks of many items at once on one connection, so a small pool still serves their queries', async () => {
		const small = newPool(3);
		const store = await MappingStore.fromPool(small, { schema });
		try {
			let inside = 0;
			let peak = 0;
			const runs = Array.from({ length: 24 }, (_, i) =>
				store.withLocks('c1', 'contact', [`many-${i}`], async () => {
					peak = Math.max(peak, ++inside);
					await store.contacts.getByCrmIds('c1', [`many-${i}`]);
					await sleep(30);
					inside--;
					return i;
				}),
			);
			expect(await Promise.all(runs)).toEqual(Array.from({ length: 24 }, (_, i) => i));
			// Far more items held their lock at once than the pool has connections.
			expect(peak).toBeGreaterThan(3);
			for (const i of [0, 11, 23]) {
				const held = await poolA.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objid = $2", lockParts('contact', `many-${i}`));
				expect(held.rows).toEqual([]);
			}
		} finally {
			await store.close();
			await small.end();
		}
	});

	it('serialises the same key within one store too (session locks are re-entrant)', async () => {
		const order: string[] = [];
		await Promise.all(
			['first', 'second'].map((name) =>
				workerA.withLocks('c1', 'contact', ['same-store'], async () => {
					order.push(`${name} in`);
					await sleep(40);
					order.push(`${name} out`);
				}),
			),
		);
		expect(order).toEqual(['first in', 'first out', 'second in', 'second out']);
	});

	it('runs fn directly for an empty key list and validates arguments', async () => {
		await expect(workerA.withLocks('c1', 'contact', [], async () => 1)).resolves.toBe(1);
		await expect(workerA.withLocks('', 'contact', ['k'], async () => 1)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
		await expect(
			workerA.withLocks('c1', 'invoice' as never, ['k'], async () => 1),
		).rejects.toMatchObject({ code: 'INVALID_INPUT' });
	});
});

describe('MappingStore.open / close', () => {
	it('rejects a malicious schema or prefix before connecting', async () => {
		for (const options of [
			{ schema: 'bad-name; drop table' },
			{ tablePrefix: 'bad-name; drop table' },
			{ schema: 'Public' },
			{ schema: 'pg_catalog' },
			{ schema: 'a'.repeat(41) },
			{ tablePrefix: 'p'.repeat(31) },
			{ schema: '"x"' },
		]) {
			const err = await MappingStore.open(PG, options).catch((e: unknown) => e);
			expect(err).toBeInstanceOf(StoreError);
			expect(err).toMatchObject({ code: 'INVALID_INPUT' });
		}
	});

	it('reports an unreachable Postgres clearly, without the password, and ends its pool', async () => {
		const endSpy = jest.spyOn(Pool.prototype, 'end');
		try {
			for (const host of ['127.0.0.1', 'localhost']) {
				const password = 'hunter2-very-secret';
				const err = await MappingStore.open({ ...PG, host, port: 1, password }, { schema }).catch((e: unknown) => e);
				expect(err).toBeInstanceOf(StoreError);
				expect(err).toMatchObject({ code: 'UNREACHABLE' });
				const message = (err as Error).message;
				expect(message.startsWith(`Postgres is not reachable at ${host}:1: `)).toBe(true);
				expect(message).toMatch(/ECONNREFUSED/);
				expect(JSON.stringify(err)).not.toContain(password);
				expect(message).not.toContain(password);
				expect(String((err as Error).stack)).not.toContain(password);
				expect((err as Error).cause).toBeUndefined();
			}
			expect(endSpy).toHaveBeenCalledTimes(2);
		} finally {
			endSpy.mockRestore();
		}
	});

	it('names a missing database', async () => {
		await expect(MappingStore.open({ ...PG, database: 'mk_no_such_db' }, { schema })).rejects.toMatchObject({
			code: 'DATABASE_MISSING',
			message: `Postgres database "mk_no_such_db" does not exist at ${PG.host}:${PG.port}`,
		});
	});

	it('open() creates its own pool; close() ends it and is idempotent', async () => {
		const store = await MappingStore.open(PG, { schema, tablePrefix: 'own_' });
		await store.contacts.upsertMany('c1', [{ crmId: '1', mkId: '1' }]);
		await store.close();
		await store.close();
		expect(store.pool.ended).toBe(true);
	});

	it('keeps working after Postgres drops an idle pooled connection', async () => {
		const store = await MappingStore.open(PG, { schema, tablePrefix: 'own_' });
		try {
			const { rows } = await store.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
			await poolA.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
			await sleep(100);
			expect(await store.contacts.getByCrmIds('c1', ['1'])).toBeInstanceOf(Map);
		} finally {
			await store.close();
		}
	});
});
