// One error type for everything the client can fail with. Messages are written for the person on
// call, and every text and payload is redacted here, so no code path can leak the secret key.

export const REDACTED = '[REDACTED]';

/**
 * Did the request take effect? 'answered': Metakocka replied (business error, 4xx, HTML page), so
 * nothing was applied. 'not_applied': provably never processed (connection refused, DNS, 429).
 * 'unknown': sent but the answer was lost (timeout, reset, 5xx, garbled body) - a write may have
 * been applied.
 */
export type Delivery = 'answered' | 'not_applied' | 'unknown';

export interface MetakockaErrorInit {
	code: string;
	description: string;
	method: string;
	retryable: boolean;
	httpStatus?: number;
	delivery?: Delivery;
	/** The error envelope Metakocka sent (e.g. product_not_found_list), if any. */
	response?: Record<string, unknown>;
	/** Overrides the generated message. */
	message?: string;
	/** Values to redact from message, description and response. */
	secrets?: string[];
}

export class MetakockaError extends Error {
	/** opr_code ("1","2","6",...) or HTTP_<status>, TIMEOUT, NETWORK, INVALID_RESPONSE, HTML_404, OUTCOME_UNKNOWN, INVALID_INPUT, UNKNOWN_METHOD. */
	readonly code: string;
	readonly description: string;
	readonly method: string;
	/** Safe to send the same request again as-is. */
	readonly retryable: boolean;
	readonly httpStatus?: number;
	readonly delivery: Delivery;
	readonly response?: Record<string, unknown>;

	constructor(init: MetakockaErrorInit) {
		const secrets = init.secrets ?? [];
		const description = redactString(String(init.description ?? ''), secrets);
		const message = redactString(init.message ?? defaultMessage(init.code, init.method, description, init.httpStatus), secrets);
		super(message);
		this.code = init.code;
		this.description = description;
		this.method = init.method;
		this.retryable = init.retryable;
		if (init.httpStatus !== undefined) this.httpStatus = init.httpStatus;
		this.delivery = init.delivery ?? 'answered';
		if (init.response !== undefined) {
			this.response = redactSecrets(init.response, secrets) as Record<string, unknown>;
		}
		Object.setPrototypeOf(this, new.target.prototype);
	}

	/** The object a caller might log or return to n8n: no stack, already redacted. */
	toJSON(): Record<string, unknown> {
		return {
			name: this.name,
			message: this.message,
			code: this.code,
			description: this.description,
			method: this.method,
			retryable: this.retryable,
			httpStatus: this.httpStatus,
			delivery: this.delivery,
			response: this.response,
		};
	}
}

// On the prototype (not a field) so the stack header captured in super() already says MetakockaError.
Object.defineProperty(MetakockaError.prototype, 'name', { value: 'MetakockaError', writable: true, configurable: true });

function defaultMessage(code: string, method: string, description: string, httpStatus?: number): string {
	const detail = description ? `: ${description}` : '';
	if (/^\d+$/.test(code)) return `Metakocka rejected ${method} (opr_code ${code})${detail}`;
	switch (code) {
		case 'HTML_404':
			return (
				`Metakocka answered ${method} with an HTML page (HTTP ${httpStatus ?? '?'}) instead of JSON: ` +
				`the base URL is wrong or the method was posted under the wrong URL family${detail}`
			);
		case 'TIMEOUT':
			return `Metakocka did not answer ${method} in time${detail}`;
		case 'NETWORK':
			return `Could not talk to Metakocka for ${method}${detail}`;
		case 'INVALID_RESPONSE':
			return `Metakocka sent an unexpected answer to ${method}${detail}`;
		case 'OUTCOME_UNKNOWN':
			return `The outcome of ${method} is unknown${detail}`;
		case 'INVALID_INPUT':
			return `Invalid input for ${method}${detail}`;
		case 'UNKNOWN_METHOD':
			return `Unknown Metakocka method ${method}${detail}`;
		default:
			if (code.startsWith('HTTP_')) return `Metakocka failed on ${method} (HTTP ${httpStatus ?? code.slice(5)})${detail}`;
			return `Metakocka error on ${method} (${code})${detail}`;
	}
}

export function redactString(text: string, secrets: string[]): string {
	let out = text;
	for (const secret of secrets) {
		if (secret) out = out.split(secret).join(REDACTED);
	}
	return out;
}

const SECRET_KEYS = new Set(['secret_key', 'secretkey', 'secretKey', 'password', 'authorization']);

/**
 * Deep copy with every occurrence of a secret replaced, and secret-named keys blanked. Errors become
 * plain objects (name, message, code) because their other properties (axios: config.data,
 * request) may carry the request body.
 */
export function redactSecrets(value: unknown, secrets: string[]): unknown {
	const active = secrets.filter((s) => typeof s === 'string' && s.length > 0);
	const seen = new WeakMap<object, unknown>();
	const walk = (v: unknown): unknown => {
		if (typeof v === 'string') return redactString(v, active);
		if (v === null || typeof v !== 'object') return v;
		if (Buffer.isBuffer(v)) return v;
		if (v instanceof Date) return v;
		if (seen.has(v)) return seen.get(v);
		if (v instanceof MetakockaError) return walk(v.toJSON());
		if (v instanceof Error) {
			const plain: Record<string, unknown> = { name: v.name, message: walk(v.message) };
			const code = (v as { code?: unknown }).code;
			if (code !== undefined) plain.code = walk(code);
			return plain;
		}
		if (Array.isArray(v)) {
			const arr: unknown[] = [];
			seen.set(v, arr);
			for (const item of v) arr.push(walk(item));
			return arr;
		}
		const obj: Record<string, unknown> = {};
		seen.set(v, obj);
		for (const [k, item] of Object.entries(v)) {
			obj[k] = SECRET_KEYS.has(k) && item !== undefined && item !== '' ? REDACTED : walk(item);
		}
		return obj;
	};
	return walk(value);
}

export function invalidInput(method: string, description: string): MetakockaError {
	return new MetakockaError({ code: 'INVALID_INPUT', description, method, retryable: false });
}

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Runs fn and reports how it ended, so callers decide outside a catch block what to rethrow. */
export async function settle<T>(fn: () => Promise<T>): Promise<Settled<T>> {
	try {
		return { ok: true, value: await fn() };
	} catch (error) {
		return { ok: false, error };
	}
}

// "Cannot find ..." / "... not found" answers (opr_code 2 or 6): get_partner without a match,
// get_document of a missing id, product_update of a deleted product [DOC][OBS][MCP]. The exact texts
// are partly undocumented, so a lookup counts as "no match" only when the answer says so; any other
// failure stays an error (a failed lookup is not a reason to create).
const NOT_FOUND_TEXT = /cannot find|not found|ne obstaja|ni najden|no \w+ found/i;

/** Metakocka answered that what was looked up does not exist. */
export function isNotFound(error: unknown): error is MetakockaError {
	return error instanceof MetakockaError && (error.code === '2' || error.code === '6') && NOT_FOUND_TEXT.test(error.description);
}
