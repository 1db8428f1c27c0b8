import { type Db, pageLimit, pageOffset, requireCompanyId, requireNonEmpty, toJsonParam } from './db';
import { StoreError } from './errors';
import type { Tables } from './tables';

export interface ErrorLogEntry {
	companyId: string;
	/** n8n node type or name that failed. */
	node: string;
	operation?: string | null;
	method?: string | null;
	itemIndex?: number | null;
	mkCode?: string | null;
	mkDescription?: string | null;
	/** Request as sent; callers redact it, the store redacts it again. */
	request?: unknown;
}

export interface ErrorLogRecord {
	id: number;
	companyId: string;
	node: string;
	operation: string | null;
	method: string | null;
	itemIndex: number | null;
	mkCode: string | null;
	mkDescription: string | null;
	request: unknown;
	createdAt: Date;
}

interface ErrorLogRow {
	id: string;
	company_id: string;
	node: string;
	operation: string | null;
	method: string | null;
	item_index: number | null;
	mk_code: string | null;
	mk_description: string | null;
	request: unknown;
	created_at: Date;
}

const SECRET_KEYS = new Set(['secretkey', 'password', 'apikey']);

function isSecretKey(key: string): boolean {
	return SECRET_KEYS.has(key.toLowerCase().replace(/[-_]/g, ''));
}

/**
 * Copy of value without any secret_key / secretKey / password / api_key (any case, - or _)
 * at any depth. A string holding a JSON object or array is parsed and cleaned too, since raw
 * request bodies often arrive as text.
 */
export function redactSecrets(value: unknown): unknown {
	const seen = new WeakSet<object>();
	const walk = (v: unknown): unknown => {
		if (typeof v === 'string') {
			const trimmed = v.trim();
			if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
				try {
					return walk(JSON.parse(trimmed));
				} catch {
					return v;
				}
			}
			return v;
		}
		if (v === null || typeof v !== 'object') return v;
		if (v instanceof Date) return v;
		if (seen.has(v)) return '[Circular]';
		seen.add(v);
		let out: unknown;
		if (Array.isArray(v)) {
			out = v.map(walk);
		} else {
			const obj: Record<string, unknown> = {};
			for (const [key, item] of Object.entries(v)) {
				if (!isSecretKey(key)) obj[key] = walk(item);
			}
			out = obj;
		}
		seen.delete(v);
		return out;
	};
	return walk(value);
}

function text(name: string, v: unknown): string | null {
	if (v === undefined || v === null) return null;
	if (typeof v !== 'string') throw new StoreError('INVALID_INPUT', `${name} must be a string or null`);
	return v;
}

function toRecord(row: ErrorLogRow): ErrorLogRecord {
	return {
		id: Number(row.id),
		companyId: row.company_id,
		node: row.node,
		operation: row.operation,
		method: row.method,
		itemIndex: row.item_index,
		mkCode: row.mk_code,
		mkDescription: row.mk_description,
		request: row.request,
		createdAt: row.created_at,
	};
}

const COLUMNS = 'id, company_id, node, operation, method, item_index, mk_code, mk_description, request, created_at';

export class ErrorLogRepository {
	private readonly table: string;

	constructor(
		private readonly db: Db,
		tables: Tables,
	) {
		this.table = tables.table('errorLog');
	}

	async record(entry: ErrorLogEntry): Promise<ErrorLogRecord> {
		const [record] = await this.recordMany([entry]);
		return record;
	}

	/** One statement for all entries (e.g. every failed item of a batch). */
	async recordMany(entries: ErrorLogEntry[]): Promise<ErrorLogRecord[]> {
		if (!Array.isArray(entries)) throw new StoreError('INVALID_INPUT', 'entries must be an array');
		if (entries.length === 0) return [];
		for (const e of entries) {
			requireCompanyId(e?.companyId);
			requireNonEmpty('node', e.node);
			if (e.itemIndex !== undefined && e.itemIndex !== null && !Number.isInteger(e.itemIndex)) {
				throw new StoreError('INVALID_INPUT', 'itemIndex must be an integer or null');
			}
		}
		const res = await this.db.query<ErrorLogRow>(
			`INSERT INTO ${this.table} (company_id, node, operation, method, item_index, mk_code, mk_description, request)
			SELECT u.company_id, u.node, u.operation, u.method, u.item_index, u.mk_code, u.mk_description, u.request::jsonb
			FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[])
				WITH ORDINALITY AS u(company_id, node, operation, method, item_index, mk_code, mk_description, request, ord)
			ORDER BY u.ord
			RETURNING ${COLUMNS}`,
			[
				entries.map((e) => e.companyId),
				entries.map((e) => e.node),
				entries.map((e) => text('operation', e.operation)),
				entries.map((e) => text('method', e.method)),
				entries.map((e) => e.itemIndex ?? null),
				entries.map((e) => text('mkCode', e.mkCode)),
				entries.map((e) => text('mkDescription', e.mkDescription)),
				entries.map((e) => toJsonParam(redactSecrets(e.request))),
			],
		);
		return res.rows.map(toRecord).sort((a, b) => a.id - b.id);
	}

	/** Newest first. */
	async list(companyId: string, opts: { limit?: number; offset?: number } = {}): Promise<ErrorLogRecord[]> {
		requireCompanyId(companyId);
		const res = await this.db.query<ErrorLogRow>(
			`SELECT ${COLUMNS} FROM ${this.table} WHERE company_id = $1
			ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`,
			[companyId, pageLimit(opts.limit, 100), pageOffset(opts.offset)],
		);
		return res.rows.map(toRecord);
	}
}
