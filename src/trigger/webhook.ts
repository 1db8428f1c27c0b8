// Metakocka webhooks [DOC:webhooks.md]: set up in the Metakocka UI with a URL, a client_secret and
// optional basic auth. Each POST carries X-MetaKocka-Event, X-MetaKocka-Id (unique per event) and
// X-MetaKocka-Signature = Base64(HmacSHA1(body, client_secret)); the receiver answers JSON with
// "check_respond_status_json_ok":"true", otherwise Metakocka tries two more times, 60 s apart. n8n-free.

import { createHash, createHmac, timingSafeEqual } from 'crypto';

import { parseResponse, stockRowSchema, withoutEnvelope } from '../client/schemas';
import { asArray } from '../client/wire';
import type { ChangeInfo, TriggerItem } from './poll';

export const STOCK_EVENT = 'warehouse_product_stock_update';
export const HEADER_EVENT = 'x-metakocka-event';
export const HEADER_ID = 'x-metakocka-id';
export const HEADER_SIGNATURE = 'x-metakocka-signature';
/**
 * The reply Metakocka expects: JSON with "check_respond_status_json_ok":"true" (other keys allowed)
 * [DOC:webhooks.md]; "status":"ok" is the docs' example and is kept for anyone reading the answer.
 */
export const OK_REPLY = { status: 'ok', check_respond_status_json_ok: 'true' } as const;

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

export const MIN_CLIENT_SECRET_LENGTH = 16;

/**
 * The client secret as used for the HMAC: trimmed (a pasted secret often carries a newline), and
 * long enough that a signature cannot be forged by guessing it. Throws naming the parameter.
 */
export function validateClientSecret(value: unknown): string {
	const secret = typeof value === 'string' ? value.trim() : '';
	if (secret.length < MIN_CLIENT_SECRET_LENGTH) {
		throw new Error(
			`Client Secret must be at least ${MIN_CLIENT_SECRET_LENGTH} characters (spaces at either end do not count); ` +
				`set a long random client_secret on the webhook in Metakocka and the same value here`,
		);
	}
	return secret;
}

/** How long a delivered body counts as "already seen" unless the node sets another window. */
export const DEFAULT_REPLAY_WINDOW_MINUTES = 60;
/** Event ids are kept at least this long: Metakocka's retries of one event span about 2 minutes. */
const EVENT_ID_RETENTION_MS = 10 * 60_000;
/** Hard bound on remembered deliveries (a few hundred KB of static data at most). */
export const MAX_REMEMBERED_DELIVERIES = 5000;

/** Node static data of the webhook trigger: "id:<X-MetaKocka-Id>" / "body:<sha256>" -> first seen (ms). */
export interface ReplayState {
	seen?: Record<string, number>;
	/** Written before replay protection keyed bodies; read once, then dropped. */
	eventIds?: string[];
}

export type ReplayVerdict = { first: true } | { first: false; reason: 'event id' | 'body' };

export function bodyDigest(rawBody: Buffer | string): string {
	return createHash('sha256').update(rawBody).digest('base64url');
}

/**
 * Decides whether an authenticated delivery is new, and remembers it if so.
 *
 * The signature covers the body only, so a captured delivery can be resent under any new
 * X-MetaKocka-Id. Two keys therefore guard a delivery: its event id and the SHA-256 of its raw
 * body, each with the time it was first seen. A delivery is dropped when either key was seen
 * within its window. Only deliveries that pass are recorded, and only signed deliveries get
 * here at all, so an attacker cannot flush the store with fresh ids: 1,000 replays of one body
 * add nothing after the first. Entries expire by time; the count bound only evicts the oldest.
 *
 * Trade-off: a stock snapshot identical to one delivered within the window (stock back to a
 * value it had minutes ago) is dropped too — the body carries no timestamp that would tell it
 * from a replay. The next change sends the full snapshot again.
 */
export function admitDelivery(
	state: ReplayState,
	delivery: { eventId?: string; rawBody: Buffer | string },
	options: { now?: number; windowMs?: number; max?: number } = {},
): ReplayVerdict {
	const now = options.now ?? Date.now();
	const windowMs = options.windowMs ?? DEFAULT_REPLAY_WINDOW_MINUTES * 60_000;
	const max = options.max ?? MAX_REMEMBERED_DELIVERIES;
	const seen: Record<string, number> = {};
	// Copy as plain JSON: n8n's static data is a Proxy, and expired keys are dropped on the way.
	for (const [key, at] of Object.entries(state.seen ?? {})) {
		if (typeof at !== 'number' || !Number.isFinite(at)) continue;
		const keep = key.startsWith('id:') ? Math.max(windowMs, EVENT_ID_RETENTION_MS) : windowMs;
		if (now - at < keep) seen[key] = at;
	}
	for (const id of Array.isArray(state.eventIds) ? state.eventIds : []) {
		if (typeof id === 'string') seen[`id:${id}`] ??= now;
	}
	const idKey = delivery.eventId ? `id:${delivery.eventId}` : undefined;
	const bodyKey = `body:${bodyDigest(delivery.rawBody)}`;
	let verdict: ReplayVerdict = { first: true };
	if (idKey && seen[idKey] !== undefined) verdict = { first: false, reason: 'event id' };
	else if (windowMs > 0 && seen[bodyKey] !== undefined) verdict = { first: false, reason: 'body' };
	else {
		if (idKey) seen[idKey] = now;
		if (windowMs > 0) seen[bodyKey] = now;
	}
	const entries = Object.entries(seen);
	if (entries.length > max) {
		entries.sort((a, b) => a[1] - b[1]);
		for (const [key] of entries.slice(0, entries.length - max)) delete seen[key];
	}
	state.seen = seen;
	delete state.eventIds;
	return verdict;
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
	// One stock row may come as a bare object, like any Metakocka list of one.
	const rows = asArray(body.stock_list).filter((row) => row !== null && typeof row === 'object');
	if (event !== STOCK_EVENT || rows.length === 0) return [{ ...withoutEnvelope(body), _change: change() }];
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
