import { type Db, pageLimit, pageOffset, requireCompanyId, requireNonEmpty } from './db';
import { StoreError } from './errors';
import type { Tables } from './tables';

export interface EmailTemplate {
	id: number;
	companyId: string;
	name: string;
	subject: string;
	body: string;
	description: string | null;
	createdAt: Date;
	updatedAt: Date;
}

export interface TemplateInput {
	name: string;
	subject?: string;
	body: string;
	description?: string | null;
}

export type TemplatePatch = Partial<TemplateInput>;

/** A number is a template id; a string is a template name (names may look numeric). */
export type TemplateRef = string | number;

interface TemplateRow {
	id: string;
	company_id: string;
	name: string;
	subject: string;
	body: string;
	description: string | null;
	created_at: Date;
	updated_at: Date;
}

const COLUMNS = 'id, company_id, name, subject, body, description, created_at, updated_at';

function toTemplate(row: TemplateRow): EmailTemplate {
	return {
		id: Number(row.id),
		companyId: row.company_id,
		name: row.name,
		subject: row.subject,
		body: row.body,
		description: row.description,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
	};
}

function refFilter(ref: TemplateRef, param: number): { sql: string; value: string | number } {
	if (typeof ref === 'number') {
		if (!Number.isSafeInteger(ref) || ref < 1) throw new StoreError('INVALID_INPUT', `Invalid template id ${ref}`);
		return { sql: `id = $${param}`, value: ref };
	}
	return { sql: `name = $${param}`, value: requireNonEmpty('Template name', ref) };
}

function optionalText(name: string, v: unknown, nullable: boolean): void {
	if (v === undefined || (nullable && v === null)) return;
	if (typeof v !== 'string') throw new StoreError('INVALID_INPUT', `${name} must be a string`);
}

export class TemplateRepository {
	private readonly table: string;
	private readonly nameConstraint: string;

	constructor(
		private readonly db: Db,
		tables: Tables,
	) {
		this.table = tables.table('templates');
		this.nameConstraint = tables.rawName('email_tpl_name_uq');
	}

	private duplicate(err: unknown, companyId: string, name: string | undefined): unknown {
		if (err instanceof StoreError && err.pgCode === '23505' && err.constraint === this.nameConstraint) {
			return new StoreError(
				'DUPLICATE',
				`An email template named ${JSON.stringify(name)} already exists for company ${companyId}`,
				{ pgCode: err.pgCode, constraint: err.constraint },
			);
		}
		return err;
	}

	async create(companyId: string, input: TemplateInput): Promise<EmailTemplate> {
		requireCompanyId(companyId);
		requireNonEmpty('Template name', input?.name);
		optionalText('subject', input.subject, false);
		requireNonEmpty('Template body', input.body);
		optionalText('description', input.description, true);
		try {
			const res = await this.db.query<TemplateRow>(
				`INSERT INTO ${this.table} (company_id, name, subject, body, description)
				VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
				[companyId, input.name, input.subject ?? '', input.body, input.description ?? null],
			);
			return toTemplate(res.rows[0]);
		} catch (err) {
			throw this.duplicate(err, companyId, input.name);
		}
	}

	/** Changes only the fields present in the patch; null when the template does not exist. */
	async update(companyId: string, ref: TemplateRef, patch: TemplatePatch): Promise<EmailTemplate | null> {
		requireCompanyId(companyId);
		const params: unknown[] = [companyId];
		const filter = refFilter(ref, 2);
		params.push(filter.value);
		const sets: string[] = [];
		const set = (column: string, value: unknown) => {
			params.push(value);
			sets.push(`${column} = $${params.length}`);
		};
		if (patch.name !== undefined) set('name', requireNonEmpty('Template name', patch.name));
		if (patch.subject !== undefined) {
			optionalText('subject', patch.subject, false);
			set('subject', patch.subject);
		}
		if (patch.body !== undefined) set('body', requireNonEmpty('Template body', patch.body));
		if (patch.description !== undefined) {
			optionalText('description', patch.description, true);
			set('description', patch.description);
		}
		if (sets.length === 0) return this.get(companyId, ref);
		try {
			const res = await this.db.query<TemplateRow>(
				`UPDATE ${this.table} SET ${sets.join(', ')}, updated_at = now()
				WHERE company_id = $1 AND ${filter.sql} RETURNING ${COLUMNS}`,
				params,
			);
			return res.rows[0] ? toTemplate(res.rows[0]) : null;
		} catch (err) {
			throw this.duplicate(err, companyId, patch.name);
		}
	}

	async get(companyId: string, ref: TemplateRef): Promise<EmailTemplate | null> {
		requireCompanyId(companyId);
		const filter = refFilter(ref, 2);
		const res = await this.db.query<TemplateRow>(
			`SELECT ${COLUMNS} FROM ${this.table} WHERE company_id = $1 AND ${filter.sql}`,
			[companyId, filter.value],
		);
		return res.rows[0] ? toTemplate(res.rows[0]) : null;
	}

	async list(companyId: string, opts: { limit?: number; offset?: number } = {}): Promise<EmailTemplate[]> {
		requireCompanyId(companyId);
		const res = await this.db.query<TemplateRow>(
			`SELECT ${COLUMNS} FROM ${this.table} WHERE company_id = $1 ORDER BY name, id LIMIT $2 OFFSET $3`,
			[companyId, pageLimit(opts.limit, 100), pageOffset(opts.offset)],
		);
		return res.rows.map(toTemplate);
	}

	/** True when a template was deleted. */
	async delete(companyId: string, ref: TemplateRef): Promise<boolean> {
		requireCompanyId(companyId);
		const filter = refFilter(ref, 2);
		const res = await this.db.query(`DELETE FROM ${this.table} WHERE company_id = $1 AND ${filter.sql}`, [
			companyId,
			filter.value,
		]);
		return (res.rowCount ?? 0) > 0;
	}
}
