export type StoreErrorCode =
	| 'INVALID_INPUT'
	| 'UNREACHABLE'
	| 'AUTH_FAILED'
	| 'DATABASE_MISSING'
	| 'DUPLICATE'
	| 'CONFLICT'
	| 'LOCK_TIMEOUT'
	| 'QUERY_FAILED';

export class StoreError extends Error {
	readonly code: StoreErrorCode;
	/** SQLSTATE (or Node socket code) of the underlying failure, when there was one. */
	readonly pgCode?: string;
	/** Constraint named by Postgres on integrity violations. */
	readonly constraint?: string;

	constructor(
		code: StoreErrorCode,
		message: string,
		details: { pgCode?: string; constraint?: string; cause?: unknown } = {},
	) {
		super(message, details.cause === undefined ? undefined : { cause: details.cause });
		this.name = 'StoreError';
		this.code = code;
		if (details.pgCode !== undefined) this.pgCode = details.pgCode;
		if (details.constraint !== undefined) this.constraint = details.constraint;
	}
}

const CONNECTION_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'ENOTFOUND',
	'EAI_AGAIN',
	'ETIMEDOUT',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'EPIPE',
	// admin_shutdown, crash_shutdown, cannot_connect_now: Postgres restarting or starting up.
	'57P01',
	'57P02',
	'57P03',
]);

const CONNECTION_MESSAGES = [
	/connection terminated/i,
	/timeout exceeded when trying to connect/i,
	/connection error/i,
	/not queryable/i,
	/server closed the connection/i,
];

interface ErrorLike {
	code?: unknown;
	message?: unknown;
	errors?: unknown;
	constraint?: unknown;
	detail?: unknown;
}

function asErrorLike(err: unknown): ErrorLike {
	return typeof err === 'object' && err !== null ? (err as ErrorLike) : { message: String(err) };
}

export function isConnectionError(err: unknown): boolean {
	if (err instanceof StoreError) return err.code === 'UNREACHABLE';
	const e = asErrorLike(err);
	const code = typeof e.code === 'string' ? e.code : '';
	if (CONNECTION_CODES.has(code) || code.startsWith('08')) return true;
	const message = describeError(err);
	return CONNECTION_MESSAGES.some((re) => re.test(message));
}

/** Node 20's happy-eyeballs connect throws an AggregateError whose own message is empty. */
export function describeError(err: unknown): string {
	const e = asErrorLike(err);
	const message = typeof e.message === 'string' ? e.message : '';
	if (message) return message;
	if (Array.isArray(e.errors)) {
		const inner = e.errors.map((x) => describeError(x)).filter(Boolean);
		if (inner.length) return inner.join('; ');
	}
	return typeof e.code === 'string' ? e.code : 'unknown error';
}

export function scrubSecret(text: string, secret: string | undefined): string {
	if (!secret) return text;
	return text.split(secret).join('***');
}

export interface ErrorContext {
	/** "host:port" as configured, for messages. */
	endpoint: string;
	database?: string;
	user?: string;
	/** Removed from every message we produce. */
	password?: string;
}

export function translateError(err: unknown, ctx: ErrorContext): Error {
	if (err instanceof StoreError) return err;
	const e = asErrorLike(err);
	const code = typeof e.code === 'string' ? e.code : undefined;
	const message = scrubSecret(describeError(err), ctx.password);

	// No `cause` on connection-level errors: a socket error may carry connection parameters.
	if (isConnectionError(err)) {
		return new StoreError('UNREACHABLE', `Postgres is not reachable at ${ctx.endpoint}: ${message}`, {
			pgCode: code,
		});
	}
	if (code === '28P01' || code === '28000') {
		return new StoreError(
			'AUTH_FAILED',
			`Postgres rejected the credentials of user "${ctx.user ?? ''}" at ${ctx.endpoint}: ${message}`,
			{ pgCode: code },
		);
	}
	if (code === '3D000') {
		return new StoreError(
			'DATABASE_MISSING',
			`Postgres database "${ctx.database ?? ''}" does not exist at ${ctx.endpoint}`,
			{ pgCode: code },
		);
	}
	return new StoreError('QUERY_FAILED', `Postgres query failed: ${message}`, {
		pgCode: code,
		constraint: typeof e.constraint === 'string' ? e.constraint : undefined,
		cause: err,
	});
}
