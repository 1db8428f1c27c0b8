// Metakocka webhooks [DOC:webhooks.md]: set up in the Metakocka UI with a URL, a client_secret and
// optional basic auth. Each POST carries X-MetaKocka-Event, X-MetaKocka-Id (unique per event) and
// X-MetaKocka-Signature = Base64(HmacSHA1(body, client_secret)); the receiver answers JSON
// {"status":"ok"}, otherwise Metakocka tries two more times, 60 s apart. n8n-free.

import { createHmac, timingSafeEqual } from 'crypto';

import { parseResponse, stockRowSchema } from '../client/schemas';
import type { ChangeInfo, TriggerItem } from './poll';

export const STOCK_EVENT = 'warehouse_product_stock_update';
export const HEADER_EVENT = 'x-metakocka-event';
export const HEADER_ID = 'x-metakocka-id';
export const HEADER_SIGNATURE = 'x-metakocka-signature';
/** Event ids remembered for deduplication: far more than Metakocka's retries (3 attempts over 2 minutes) need. */
export const MAX_REMEMBERED_EVENTS = 1000;
/** The reply Metakocka expects [DOC]. */
export const OK_REPLY = { status: 'ok' } as const;

export function signMetakockaBody(rawBody: Buffer | string, clientSecret: string): string {
	return createHmac('sha1', clientSecret).update(rawBody).digest('base64');
}

function headerValue(headers: Record<string, unknown>, name: string): string | undefined {
	const v = headers[name] ?? headers[Object.keys(headers).find((k) => k.toLowerCase() === name) ?? ''];
	const s = Array.isArray(v) ? v[0] : v;
	return typeof s === 'string' && s.trim() ? s.trim() : undefined;
}

/** Constant-time comparison of two byte strings (different lengths compare false, still in constant time). */
function sameBytes(a: Buffer, b: Buffer): boolean {
	const len = Math.max(a.length, b.length, 1);
	const pa = Buffer.alloc(len);
	const pb = Buffer.alloc(len);
	a.copy(pa);
	b.copy(pb);
	return timingSafeEqual(pa, pb) && a.length === b.length;
}

/**
 * Verifies X-MetaKocka-Signature over the RAW body bytes (a re-serialised JSON would differ).
 * The signatures are compared as decoded bytes, in constant time.
 */
export function verifyMetakockaSignature(rawBody: Buffer | string | undefined, signature: string | undefined, clientSecret: string): boolean {
	if (rawBody === undefined || !signature || !clientSecret) return false;
	const expected = Buffer.from(signMetakockaBody(rawBody, clientSecret), 'base64');
	if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature.trim())) return false;
	return sameBytes(Buffer.from(signature.trim(), 'base64'), expected);
}

/** HTTP basic auth, compared in constant time. */
export function checkBasicAuth(authorization: string | undefined, user: string, password: string): boolean {
	const m = /^Basic\s+(.+)$/i.exec(authorization?.trim() ?? '');
	if (!m) return false;
	const given = Buffer.from(Buffer.from(m[1], 'base64').toString('utf8'));
	return sameBytes(given, Buffer.from(`${user}:${password}`));
}

export type WebhookCheck =
	| { ok: true; event: string; eventId?: string; body: Record<string, unknown> }
	| { ok: false; status: 401 | 400; reason: string };

/** Authenticates and parses one delivery. Nothing about a rejected request is trusted. */
export function checkDelivery(
	request: { headers: Record<string, unknown>; rawBody?: Buffer | string },
	settings: { clientSecret: string; basicAuth?: { user: string; password: string } },
): WebhookCheck {
	if (settings.basicAuth && !checkBasicAuth(headerValue(request.headers, 'authorization'), settings.basicAuth.user, settings.basicAuth.password)) {
		return { ok: false, status: 401, reason: 'Authorization failed' };
	}
	const signature = headerValue(request.headers, HEADER_SIGNATURE);
	if (!signature) return { ok: false, status: 401, reason: 'Missing X-MetaKocka-Signature' };
	if (request.rawBody === undefined) return { ok: false, status: 401, reason: 'The raw body is not available, so the signature cannot be checked' };
	if (!verifyMetakockaSignature(request.rawBody, signature, settings.clientSecret)) return { ok: false, status: 401, reason: 'Invalid X-MetaKocka-Signature' };
	let body: unknown;
	try {
		body = JSON.parse(Buffer.isBuffer(request.rawBody) ? request.rawBody.toString('utf8') : request.rawBody);
	} catch {
		return { ok: false, status: 400, reason: 'The body is not JSON' };
	}
	if (body === null || typeof body !== 'object' || Array.isArray(body)) return { ok: false, status: 400, reason: 'The body is not a JSON object' };
	return {
		ok: true,
		event: headerValue(request.headers, HEADER_EVENT) ?? STOCK_EVENT,
		eventId: headerValue(request.headers, HEADER_ID),
		body: body as Record<string, unknown>,
	};
}

/**
 * Remembers an event id in a bounded list (oldest dropped). Returns false when the id was already
 * there: a retry of an event that already started a workflow.
 */
export function rememberEvent(list: string[], eventId: string, max = MAX_REMEMBERED_EVENTS): boolean {
	if (list.includes(eventId)) return false;
	list.push(eventId);
	if (list.length > max) list.splice(0, list.length - max);
	return true;
}

/**
 * Items of one delivery: the stock event gives one item per stock_list row, shaped like the Product
 * node's Get Stock rows (numbers parsed); any other event gives one item with the body.
 */
export function webhookItems(event: string, eventId: string | undefined, body: Record<string, unknown>, at = new Date()): TriggerItem[] {
	const change = (): ChangeInfo & { event: string; event_id?: string } => ({
		type: 'changed',
		watch: 'stock',
		at: at.toISOString(),
		event,
		...(eventId ? { event_id: eventId } : {}),
	});
	const raw = body.stock_list;
	const rows = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? [raw] : [];
	if (event !== STOCK_EVENT || rows.length === 0) {
		const rest = { ...body };
		delete rest.opr_code;
		delete rest.opr_time_ms;
		return [{ ...rest, _change: change() }];
	}
	return rows.map((row) => {
		const parsed = parseResponse(stockRowSchema, row, STOCK_EVENT) as Record<string, unknown>;
		const amount = typeof parsed.amount === 'number' ? parsed.amount : 0;
		const reserved = typeof parsed.reserved_amount === 'number' ? parsed.reserved_amount : 0;
		return {
			...parsed,
			amount,
			reserved_amount: reserved,
			free_amount: typeof parsed.free_amount === 'number' ? parsed.free_amount : amount - reserved,
			_change: change(),
		};
	});
}
