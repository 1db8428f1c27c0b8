import axios, { type AxiosResponse } from 'axios';
import { MetakockaError, type Delivery } from './errors';
import { methodUrl, type CallKind } from './paths';
import { toWireBody } from './wire';

// One HTTP attempt: auth into the body, POST JSON, classify the answer. Every failure becomes a
// MetakockaError; AxiosErrors never escape because they carry the request body with the secret key.

export interface TransportConfig {
	baseUrl: string;
	companyId: string;
	secretKey: string;
	timeoutMs: number;
}

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
	delete rest.secret_key;
	delete rest.company_id;
	return { secret_key: config.secretKey, company_id: String(config.companyId), ...toWireBody(rest) };
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
	const rawMessage = err instanceof Error ? err.message : String(err);
	const secrets = [config.secretKey];
	if (code && TIMEOUT_CODES.has(code)) {
		return new MetakockaError({
			code: 'TIMEOUT',
			description: `no answer within ${config.timeoutMs} ms (${rawMessage})`,
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

function htmlTitle(text: string): string {
	const m = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text);
	const t = (m ? m[1] : text.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();
	return t.slice(0, 160);
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
			timeout: config.timeoutMs,
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
	const secrets = [secretKey];
	const text = res.data.toString('utf8');
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
		const detail = envelope ? oprDesc(envelope) : isHtml ? htmlTitle(text) : text.slice(0, 160);
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
		const title = htmlTitle(text);
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
	if (envelope && envelope.opr_code !== undefined && envelope.opr_code !== null && String(envelope.opr_code) !== '0') {
		throw new MetakockaError({
			code: String(envelope.opr_code),
			description: oprDesc(envelope) || '(no description)',
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
			description: (envelope ? oprDesc(envelope) : text.slice(0, 160)) || `HTTP ${res.status}`,
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
			description: text.trim() ? `not JSON: ${text.slice(0, 120)}` : 'empty body',
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
