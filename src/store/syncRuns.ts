import { type Db, pageLimit, pageOffset, requireCompanyId, requireNonEmpty, toJsonParam } from './db';
import { redactSecrets } from './errorLog';
import { StoreError } from './errors';
import type { Tables } from './tables';

/** How long run rows are kept when the node does not say. */
export const DEFAULT_RUN_RETENTION_DAYS = 30;
export const MAX_RUN_RETENTION_DAYS = 3650;
/** A run of 10,000 failures keeps the first few: enough to act on, not a second error log. */
export const MAX_RUN_ERRORS = 20;
const MAX_MESSAGE = 500;

export interface SyncRunError {
	itemIndex: number;
	crmId?: string | null;
	code?: string | null;
	message: string;
}

export interface SyncRunEntry {
	companyId: string;
	/** n8n node type, e.g. n8n-nodes-metakocka.metakockaContact. */
	node: string;
	/** "sync" or "import"; the node type says which resource. */
	operation: string;
	executionId?: string | null;
	dryRun: boolean;
	startedAt: Date;
	finishedAt: Date;
	/** Items per status: created, updated, unchanged, conflict, failed, … */
	counts: Record<string, number>;
	/** Only the first MAX_RUN_ERRORS are kept. */
	errors: SyncRunError[];
}

export interface SyncRun {
	id: number;
	companyId: string;
	node: string;
	operation: string;
	executionId: string | null;
	dryRun: boolean;
	startedAt: Date;
	finishedAt: Date;
	total: number;
	failed: number;
	counts: Record<string, number>;
	firstErrors: SyncRunError[];
}

export interface SyncRunFilter {
	operation?: string;
	node?: string;
	since?: Date;
	/** Only runs in which at least one item failed. */
	onlyFailed?: boolean;
	limit?: number;
	offset?: number;
}

interface SyncRunRow {
	id: string;
	company_id: string;
	node: string;
	operation: string;
	execution_id: string | null;
	dry_run: boolean;
	started_at: Date;
	finished_at: Date;
	total: number;
	failed: number;
	counts: Record<string, number>;
	first_errors: SyncRunError[];
}

const COLUMNS = 'id, company_id, node, operation, execution_id, dry_run, started_at, finished_at, total, failed, counts, first_errors';

const toRun = (row: SyncRunRow): SyncRun => ({
	id: Number(row.id),
	companyId: row.company_id,
	node: row.node,
	operation: row.operation,
	executionId: row.execution_id,
	dryRun: row.dry_run,
	startedAt: row.started_at,
	finishedAt: row.finished_at,
	total: row.total,
	failed: row.failed,
	counts: row.counts,
	firstErrors: row.first_errors,
});

function validDate(name: string, value: unknown): Date {
	if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new StoreError('INVALID_INPUT', `${name} must be a valid date`);
	return value;
}

export function retentionDays(value: number | undefined): number {
	if (value === undefined) return DEFAULT_RUN_RETENTION_DAYS;
	if (!Number.isInteger(value) || value < 1 || value > MAX_RUN_RETENTION_DAYS) {
		throw new StoreError('INVALID_INPUT', `Keep Run History must be a whole number of days between 1 and ${MAX_RUN_RETENTION_DAYS}`);
	}
	return value;
}

/** One row per Sync or Import run: what a person checks the morning after a scheduled run. */
export class SyncRunRepository {
	private readonly table: string;

	constructor(
		private readonly db: Db,
		tables: Tables,
		/** Runs are per Metakocka host, like the mappings they report on. */
		private readonly host: string,
	) {
		this.table = tables.table('syncRuns');
	}

	/**
	 * Records a run and drops the company's runs older than the retention, in one transaction:
	 * the table stays bounded without a scheduled cleanup.
	 */
	async record(entry: SyncRunEntry, opts: { retentionDays?: number } = {}): Promise<SyncRun> {
		requireCompanyId(entry?.companyId);
		requireNonEmpty('node', entry.node);
		requireNonEmpty('operation', entry.operation);
		const days = retentionDays(opts.retentionDays);
		const startedAt = validDate('startedAt', entry.startedAt);
		const finishedAt = validDate('finishedAt', entry.finishedAt);
		const counts: Record<string, number> = {};
		for (const [status, n] of Object.entries(entry.counts ?? {})) {
			if (!Number.isInteger(n) || n < 0) throw new StoreError('INVALID_INPUT', `count "${status}" must be a non-negative integer`);
			if (n > 0) counts[status] = n;
		}
		const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
		const errors = (entry.errors ?? []).slice(0, MAX_RUN_ERRORS).map((e) => ({
			itemIndex: e.itemIndex,
			crmId: e.crmId ?? null,
			code: e.code ?? null,
			message: String(e.message ?? '').slice(0, MAX_MESSAGE),
		}));
		return await this.db.transaction(async (q) => {
			const res = await q.query<SyncRunRow>(
				`INSERT INTO ${this.table} (company_id, mk_host, node, operation, execution_id, dry_run, started_at, finished_at, total, failed, counts, first_errors)
				VALUES ($1, $12, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb)
				RETURNING ${COLUMNS}`,
				[
					entry.companyId,
					entry.node,
					entry.operation,
					entry.executionId ?? null,
					entry.dryRun === true,
					startedAt,
					finishedAt,
					total,
					counts.failed ?? 0,
					toJsonParam(counts),
					toJsonParam(redactSecrets(errors)),
					this.host,
				],
			);
			await q.query(
				`DELETE FROM ${this.table} WHERE company_id = $1 AND mk_host = $3 AND started_at < now() - make_interval(days => $2::int)`,
				[entry.companyId, days, this.host],
			);
			return toRun(res.rows[0]);
		});
	}

	/** Newest first. */
	async list(companyId: string, filter: SyncRunFilter = {}): Promise<SyncRun[]> {
		requireCompanyId(companyId);
		const where = ['company_id = $1', 'mk_host = $2'];
		const params: unknown[] = [companyId, this.host];
		const add = (sql: string, value: unknown) => {
			params.push(value);
			where.push(sql.replace('?', `$${params.length}`));
		};
		if (filter.operation) add('operation = ?', filter.operation);
		if (filter.node) add('node = ?', filter.node);
		if (filter.since !== undefined) add('started_at >= ?', validDate('since', filter.since));
		if (filter.onlyFailed) where.push('failed > 0');
		params.push(pageLimit(filter.limit, 50), pageOffset(filter.offset));
		const res = await this.db.query<SyncRunRow>(
			`SELECT ${COLUMNS} FROM ${this.table} WHERE ${where.join(' AND ')}
			ORDER BY started_at DESC, id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
			params,
		);
		return res.rows.map(toRun);
	}
}
