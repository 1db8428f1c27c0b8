import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';

import { type ErrorContext, StoreError, isConnectionError, translateError } from './errors';

export interface Queryable {
	query<R extends QueryResultRow = QueryResultRow>(text: string, params?: unknown[]): Promise<QueryResult<R>>;
}

/**
 * Thin wrapper over the pool: every failure leaves here as a StoreError with a readable,
 * password-free message, and checked-out clients never crash the process on socket errors.
 */
export class Db {
	constructor(
		readonly pool: Pool,
		readonly errorContext: ErrorContext,
	) {}

	translate(err: unknown): Error {
		return translateError(err, this.errorContext);
	}

	async query<R extends QueryResultRow = QueryResultRow>(text: string, params?: unknown[]): Promise<QueryResult<R>> {
		try {
			return await this.pool.query<R>(text, params);
		} catch (err) {
			throw this.translate(err);
		}
	}

	/**
	 * Runs fn on one dedicated client. A client whose connection failed (or whose state is
	 * uncertain, see `discard`) is destroyed instead of going back to the pool.
	 */
	async withClient<T>(fn: (client: Queryable, discard: (reason: Error) => void) => Promise<T>): Promise<T> {
		let client: PoolClient;
		try {
			client = await this.pool.connect();
		} catch (err) {
			throw this.translate(err);
		}
		let broken: Error | undefined;
		// A checked-out client with no 'error' listener takes the whole worker down when
		// Postgres restarts while we wait (e.g. during a Metakocka call inside withLocks).
		const onError = (err: Error) => {
			broken ??= err;
		};
		client.on('error', onError);
		const wrapped: Queryable = {
			query: async <R extends QueryResultRow>(text: string, params?: unknown[]) => {
				try {
					return await client.query<R>(text, params);
				} catch (err) {
					if (isConnectionError(err)) broken ??= err as Error;
					throw this.translate(err);
				}
			},
		};
		try {
			return await fn(wrapped, (reason) => {
				broken ??= reason;
			});
		} finally {
			client.off('error', onError);
			client.release(broken);
		}
	}

	async transaction<T>(fn: (client: Queryable) => Promise<T>): Promise<T> {
		return this.withClient(async (client, discard) => {
			await client.query('BEGIN');
			let committed = false;
			try {
				const result = await fn(client);
				await client.query('COMMIT');
				committed = true;
				return result;
			} finally {
				if (!committed) await rollback(client, discard);
			}
		});
	}
}

/** Best effort: a connection that cannot roll back is not fit to return to the pool. */
export async function rollback(client: Queryable, discard: (reason: Error) => void): Promise<void> {
	try {
		await client.query('ROLLBACK');
	} catch (err) {
		discard(err as Error);
	}
}

export function requireCompanyId(companyId: string): string {
	// The company id is the isolation boundary; an empty one would pool every caller together.
	if (typeof companyId !== 'string' || companyId.trim() === '') {
		throw new StoreError('INVALID_INPUT', 'A Metakocka company id is required');
	}
	return companyId;
}

export function requireNonEmpty(name: string, value: unknown): string {
	if (typeof value !== 'string' || value === '') {
		throw new StoreError('INVALID_INPUT', `${name} must be a non-empty string`);
	}
	return value;
}

export function toJsonParam(value: unknown): string | null {
	if (value === undefined || value === null) return null;
	const json = JSON.stringify(value);
	return json === undefined ? null : json;
}

export function pageLimit(value: number | undefined, fallback: number, max = 10_000): number {
	if (value === undefined) return fallback;
	if (!Number.isInteger(value) || value < 0 || value > max) {
		throw new StoreError('INVALID_INPUT', `limit must be an integer between 0 and ${max}`);
	}
	return value;
}

export function pageOffset(value: number | undefined): number {
	if (value === undefined) return 0;
	if (!Number.isInteger(value) || value < 0) {
		throw new StoreError('INVALID_INPUT', 'offset must be a non-negative integer');
	}
	return value;
}

export function uniqueStrings(values: string[], what: string): string[] {
	if (!Array.isArray(values)) throw new StoreError('INVALID_INPUT', `${what} must be an array`);
	for (const v of values) requireNonEmpty(what, v);
	return [...new Set(values)];
}
