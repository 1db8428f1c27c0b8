import { createHmac } from 'crypto';

import {
	admitDelivery,
	checkBasicAuth,
	checkDelivery,
	MIN_CLIENT_SECRET_LENGTH,
	type ReplayState,
	signMetakockaBody,
	validateClientSecret,
	verifyMetakockaSignature,
	webhookItems,
} from '../../../src/trigger';

const SECRET = 'mk-client-secret';
// The documented request example [DOC:webhooks.md], UTF-8 with a non-ASCII title.
const BODY = Buffer.from(
	JSON.stringify({
		opr_code: '0',
		opr_time_ms: '0',
		stock_list_count: '2',
		stock_list: [
			{ warehouse_id: '1600303267', mk_id: '1600094857', count_code: 'PA-4020', code: '150974832263', title: '1,0 mm Düse für Mini HVLP', amount: '0', reserved_amount: '0', free_amount: '0', unit: 'kos' },
			{ warehouse_id: '1600004367', mk_id: '1600094857', count_code: 'PA-4020', code: '150974832263', title: '1,0 mm Düse für Mini HVLP', amount: '12,5', reserved_amount: '2', free_amount: '10,5', unit: 'kos' },
		],
	}),
	'utf8',
);
const sign = (body: Buffer | string, secret = SECRET) => createHmac('sha1', secret).update(body).digest('base64');
const headers = (extra: Record<string, string> = {}) => ({
	'x-metakocka-event': 'warehouse_product_stock_update',
	'x-metakocka-id': 'evt-1',
	'x-metakocka-signature': sign(BODY),
	...extra,
});

describe('webhook signature', () => {
	it('is Base64(HmacSHA1(raw body, client_secret))', () => {
		expect(signMetakockaBody(BODY, SECRET)).toBe(sign(BODY));
		expect(verifyMetakockaSignature(BODY, sign(BODY), SECRET)).toBe(true);
	});

	it.each([
		['a wrong secret', sign(BODY, 'other')],
		['a tampered body', sign(Buffer.concat([BODY, Buffer.from(' ')]))],
		['hex instead of base64', createHmac('sha1', SECRET).update(BODY).digest('hex')],
		['a truncated signature', sign(BODY).slice(0, 10)],
		['garbage', 'not base64 !!'],
		['an empty signature', ''],
	])('rejects %s', (_name, signature) => {
		expect(verifyMetakockaSignature(BODY, signature, SECRET)).toBe(false);
	});

	it('checks the raw bytes: re-serialised JSON with other spacing fails', () => {
		const reserialised = JSON.stringify(JSON.parse(BODY.toString('utf8')), null, 2);
		expect(verifyMetakockaSignature(reserialised, sign(BODY), SECRET)).toBe(false);
	});

	it('fails closed without a secret or a raw body', () => {
		expect(verifyMetakockaSignature(BODY, sign(BODY, ''), '')).toBe(false);
		expect(verifyMetakockaSignature(undefined, sign(BODY), SECRET)).toBe(false);
	});
});

describe('checkDelivery', () => {
	const settings = { clientSecret: SECRET };

	it('accepts a signed delivery and reads event and id from the headers', () => {
		const r = checkDelivery({ headers: headers(), rawBody: BODY }, settings);
		expect(r).toMatchObject({ ok: true, event: 'warehouse_product_stock_update', eventId: 'evt-1' });
	});

	it('rejects a missing signature, a bad one, a tampered body and a missing raw body with 401', () => {
		const { 'x-metakocka-signature': _sig, ...unsigned } = headers();
		expect(checkDelivery({ headers: unsigned, rawBody: BODY }, settings)).toMatchObject({ ok: false, status: 401 });
		expect(checkDelivery({ headers: headers({ 'x-metakocka-signature': sign(BODY, 'x') }), rawBody: BODY }, settings)).toMatchObject({ ok: false, status: 401 });
		const tampered = Buffer.from(BODY.toString('utf8').replace('"12,5"', '"99"'));
		expect(checkDelivery({ headers: headers(), rawBody: tampered }, settings)).toMatchObject({ ok: false, status: 401 });
		expect(checkDelivery({ headers: headers(), rawBody: undefined }, settings)).toMatchObject({ ok: false, status: 401 });
	});

	it('a signed body that is not JSON is a 400', () => {
		const raw = Buffer.from('<html>');
		expect(checkDelivery({ headers: headers({ 'x-metakocka-signature': sign(raw) }), rawBody: raw }, settings)).toMatchObject({ ok: false, status: 400 });
	});

	it('basic auth, when set, is checked before the signature', () => {
		const basicAuth = { user: 'mk', password: 'pa55' };
		const auth = `Basic ${Buffer.from('mk:pa55').toString('base64')}`;
		expect(checkDelivery({ headers: headers({ authorization: auth }), rawBody: BODY }, { ...settings, basicAuth })).toMatchObject({ ok: true });
		expect(checkDelivery({ headers: headers(), rawBody: BODY }, { ...settings, basicAuth })).toMatchObject({ ok: false, status: 401 });
		expect(checkBasicAuth(`Basic ${Buffer.from('mk:wrong').toString('base64')}`, 'mk', 'pa55')).toBe(false);
		expect(checkBasicAuth(`Bearer x`, 'mk', 'pa55')).toBe(false);
	});
});

describe('admitDelivery (replay protection)', () => {
	const T0 = Date.parse('2026-08-06T10:00:00Z');
	const other = Buffer.from(BODY.toString('utf8').replace('"stock_list_count"', '"stock_list_count_x"'));

	it('drops a retry (same id) and a replay under a new id (same body); a new body passes', () => {
		const state: ReplayState = {};
		expect(admitDelivery(state, { eventId: 'e1', rawBody: BODY }, { now: T0 })).toEqual({ first: true });
		expect(admitDelivery(state, { eventId: 'e1', rawBody: BODY }, { now: T0 + 60_000 })).toEqual({ first: false, reason: 'event id' });
		expect(admitDelivery(state, { eventId: 'fresh-id', rawBody: BODY }, { now: T0 + 1000 })).toEqual({ first: false, reason: 'body' });
		expect(admitDelivery(state, { rawBody: BODY }, { now: T0 + 1000 })).toEqual({ first: false, reason: 'body' });
		expect(admitDelivery(state, { eventId: 'e2', rawBody: other }, { now: T0 + 2000 })).toEqual({ first: true });
	});

	it('1,000 fresh ids replaying one body record nothing, so they cannot flush the store', () => {
		const state: ReplayState = {};
		admitDelivery(state, { eventId: 'original', rawBody: BODY }, { now: T0 });
		const size = Object.keys(state.seen ?? {}).length;
		for (let i = 0; i < 1000; i++) {
			expect(admitDelivery(state, { eventId: `flood-${i}`, rawBody: BODY }, { now: T0 + i }).first).toBe(false);
		}
		expect(Object.keys(state.seen ?? {})).toHaveLength(size);
		// Metakocka's own retry of the original event is still recognised.
		expect(admitDelivery(state, { eventId: 'original', rawBody: BODY }, { now: T0 + 120_000 })).toEqual({ first: false, reason: 'event id' });
	});

	it('forgets by time: the same body passes again after the window, a retry id is kept at least 10 minutes', () => {
		const state: ReplayState = {};
		const windowMs = 5 * 60_000;
		admitDelivery(state, { eventId: 'e1', rawBody: BODY }, { now: T0, windowMs });
		expect(admitDelivery(state, { eventId: 'e1', rawBody: other }, { now: T0 + 8 * 60_000, windowMs }).first).toBe(false);
		expect(admitDelivery(state, { eventId: 'e3', rawBody: BODY }, { now: T0 + 8 * 60_000, windowMs })).toEqual({ first: true });
		expect(admitDelivery(state, { eventId: 'e1', rawBody: other }, { now: T0 + 11 * 60_000, windowMs })).toEqual({ first: true });
	});

	it('window 0 checks ids only; the store is bounded by count, oldest first, and JSON-safe', () => {
		const ids: ReplayState = {};
		expect(admitDelivery(ids, { eventId: 'a', rawBody: BODY }, { now: T0, windowMs: 0 }).first).toBe(true);
		expect(admitDelivery(ids, { eventId: 'b', rawBody: BODY }, { now: T0, windowMs: 0 }).first).toBe(true);
		expect(admitDelivery(ids, { eventId: 'a', rawBody: other }, { now: T0, windowMs: 0 }).first).toBe(false);

		const state: ReplayState = {};
		for (let i = 0; i < 50; i++) admitDelivery(state, { eventId: `e${i}`, rawBody: `{"n":${i}}` }, { now: T0 + i, max: 20 });
		expect(Object.keys(state.seen ?? {})).toHaveLength(20);
		expect(JSON.parse(JSON.stringify(state))).toEqual(state);
		expect(admitDelivery(state, { eventId: 'e49', rawBody: '{"n":49}' }, { now: T0 + 60, max: 20 }).first).toBe(false);
	});

	it('reads the id list older versions stored', () => {
		const state: ReplayState = { eventIds: ['old-1', 'old-2'] };
		expect(admitDelivery(state, { eventId: 'old-2', rawBody: BODY }, { now: T0 })).toEqual({ first: false, reason: 'event id' });
		expect(state.eventIds).toBeUndefined();
		expect(state.seen).toHaveProperty(['id:old-1']);
	});
});

describe('validateClientSecret', () => {
	it('trims, and refuses blank or short secrets naming the parameter', () => {
		expect(validateClientSecret('  a-long-random-client-secret\n')).toBe('a-long-random-client-secret');
		for (const bad of [' ', '', '   \t ', 'short', 'x'.repeat(MIN_CLIENT_SECRET_LENGTH - 1), `  ${'y'.repeat(MIN_CLIENT_SECRET_LENGTH - 1)}  `, undefined, 42]) {
			expect(() => validateClientSecret(bad)).toThrow(/Client Secret must be at least 16 characters/);
		}
	});
});

describe('webhookItems', () => {
	it('one item per stock row, numbers parsed like Get Stock', () => {
		const items = webhookItems('warehouse_product_stock_update', 'evt-1', JSON.parse(BODY.toString('utf8')), new Date('2026-08-06T10:00:00Z'));
		expect(items).toHaveLength(2);
		expect(items[1]).toMatchObject({
			warehouse_id: '1600004367',
			mk_id: '1600094857',
			code: '150974832263',
			amount: 12.5,
			reserved_amount: 2,
			free_amount: 10.5,
			_change: { type: 'changed', watch: 'stock', at: '2026-08-06T10:00:00.000Z', event: 'warehouse_product_stock_update', event_id: 'evt-1' },
		});
	});

	it('a single row object and an unknown event', () => {
		expect(webhookItems('warehouse_product_stock_update', undefined, { stock_list: { mk_id: '1', amount: '3' } })).toMatchObject([{ mk_id: '1', amount: 3, free_amount: 3 }]);
		expect(webhookItems('document_update', 'e', { opr_code: '0', mk_id: '5' })).toEqual([
			expect.objectContaining({ mk_id: '5', _change: expect.objectContaining({ event: 'document_update' }) }),
		]);
	});
});
