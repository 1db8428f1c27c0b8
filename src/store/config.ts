import type { PoolConfig } from 'pg';
import type { ConnectionOptions } from 'tls';

import { StoreError } from './errors';

/** Values of the SSL option of n8n's Postgres credential. */
export type PostgresSslMode = 'disable' | 'allow' | 'require' | 'verify' | 'verify-full';

/** Same fields as n8n's built-in Postgres credential. */
export interface PostgresConnectionConfig {
	host: string;
	port?: number;
	database: string;
	user: string;
	password?: string;
	ssl?: PostgresSslMode | boolean;
	allowUnauthorizedCerts?: boolean;
	maxConnections?: number;
}

export interface StoreOptions {
	/** Postgres schema holding the tables; created if missing. Default 'public'. */
	schema?: string;
	/** Prepended to every table name. Default ''. */
	tablePrefix?: string;
	/** Rows per INSERT statement in upsertMany. Default 1000. */
	batchSize?: number;
	/** How long withLocks waits for a key held by another worker. Default 60 s. */
	lockTimeoutMs?: number;
	/**
	 * Metakocka host (the credential's Base URL) whose ids this store holds. Mapping rows, email
	 * links and cursors are keyed by host as well as company id: a test-host credential with the
	 * production company id must never see production ids. Default: the production host.
	 */
	metakockaHost?: string;
}

export interface ResolvedStoreOptions {
	schema: string;
	tablePrefix: string;
	batchSize: number;
	lockTimeoutMs: number;
	metakockaHost: string;
}

/** The credential's default Base URL; migration 6 gives rows written before it this host. */
export const DEFAULT_METAKOCKA_HOST = 'https://main.metakocka.si';

/**
 * The host key: scheme, lowercased host and port, and any path, without trailing slashes, so
 * "HTTPS://Main.Metakocka.si/" and "https://main.metakocka.si" share rows.
 */
export function normaliseMetakockaHost(baseUrl: string): string {
	let url: URL | undefined;
	try {
		url = new URL(String(baseUrl ?? '').trim());
	} catch {
		url = undefined;
	}
	if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.hostname === '') {
		throw new StoreError(
			'INVALID_INPUT',
			`Invalid Metakocka host ${JSON.stringify(baseUrl)}: expected an http(s) URL such as ${DEFAULT_METAKOCKA_HOST}`,
		);
	}
	const path = url.pathname.replace(/\/+$/, '');
	return `${url.protocol}//${url.host}${path}`;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
// Postgres's own schemas (pg_catalog, pg_toast, pg_temp_N, …) and the SQL-standard catalog: writing
// there would shadow or pollute what every database user reads.
const isSystemSchema = (schema: string) => schema.startsWith('pg_') || schema === 'information_schema';
export const MAX_SCHEMA_LENGTH = 40;
// The longest table name is 33 characters; Postgres silently truncates identifiers past 63.
export const MAX_PREFIX_LENGTH = 30;

export function validateSchemaName(schema: string): string {
	if (
		typeof schema !== 'string' ||
		!IDENTIFIER.test(schema) ||
		schema.length > MAX_SCHEMA_LENGTH
	) {
		throw new StoreError(
			'INVALID_INPUT',
			`Invalid schema name ${JSON.stringify(schema)}: use lowercase letters, digits and _ (starting with a letter or _, not pg_), at most ${MAX_SCHEMA_LENGTH} characters`,
		);
	}
	if (isSystemSchema(schema)) {
		throw new StoreError(
			'INVALID_INPUT',
			`Invalid schema name ${JSON.stringify(schema)}: it is a Postgres system schema; use your own schema such as "public" or "metakocka"`,
		);
	}
	return schema;
}

export function validateTablePrefix(prefix: string): string {
	if (prefix === '') return prefix;
	if (typeof prefix !== 'string' || !IDENTIFIER.test(prefix) || prefix.length > MAX_PREFIX_LENGTH) {
		throw new StoreError(
			'INVALID_INPUT',
			`Invalid table prefix ${JSON.stringify(prefix)}: use lowercase letters, digits and _ (starting with a letter or _), at most ${MAX_PREFIX_LENGTH} characters`,
		);
	}
	return prefix;
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
	if (value === undefined) return fallback;
	if (!Number.isInteger(value) || value < 1) {
		throw new StoreError('INVALID_INPUT', `${name} must be a positive integer, got ${String(value)}`);
	}
	return value;
}

export function resolveStoreOptions(options: StoreOptions = {}): ResolvedStoreOptions {
	return {
		schema: validateSchemaName(options.schema ?? 'public'),
		tablePrefix: validateTablePrefix(options.tablePrefix ?? ''),
		batchSize: positiveInt('batchSize', options.batchSize, 1000),
		lockTimeoutMs: positiveInt('lockTimeoutMs', options.lockTimeoutMs, 60_000),
		metakockaHost: normaliseMetakockaHost(options.metakockaHost ?? DEFAULT_METAKOCKA_HOST),
	};
}

/** Double-quotes an identifier that has already passed validation. */
export function quoteIdent(name: string): string {
	return `"${name.replace(/"/g, '""')}"`;
}

function sslOptions(config: PostgresConnectionConfig): boolean | ConnectionOptions {
	// n8n hides the SSL mode when "Ignore SSL Issues" is on and connects with SSL, unverified.
	if (config.allowUnauthorizedCerts === true) return { rejectUnauthorized: false };
	const ssl = config.ssl ?? 'disable';
	switch (ssl) {
		case false:
		case 'disable':
		case 'allow':
			// node-postgres cannot fall back from plain to TLS; plain is what 'allow' tries first.
			return false;
		// libpq's 'require' encrypts without verifying the certificate.
		case 'require':
			return { rejectUnauthorized: false };
		// verify-ca: trust chain checked, host name not.
		case 'verify':
			return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
		case true:
		case 'verify-full':
			return { rejectUnauthorized: true };
		default:
			throw new StoreError('INVALID_INPUT', `Unknown Postgres SSL mode ${JSON.stringify(ssl)}`);
	}
}

export function toPoolConfig(config: PostgresConnectionConfig): PoolConfig {
	if (!config || typeof config.host !== 'string' || config.host === '') {
		throw new StoreError('INVALID_INPUT', 'Postgres host is required');
	}
	const port = config.port ?? 5432;
	if (!Number.isInteger(port) || port < 1 || port > 65535) {
		throw new StoreError('INVALID_INPUT', `Invalid Postgres port ${String(config.port)}`);
	}
	return {
		host: config.host,
		port,
		database: config.database,
		user: config.user,
		password: config.password,
		ssl: sslOptions(config),
		// withLocks holds one client while the callback queries through another.
		max: Math.max(2, config.maxConnections ?? 10),
		connectionTimeoutMillis: 10_000,
		idleTimeoutMillis: 10_000,
		keepAlive: true,
		application_name: 'n8n-nodes-metakocka',
	};
}

export function endpointOf(config: { host?: string; port?: number }): string {
	return `${config.host ?? 'localhost'}:${config.port ?? 5432}`;
}
