import { type Db, requireCompanyId, requireNonEmpty, toJsonParam } from './db';
import { StoreError } from './errors';
import type { Tables } from './tables';

/** Small JSON values per company, e.g. import cursors ("last changed since" timestamps). */
export class SyncStateRepository {
	private readonly table: string;

	constructor(
		private readonly db: Db,
		tables: Tables,
		/** Cursors are per Metakocka host: a test host's "changed since" means nothing on production. */
		private readonly host: string,
	) {
		this.table = tables.table('syncState');
	}

	/** undefined when the key was never set. */
	async get<T = unknown>(companyId: string, key: string): Promise<T | undefined> {
		requireCompanyId(companyId);
		requireNonEmpty('key', key);
		const res = await this.db.query<{ value: T }>(`SELECT value FROM ${this.table} WHERE company_id = $1 AND mk_host = $3 AND key = $2`, [
			companyId,
			key,
			this.host,
		]);
		return res.rows.length ? res.rows[0].value : undefined;
	}

	async set(companyId: string, key: string, value: unknown): Promise<void> {
		requireCompanyId(companyId);
		requireNonEmpty('key', key);
		if (value === undefined) throw new StoreError('INVALID_INPUT', 'Sync state value must not be undefined');
		// JSON null is stored as 'null' (not SQL NULL) so get() can tell it from a missing key.
		const json = value === null ? 'null' : toJsonParam(value);
		await this.db.query(
			`INSERT INTO ${this.table} (company_id, mk_host, key, value) VALUES ($1, $4, $2, $3::jsonb)
			ON CONFLICT (company_id, mk_host, key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
			[companyId, key, json, this.host],
		);
	}

	/** True when the key existed. */
	async delete(companyId: string, key: string): Promise<boolean> {
		requireCompanyId(companyId);
		requireNonEmpty('key', key);
		const res = await this.db.query(`DELETE FROM ${this.table} WHERE company_id = $1 AND mk_host = $3 AND key = $2`, [
			companyId,
			key,
			this.host,
		]);
		return (res.rowCount ?? 0) > 0;
	}
}
