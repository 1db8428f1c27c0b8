import { createHmac } from 'crypto';

import { checkBasicAuth, checkDelivery, rememberEvent, signMetakockaBody, verifyMetakockaSignature, webhookItems } from '../../../src/trigger';

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

describe('rememberEvent', () => {
	it('reports a repeated id and stays bounded', () => {
		const list: string[] = [];
		expect(rememberEvent(list, 'a', 3)).toBe(true);
		expect(rememberEvent(list, 'a', 3)).toBe(false);
		for (const id of ['b', 'c', 'd']) rememberEvent(list, id, 3);
		expect(list).toEqual(['b', 'c', 'd']);
		expect(rememberEvent(list, 'a', 3)).toBe(true);
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
