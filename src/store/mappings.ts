import { type Db, type Queryable, pageLimit, pageOffset, requireCompanyId, requireNonEmpty, toJsonParam, uniqueStrings } from './db';
import { StoreError } from './errors';
import type { TableKey, Tables } from './tables';

export type MappingEntity = 'contact' | 'sales_document' | 'product';

export interface Mapping {
	id: number;
	companyId: string;
	crmId: string;
	mkId: string;
	/** Metakocka document type for sales documents; null for contacts and products. */
	docType: string | null;
	countCode: string | null;
	contentHash: string | null;
	mkSnapshot: unknown;
	extra: Record<string, unknown>;
	createdAt: Date;
	updatedAt: Date;
}

/**
 * The full new state of one mapping: on update, omitted optional fields become null ({} for
 * extra) rather than keeping their old values.
 */
export interface MappingUpsert {
	crmId: string;
	mkId: string;
	/** Required for sales documents (falls back to extra.doc_type). Ignored for other entities. */
	docType?: string;
	countCode?: string | null;
	contentHash?: string | null;
	mkSnapshot?: unknown;
	extra?: Record<string, unknown>;
}

export interface MappingListOptions {
	limit?: number;
	offset?: number;
	updatedSince?: Date;
	crmIds?: string[];
}

interface MappingRow {
	id: string;
	company_id: string;
	crm_id: string;
	mk_id: string;
	doc_type: string | null;
	count_code: string | null;
	content_hash: string | null;
	mk_snapshot: unknown;
	extra: Record<string, unknown> | null;
	created_at: Date;
	updated_at: Date;
}

const ENTITY_TABLES: Record<MappingEntity, { key: TableKey; alias: string }> = {
	contact: { key: 'contactMappings', alias: 'mk_contact_map' },
	sales_document: { key: 'salesDocumentMappings', alias: 'mk_sales_doc_map' },
	product: { key: 'productMappings', alias: 'mk_product_map' },
};

export const MAPPING_ENTITIES = Object.keys(ENTITY_TABLES) as MappingEntity[];

function toMapping(row: MappingRow): Mapping {
	return {
		id: Number(row.id),
		companyId: row.company_id,
		crmId: row.crm_id,
		mkId: row.mk_id,
		docType: row.doc_type,
		countCode: row.count_code,
		contentHash: row.content_hash,
		mkSnapshot: row.mk_snapshot,
		extra: row.extra ?? {},
		createdAt: row.created_at,
		updatedAt: row.updated_at,
	};
}

export class MappingRepository {
	private readonly table: string;
	private readonly hasDocType: boolean;
	private readonly columns: string;
	private readonly crmConstraint: string;
	private readonly mkConstraint: string;

	constructor(
		private readonly db: Db,
		tables: Tables,
		readonly entity: MappingEntity,
		private readonly batchSize: number,
		/** Every statement is scoped to this Metakocka host as well as the company id. */
		private readonly host: string,
	) {
		const { key, alias } = ENTITY_TABLES[entity];
		this.table = tables.table(key);
		this.hasDocType = entity === 'sales_document';
		this.crmConstraint = tables.rawName(`${alias}_crm_uq`);
		this.mkConstraint = tables.rawName(`${alias}_mk_uq`);
		this.columns = `id, company_id, crm_id, mk_id, ${this.hasDocType ? 'doc_type' : 'NULL::text AS doc_type'}, count_code, content_hash, mk_snapshot, extra, created_at, updated_at`;
	}

	/** One statement for the whole batch. */
	async getByCrmIds(companyId: string, crmIds: string[]): Promise<Map<string, Mapping>> {
		requireCompanyId(companyId);
		const ids = uniqueStrings(crmIds, 'crmIds');
		const result = new Map<string, Mapping>();
		if (ids.length === 0) return result;
		const res = await this.db.query<MappingRow>(
			`SELECT ${this.columns} FROM ${this.table} WHERE company_id = $1 AND mk_host = $3 AND crm_id = ANY($2::text[])`,
			[companyId, ids, this.host],
		);
		for (const row of res.rows) result.set(row.crm_id, toMapping(row));
		return result;
	}

	/**
	 * One statement for the whole batch, keyed by mkId. Sales document ids are unique per
	 * document type only: pass docType, or get an error when an id matches several types.
	 */
	async getByMkIds(companyId: string, mkIds: string[], opts: { docType?: string } = {}): Promise<Map<string, Mapping>> {
		requireCompanyId(companyId);
		const ids = uniqueStrings(mkIds, 'mkIds');
		const result = new Map<string, Mapping>();
		if (ids.length === 0) return result;
		const params: unknown[] = [companyId, ids, this.host];
		let filter = '';
		if (this.hasDocType && opts.docType !== undefined) {
			params.push(requireNonEmpty('docType', opts.docType));
			filter = ' AND doc_type = $4';
		}
		const res = await this.db.query<MappingRow>(
			`SELECT ${this.columns} FROM ${this.table} WHERE company_id = $1 AND mk_host = $3 AND mk_id = ANY($2::text[])${filter}`,
			params,
		);
		for (const row of res.rows) {
			if (result.has(row.mk_id)) {
				throw new StoreError(
					'INVALID_INPUT',
					`Metakocka id ${row.mk_id} matches sales documents of several types; pass docType`,
				);
			}
			result.set(row.mk_id, toMapping(row));
		}
		return result;
	}

	/**
	 * Inserts or replaces mappings keyed by (company, crmId); returns them in input order. One
	 * INSERT … SELECT FROM unnest(…) per `batchSize` rows; several chunks share a transaction so
	 * a failure leaves nothing half-written. A later duplicate crmId in the batch wins.
	 */
	async upsertMany(companyId: string, rows: MappingUpsert[]): Promise<Mapping[]> {
		requireCompanyId(companyId);
		if (!Array.isArray(rows)) throw new StoreError('INVALID_INPUT', 'rows must be an array');
		// ON CONFLICT DO UPDATE refuses to touch one row twice in a statement.
		const byCrmId = new Map<string, MappingUpsert>();
		for (const row of rows) {
			requireNonEmpty('crmId', row?.crmId);
			requireNonEmpty('mkId', row.mkId);
			byCrmId.delete(row.crmId);
			byCrmId.set(row.crmId, row);
		}
		const unique = [...byCrmId.values()];
		if (unique.length === 0) return [];

		const chunks: MappingUpsert[][] = [];
		for (let i = 0; i < unique.length; i += this.batchSize) chunks.push(unique.slice(i, i + this.batchSize));

		const written: Mapping[] = [];
		const run = async (q: Queryable) => {
			for (const chunk of chunks) written.push(...(await this.upsertChunk(q, companyId, chunk)));
		};
		try {
			if (chunks.length === 1) await run(this.db);
			else await this.db.transaction(run);
		} catch (err) {
			throw this.explainConflict(err);
		}
		const byId = new Map(written.map((m) => [m.crmId, m]));
		return unique.map((row) => byId.get(row.crmId)).filter((m): m is Mapping => m !== undefined);
	}

	private docTypeOf(row: MappingUpsert): string {
		const docType = row.docType ?? row.extra?.doc_type;
		if (typeof docType !== 'string' || docType === '') {
			throw new StoreError('INVALID_INPUT', `Sales document mapping for CRM id ${row.crmId} needs a docType`);
		}
		return docType;
	}

	private async upsertChunk(q: Queryable, companyId: string, rows: MappingUpsert[]): Promise<Mapping[]> {
		const nullableText = (name: string, v: unknown): string | null => {
			if (v === undefined || v === null) return null;
			if (typeof v !== 'string') throw new StoreError('INVALID_INPUT', `${name} must be a string or null`);
			return v;
		};
		const params: unknown[] = [
			companyId,
			rows.map((r) => r.crmId),
			rows.map((r) => r.mkId),
			rows.map((r) => nullableText('countCode', r.countCode)),
			rows.map((r) => nullableText('contentHash', r.contentHash)),
			rows.map((r) => toJsonParam(r.mkSnapshot)),
			rows.map((r) => {
				if (r.extra !== undefined && (r.extra === null || typeof r.extra !== 'object' || Array.isArray(r.extra))) {
					throw new StoreError('INVALID_INPUT', `extra of CRM id ${r.crmId} must be an object`);
				}
				return toJsonParam(r.extra ?? {});
			}),
			this.host,
		];
		if (this.hasDocType) params.push(rows.map((r) => this.docTypeOf(r)));
		const docCol = this.hasDocType ? ', doc_type' : '';
		const res = await q.query<MappingRow>(
			`INSERT INTO ${this.table} AS t (company_id, mk_host, crm_id, mk_id, count_code, content_hash, mk_snapshot, extra${docCol})
			SELECT $1, $8, u.crm_id, u.mk_id, u.count_code, u.content_hash, u.mk_snapshot::jsonb, u.extra::jsonb${docCol ? ', u.doc_type' : ''}
			FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]${docCol ? ', $9::text[]' : ''})
				AS u(crm_id, mk_id, count_code, content_hash, mk_snapshot, extra${docCol})
			ON CONFLICT ON CONSTRAINT "${this.crmConstraint}" DO UPDATE SET
				mk_id = EXCLUDED.mk_id,
				count_code = EXCLUDED.count_code,
				content_hash = EXCLUDED.content_hash,
				mk_snapshot = EXCLUDED.mk_snapshot,
				extra = EXCLUDED.extra,
				${this.hasDocType ? 'doc_type = EXCLUDED.doc_type,' : ''}
				updated_at = now()
			RETURNING ${this.columns}`,
			params,
		);
		return res.rows.map(toMapping);
	}

	private explainConflict(err: unknown): unknown {
		if (err instanceof StoreError && err.pgCode === '23505' && err.constraint === this.mkConstraint) {
			return new StoreError(
				'CONFLICT',
				`A Metakocka ${this.entity} id in this batch is already mapped to a different CRM id (or appears twice in the batch): ${
					((err.cause as { detail?: string } | undefined)?.detail ?? '').trim()
				}`,
				{ pgCode: err.pgCode, constraint: err.constraint, cause: err.cause },
			);
		}
		return err;
	}

	async list(companyId: string, opts: MappingListOptions = {}): Promise<Mapping[]> {
		requireCompanyId(companyId);
		const params: unknown[] = [companyId, this.host];
		const where = ['company_id = $1', 'mk_host = $2'];
		if (opts.updatedSince !== undefined) {
			if (!(opts.updatedSince instanceof Date) || Number.isNaN(opts.updatedSince.getTime())) {
				throw new StoreError('INVALID_INPUT', 'updatedSince must be a valid Date');
			}
			params.push(opts.updatedSince);
			where.push(`updated_at >= $${params.length}`);
		}
		if (opts.crmIds !== undefined) {
			params.push(uniqueStrings(opts.crmIds, 'crmIds'));
			where.push(`crm_id = ANY($${params.length}::text[])`);
		}
		params.push(pageLimit(opts.limit, 100));
		params.push(pageOffset(opts.offset));
		const res = await this.db.query<MappingRow>(
			`SELECT ${this.columns} FROM ${this.table} WHERE ${where.join(' AND ')}
			ORDER BY updated_at, id LIMIT $${params.length - 1} OFFSET $${params.length}`,
			params,
		);
		return res.rows.map(toMapping);
	}

	/** Returns how many mappings were deleted. */
	async deleteByCrmIds(companyId: string, crmIds: string[]): Promise<number> {
		requireCompanyId(companyId);
		const ids = uniqueStrings(crmIds, 'crmIds');
		if (ids.length === 0) return 0;
		const res = await this.db.query(
			`DELETE FROM ${this.table} WHERE company_id = $1 AND mk_host = $3 AND crm_id = ANY($2::text[])`,
			[companyId, ids, this.host],
		);
		return res.rowCount ?? 0;
	}
}
