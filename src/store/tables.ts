import { quoteIdent } from './config';

const TABLES = {
	migrations: 'metakocka_schema_migrations',
	contactMappings: 'metakocka_contact_mappings',
	salesDocumentMappings: 'metakocka_sales_document_mappings',
	productMappings: 'metakocka_product_mappings',
	emailContactLinks: 'email_metakocka_contact_mappings',
	emailDocumentLinks: 'email_metakocka_document_mappings',
	templates: 'email_templates',
	errorLog: 'metakocka_error_log',
	syncState: 'metakocka_sync_state',
	syncRuns: 'metakocka_sync_runs',
} as const;

export type TableKey = keyof typeof TABLES;

export interface Tables {
	schema: string;
	prefix: string;
	/** Schema-qualified, quoted table name for SQL. */
	table(key: TableKey): string;
	/** Unquoted, unqualified table name (as Postgres reports it). */
	rawTable(key: TableKey): string;
	/**
	 * Unquoted name for a constraint or index. Short fixed suffixes keep prefix + name under
	 * Postgres's 63-character limit, and the prefix keeps them unique within the schema.
	 */
	rawName(suffix: string): string;
	/** Quoted form of rawName. */
	name(suffix: string): string;
	quotedSchema: string;
}

export function resolveTables(schema: string, prefix: string): Tables {
	const quotedSchema = quoteIdent(schema);
	return {
		schema,
		prefix,
		quotedSchema,
		table: (key) => `${quotedSchema}.${quoteIdent(prefix + TABLES[key])}`,
		rawTable: (key) => prefix + TABLES[key],
		rawName: (suffix) => prefix + suffix,
		name: (suffix) => quoteIdent(prefix + suffix),
	};
}
