import { type Db, pageLimit, requireCompanyId, requireNonEmpty, toJsonParam } from './db';
import { StoreError } from './errors';
import type { Tables } from './tables';

export interface EmailContactLink {
	mkId: string;
	email?: string | null;
	partnerName?: string | null;
	/** 0…1 */
	confidence?: number | null;
	evidence?: unknown;
}

export interface EmailDocumentLink {
	mkId: string;
	docType?: string | null;
	countCode?: string | null;
	confidence?: number | null;
	evidence?: unknown;
}

interface StoredLinkBase {
	id: number;
	companyId: string;
	messageId: string;
	mkId: string;
	confidence: number | null;
	evidence: unknown;
	createdAt: Date;
}

export interface StoredEmailContactLink extends StoredLinkBase {
	email: string | null;
	partnerName: string | null;
}

export interface StoredEmailDocumentLink extends StoredLinkBase {
	docType: string | null;
	countCode: string | null;
}

interface LinkRowBase {
	id: string;
	company_id: string;
	message_id: string;
	mk_id: string;
	confidence: string | null;
	evidence: unknown;
	created_at: Date;
	[column: string]: unknown;
}

/** Entity-specific text columns; everything else is shared between the two link tables. */
interface LinkSpec<L> {
	columns: { column: string; field: keyof L & string }[];
}

function nullableText(name: string, v: unknown): string | null {
	if (v === undefined || v === null) return null;
	if (typeof v !== 'string') throw new StoreError('INVALID_INPUT', `${name} must be a string or null`);
	return v;
}

function confidenceParam(v: unknown): number | null {
	if (v === undefined || v === null) return null;
	if (typeof v !== 'number' || !Number.isFinite(v)) {
		throw new StoreError('INVALID_INPUT', 'confidence must be a finite number or null');
	}
	return v;
}

abstract class EmailLinkRepository<L extends { mkId: string }, S extends StoredLinkBase> {
	private readonly selectList: string;

	protected constructor(
		private readonly db: Db,
		private readonly table: string,
		private readonly spec: LinkSpec<L>,
		/** Links name Metakocka ids, which mean something on one host only. */
		private readonly host: string,
	) {
		this.selectList = [
			'id',
			'company_id',
			'message_id',
			'mk_id',
			...spec.columns.map((c) => c.column),
			'confidence',
			'evidence',
			'created_at',
		].join(', ');
	}

	protected abstract fromRow(base: StoredLinkBase, row: LinkRowBase): S;

	/** Column value as stored; doc_type uses '' for "unknown" so it can sit in the unique key. */
	protected storedText(column: string, value: string | null): string | null {
		return value;
	}

	private toStored(row: LinkRowBase): S {
		return this.fromRow(
			{
				id: Number(row.id),
				companyId: row.company_id,
				messageId: row.message_id,
				mkId: row.mk_id,
				confidence: row.confidence === null ? null : Number(row.confidence),
				evidence: row.evidence,
				createdAt: row.created_at,
			},
			row,
		);
	}

	/** Links one email to Metakocka entities; links that already exist are left untouched. */
	async addMany(companyId: string, messageId: string, links: L[]): Promise<{ inserted: number }> {
		requireCompanyId(companyId);
		requireNonEmpty('messageId', messageId);
		if (!Array.isArray(links)) throw new StoreError('INVALID_INPUT', 'links must be an array');
		if (links.length === 0) return { inserted: 0 };
		for (const link of links) requireNonEmpty('mkId', link?.mkId);

		const params: unknown[] = [companyId, messageId, this.host, links.map((l) => l.mkId)];
		const names = ['mk_id'];
		for (const { column, field } of this.spec.columns) {
			params.push(links.map((l) => this.storedText(column, nullableText(field, l[field]))));
			names.push(column);
		}
		params.push(links.map((l) => confidenceParam((l as { confidence?: unknown }).confidence)));
		params.push(links.map((l) => toJsonParam((l as { evidence?: unknown }).evidence)));
		names.push('confidence', 'evidence');

		const textParams = names.slice(0, -2).map((_, i) => `$${i + 4}::text[]`);
		const n = textParams.length + 4;
		const select = names.map((c) => (c === 'evidence' ? 'u.evidence::jsonb' : `u.${c}`)).join(', ');
		// ON CONFLICT DO NOTHING also absorbs duplicates inside the same batch.
		const res = await this.db.query(
			`INSERT INTO ${this.table} (company_id, message_id, mk_host, ${names.join(', ')})
			SELECT $1, $2, $3, ${select}
			FROM unnest(${textParams.join(', ')}, $${n}::numeric[], $${n + 1}::text[]) AS u(${names.join(', ')})
			ON CONFLICT DO NOTHING`,
			params,
		);
		return { inserted: res.rowCount ?? 0 };
	}

	async getByMessageId(companyId: string, messageId: string): Promise<S[]> {
		requireCompanyId(companyId);
		requireNonEmpty('messageId', messageId);
		const res = await this.db.query<LinkRowBase>(
			`SELECT ${this.selectList} FROM ${this.table} WHERE company_id = $1 AND mk_host = $3 AND message_id = $2
			ORDER BY confidence DESC NULLS LAST, id`,
			[companyId, messageId, this.host],
		);
		return res.rows.map((r) => this.toStored(r));
	}

	/** Most recent emails linked to one Metakocka entity. */
	async getByMkId(companyId: string, mkId: string, opts: { limit?: number } = {}): Promise<S[]> {
		requireCompanyId(companyId);
		requireNonEmpty('mkId', mkId);
		const res = await this.db.query<LinkRowBase>(
			`SELECT ${this.selectList} FROM ${this.table} WHERE company_id = $1 AND mk_host = $4 AND mk_id = $2
			ORDER BY created_at DESC, id DESC LIMIT $3`,
			[companyId, mkId, pageLimit(opts.limit, 100), this.host],
		);
		return res.rows.map((r) => this.toStored(r));
	}
}

export class EmailContactLinks extends EmailLinkRepository<EmailContactLink, StoredEmailContactLink> {
	constructor(db: Db, tables: Tables, host: string) {
		super(db, tables.table('emailContactLinks'), {
			columns: [
				{ column: 'email', field: 'email' },
				{ column: 'partner_name', field: 'partnerName' },
			],
		}, host);
	}

	protected fromRow(base: StoredLinkBase, row: LinkRowBase): StoredEmailContactLink {
		return { ...base, email: row.email as string | null, partnerName: row.partner_name as string | null };
	}
}

export class EmailDocumentLinks extends EmailLinkRepository<EmailDocumentLink, StoredEmailDocumentLink> {
	constructor(db: Db, tables: Tables, host: string) {
		super(db, tables.table('emailDocumentLinks'), {
			columns: [
				{ column: 'doc_type', field: 'docType' },
				{ column: 'count_code', field: 'countCode' },
			],
		}, host);
	}

	protected storedText(column: string, value: string | null): string | null {
		return column === 'doc_type' ? (value ?? '') : value;
	}

	protected fromRow(base: StoredLinkBase, row: LinkRowBase): StoredEmailDocumentLink {
		const docType = row.doc_type as string;
		return { ...base, docType: docType === '' ? null : docType, countCode: row.count_code as string | null };
	}
}
