import axios, { type AxiosResponse } from 'axios';
import { AUTH_BODY_KEYS, isOprFailure } from './auth';
import { MetakockaError, REDACTED, type Delivery } from './errors';
import { methodUrl, type CallKind } from './paths';
import { toWireBody } from './wire';

// One HTTP attempt: auth into the body, POST JSON, classify the answer. Every failure becomes a
// MetakockaError; AxiosErrors never escape because they carry the request body with the secret key.

export interface TransportConfig {
	baseUrl: string;
	companyId: string;
	secretKey: string;
	/** Reads and searches. */
	timeoutMs: number;
	/** Writes (default: timeoutMs). */
	writeTimeoutMs?: number;
}

const timeoutFor = (config: TransportConfig, kind: CallKind): number =>
	kind === 'write' ? (config.writeTimeoutMs ?? config.timeoutMs) : config.timeoutMs;

export interface RawResponse {
	status: number;
	contentType: string;
	data: Buffer;
	url: string;
}

// Provably never reached Metakocka: nothing was applied, so even a write may be sent again.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_INVALID_URL', 'EHOSTUNREACH', 'ENETUNREACH']);
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);
const GATEWAY_PAGE = /bad gateway|gateway time-?out|service (temporarily )?unavailable|502|503|504/i;

export function buildBody(config: TransportConfig, body: Record<string, unknown> = {}): Record<string, unknown> {
	const rest: Record<string, unknown> = { ...body };
	delete rest[AUTH_BODY_KEYS.secretKey];
	delete rest[AUTH_BODY_KEYS.companyId];
	return { [AUTH_BODY_KEYS.secretKey]: config.secretKey, [AUTH_BODY_KEYS.companyId]: String(config.companyId), ...toWireBody(rest) };
}

/** Whether a failed attempt may be sent again as-is, given what kind of call it was. */
export function isRetryableFor(kind: CallKind, transient: boolean, delivery: Delivery): boolean {
	if (delivery === 'not_applied') return true;
	return transient && kind !== 'write';
}

function errorCode(err: unknown): string | undefined {
	const e = err as { code?: unknown; cause?: { code?: unknown; errors?: Array<{ code?: unknown }> } };
	if (typeof e?.code === 'string') return e.code;
	if (typeof e?.cause?.code === 'string') return e.cause.code;
	const inner = e?.cause?.errors?.find((x) => typeof x?.code === 'string');
	return inner?.code as string | undefined;
}

function wrapNetworkError(err: unknown, method: string, kind: CallKind, config: TransportConfig): MetakockaError {
	const code = errorCode(err);
	const rawMessage = safeExcerpt(err instanceof Error ? err.message : String(err), config.secretKey, 500);
	const secrets = secretForms(config.secretKey);
	if (code && TIMEOUT_CODES.has(code)) {
		return new MetakockaError({
			code: 'TIMEOUT',
			description: `no answer within ${timeoutFor(config, kind)} ms (${rawMessage})`,
			method,
			retryable: isRetryableFor(kind, true, 'unknown'),
			delivery: 'unknown',
			secrets,
		});
	}
	const delivery: Delivery = code && NOT_SENT_CODES.has(code) ? 'not_applied' : 'unknown';
	return new MetakockaError({
		code: 'NETWORK',
		description: `${code ? `${code}: ` : ''}${rawMessage}`,
		method,
		retryable: isRetryableFor(kind, true, delivery),
		delivery,
		secrets,
	});
}

/**
 * Every spelling of the key an echoing server may send back: as sent, JSON-escaped (also PHP's
 * \/ and \uXXXX style), URL- and form-encoded, HTML-escaped. Longest first so a longer form is
 * replaced whole before a shorter one could match inside it.
 */
export function secretForms(secret: string): string[] {
	if (typeof secret !== 'string' || secret === '') return [];
	const json = JSON.stringify(secret).slice(1, -1);
	const u = (c: string) => c.charCodeAt(0).toString(16).padStart(4, '0');
	const phpLower = json.replace(/\//g, '\\/').replace(/[\u0080-\uffff]/g, (c) => `\\u${u(c)}`);
	const phpUpper = json.replace(/\//g, '\\/').replace(/[\u0080-\uffff]/g, (c) => `\\u${u(c).toUpperCase()}`);
	const url = encodeURIComponent(secret);
	const html = secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
	const forms = new Set([
		secret,
		json,
		phpLower,
		phpUpper,
		url,
		url.replace(/%20/g, '+'),
		url.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
		html,
	]);
	return [...forms].sort((a, b) => b.length - a.length);
}

// A secret_key value in an echoed request, even cut short by the server: the whole value goes.
const SECRET_FIELD = /("secret_?key"\s*:\s*")((?:[^"\\]|\\.)*)("?)|(\bsecret_?key=)([^&\s"'<]*)/gi;

/**
 * Redacts the whole response text first and only then cuts an excerpt, so a cut that falls inside
 * the key cannot leave a fragment no exact match would find.
 */
export function safeExcerpt(text: string, secretKey: string, max: number): string {
	let out = text.replace(SECRET_FIELD, (_m, jsonHead?: string, _v?: string, jsonTail?: string, formHead?: string) =>
		jsonHead !== undefined ? `${jsonHead}${REDACTED}${jsonTail ?? ''}` : `${formHead}${REDACTED}`,
	);
	for (const form of secretForms(secretKey)) out = out.split(form).join(REDACTED);
	if (out.length <= max) return out;
	let cut = out.slice(0, max);
	// A cut through "[REDACTED]" leaves "[REDA"; finish the word so it still reads as redacted.
	const open = cut.lastIndexOf('[');
	if (open !== -1 && REDACTED.startsWith(cut.slice(open)) && cut.slice(open) !== REDACTED) cut = cut.slice(0, open) + REDACTED;
	return cut;
}

function htmlTitle(text: string): string {
	const m = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text);
	return (m ? m[1] : text.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();
}

/** POST once; any HTTP status comes back, only transport failures throw. */
export async function postOnce(
	config: TransportConfig,
	method: string,
	body: Record<string, unknown> | undefined,
	kind: CallKind,
): Promise<RawResponse> {
	const url = methodUrl(config.baseUrl, method);
	const payload = buildBody(config, body);
	let response: AxiosResponse<ArrayBuffer | Buffer>;
	try {
		response = await axios.request<ArrayBuffer | Buffer>({
			url,
			method: 'POST',
			data: JSON.stringify(payload),
			headers: { 'Content-Type': 'application/json; charset=utf-8', Accept: 'application/json, */*' },
			timeout: timeoutFor(config, kind),
			responseType: 'arraybuffer',
			validateStatus: () => true,
			maxRedirects: 0,
			// No proxy from the environment: the body carries the secret key.
			proxy: false,
		});
	} catch (err) {
		throw wrapNetworkError(err, method, kind, config);
	}
	const data = Buffer.isBuffer(response.data) ? response.data : Buffer.from(response.data ?? new ArrayBuffer(0));
	const contentType = String(response.headers?.['content-type'] ?? '');
	return { status: response.status, contentType, data, url };
}

/**
 * Classify a response that should be a JSON envelope. Returns the envelope (strings as received) or
 * throws: opr_code != "0" -> that code; 5xx/429/gateway page -> HTTP_<status> (transient);
 * other HTML -> HTML_404; unparseable -> INVALID_RESPONSE. Absent opr_code counts as success
 * (partner calls omit it).
 */
export function interpretJson(res: RawResponse, method: string, kind: CallKind, secretKey: string): Record<string, unknown> {
	const secrets = secretForms(secretKey);
	const text = res.data.toString('utf8');
	const excerpt = (t: string, max: number) => safeExcerpt(t, secretKey, max);
	const isHtml = /text\/html/i.test(res.contentType) || /^\s*</.test(text);
	let parsed: unknown;
	let jsonOk = false;
	if (!isHtml) {
		try {
			parsed = JSON.parse(text);
			jsonOk = true;
		} catch {
			jsonOk = false;
		}
	}
	const envelope = jsonOk && parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
	const oprDesc = (e: Record<string, unknown>): string =>
		String(e.opr_desc ?? e.error_desc ?? e.opr_desc_app ?? '').trim();

	if (res.status >= 500 || res.status === 429) {
		// 429 means "not processed"; a 5xx may come after the server applied a write.
		const delivery: Delivery = res.status === 429 ? 'not_applied' : 'unknown';
		const detail = excerpt(envelope ? oprDesc(envelope) : isHtml ? htmlTitle(text) : text, 160);
		throw new MetakockaError({
			code: `HTTP_${res.status}`,
			description: detail || `HTTP ${res.status}`,
			method,
			httpStatus: res.status,
			retryable: isRetryableFor(kind, true, delivery),
			delivery,
			secrets,
		});
	}
	if (isHtml) {
		const title = excerpt(htmlTitle(text), 160);
		if (GATEWAY_PAGE.test(title)) {
			throw new MetakockaError({
				code: `HTTP_${res.status}`,
				description: `gateway page: ${title}`,
				method,
				httpStatus: res.status,
				retryable: isRetryableFor(kind, true, 'unknown'),
				delivery: 'unknown',
				secrets,
			});
		}
		throw new MetakockaError({
			code: 'HTML_404',
			description: `POST ${res.url} answered HTTP ${res.status} with HTML${title ? ` ("${title}")` : ''}; check the base URL (e.g. https://main.metakocka.si) and that "${method}" is in the right URL family`,
			method,
			httpStatus: res.status,
			retryable: false,
			delivery: 'answered',
			secrets,
		});
	}
	if (envelope && isOprFailure(envelope.opr_code)) {
		throw new MetakockaError({
			code: String(envelope.opr_code),
			description: excerpt(oprDesc(envelope), 2000) || '(no description)',
			method,
			httpStatus: res.status === 200 ? undefined : res.status,
			retryable: false,
			delivery: 'answered',
			response: envelope,
			secrets,
		});
	}
	if (res.status >= 400) {
		throw new MetakockaError({
			code: `HTTP_${res.status}`,
			description: excerpt(envelope ? oprDesc(envelope) : text, 160) || `HTTP ${res.status}`,
			method,
			httpStatus: res.status,
			retryable: false,
			delivery: 'answered',
			secrets,
		});
	}
	if (!jsonOk) {
		throw new MetakockaError({
			code: 'INVALID_RESPONSE',
			description: text.trim() ? `not JSON: ${excerpt(text, 120)}` : 'empty body',
			method,
			httpStatus: res.status,
			retryable: false,
			delivery: 'unknown',
			secrets,
		});
	}
	// A bare JSON array (get_email_events) is wrapped so every call returns an object.
	return envelope ?? { result: parsed };
}

/** Like interpretJson, but a non-JSON 2xx body is the payload (report: PDF, XLS, HTML...). */
export function interpretRaw(res: RawResponse, method: string, kind: CallKind, secretKey: string): { data: Buffer; contentType: string } {
	const isJson = /json/i.test(res.contentType);
	if (res.status >= 200 && res.status < 300 && !isJson) {
		return { data: res.data, contentType: res.contentType || 'application/octet-stream' };
	}
	// JSON means an error envelope (or an async token); errors and statuses classify as usual.
	interpretJson(res, method, kind, secretKey);
	return { data: res.data, contentType: res.contentType };
}
