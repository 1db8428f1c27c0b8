import { asArray, parseMkBoolean, parseMkNumber, toWire } from '../../../src/client';
import { formatMkNumber } from '../../../src/client/wire';
import { parseNumber } from '../../../src/template';
import { auth, makeClient, mk, ok } from './helpers';


describe('parseMkNumber', () => {
	it.each([
		['24.8', 24.8],
		['10,52', 10.52],
		['7,3', 7.3],
		['863,75', 863.75],
		['1.895,01', 1895.01],
		['209,00', 209],
		['1,234.5', 1234.5],
		['-3', -3],
		[' 12 ', 12],
		['0', 0],
		['1 000,50', 1000.5],
		[12.5, 12.5],
	])('%p -> %p', (input, expected) => {
		expect(parseMkNumber(input)).toBe(expected);
	});

	it.each([[''], ['abc'], ['1,2,3'], [null], [undefined], [{}], [Number.NaN], ['12abc'], ['1.2.3,4,5'], ['12,34.5']])('%p -> undefined', (input) => {
		expect(parseMkNumber(input)).toBeUndefined();
	});

	it('is the one parser: repeated separators group thousands, and the template agrees with the client', () => {
		for (const [input, expected] of [['1,234,567', 1234567], ['1.234.567', 1234567], ['1.234.567,89', 1234567.89], ['−7,3', -7.3], ['1 234,50', 1234.5]] as const) {
			expect([input, parseMkNumber(input)]).toEqual([input, expected]);
			expect([input, parseNumber(input)]).toEqual([input, expected]);
		}
		expect(parseNumber('1,2,3')).toBeUndefined();
	});
});

describe('parseMkBoolean / asArray', () => {
	it('reads string booleans', () => {
		expect(parseMkBoolean('true')).toBe(true);
		expect(parseMkBoolean('FALSE')).toBe(false);
		expect(parseMkBoolean(true)).toBe(true);
		expect(parseMkBoolean('yes')).toBeUndefined();
	});

	it('turns single objects into one-element lists', () => {
		expect(asArray({ a: 1 })).toEqual([{ a: 1 }]);
		expect(asArray([{ a: 1 }, { a: 2 }])).toHaveLength(2);
		expect(asArray(undefined)).toEqual([]);
		expect(asArray('')).toEqual([]);
	});
});

describe('toWire', () => {
	it('sends numbers and booleans as strings and drops null/undefined', () => {
		expect(
			toWire({ amount: 2, price: 19.99, sales: true, service: false, note: null, gone: undefined, code: 'A' }),
		).toEqual({ amount: '2', price: '19.99', sales: 'true', service: 'false', code: 'A' });
	});

	it('never uses exponent notation or binary noise', () => {
		expect(formatMkNumber(0.1 + 0.2)).toBe('0.3');
		expect(formatMkNumber(1e-7)).toBe('0.0000001');
		expect(formatMkNumber(123456789012)).toBe('123456789012');
		expect(() => formatMkNumber(Number.NaN)).toThrow(RangeError);
	});

	it('formats dates by field: dates vs timestamps, also inside query_advance', () => {
		expect(
			toWire({
				doc_date: new Date('2024-01-31T23:30:00Z'),
				duo_payment: '2024-02-15',
				delivery_deadline: '15.02.2024',
				order_create_ts: new Date('2024-07-01T10:00:00Z'),
				title: '2024-02-15',
				query_advance: [
					{ type: 'doc_date_from', value: '2024-01-01' },
					{ type: 'last_change_from', value: new Date('2024-07-01T10:00:00Z') },
					{ type: 'last_change_to', value: new Date('2024-01-01T10:00:00Z') },
					{ type: 'status_change_from', value: '2024-01-01' },
					{ type: 'payment_status', value: false },
				],
				mark_paid: [{ payment_type: 'Gotovina', date: '2024-03-01', amount: 12.5 }],
			}),
		).toEqual({
			doc_date: '2024-02-01+02:00',
			duo_payment: '2024-02-15+02:00',
			delivery_deadline: '2024-02-15+02:00',
			order_create_ts: '2024-07-01T12:00:00+02:00',
			title: '2024-02-15',
			query_advance: [
				{ type: 'doc_date_from', value: '2024-01-01+02:00' },
				{ type: 'last_change_from', value: '2024-07-01T12:00:00+02:00' },
				// Filters carry Ljubljana's real offset in winter (finding 4) and never a bare date.
				{ type: 'last_change_to', value: '2024-01-01T11:00:00+01:00' },
				{ type: 'status_change_from', value: '2024-01-01T00:00:00+01:00' },
				{ type: 'payment_status', value: 'false' },
			],
			mark_paid: [{ payment_type: 'Gotovina', date: '2024-03-01+02:00', amount: '12.5' }],
		});
	});

	it('puts strings on the wire for a real call', async () => {
		const scope = mk()
			.post('/rest/eshop/v1/json/product_add', {
				...auth,
				code: 'art1',
				name: 'Kava',
				unit: 'kos',
				sales: 'true',
				weight: '0.25',
				pricelist: [{ count_code: 'MPC', price_def: [{ price_with_tax: '19.99', amount_from: '1' }] }],
			})
			.reply(200, ok({ mk_id: '1600001744', count_code: 'P-1' }));
		const res = await makeClient().addProduct({
			code: 'art1',
			name: 'Kava',
			unit: 'kos',
			sales: true,
			weight: 0.25,
			pricelist: [{ count_code: 'MPC', price_def: [{ price_with_tax: 19.99, amount_from: 1 }] }],
		});
		expect(res).toEqual({ result: { mk_id: '1600001744', count_code: 'P-1' }, reconciled: false });
		expect(scope.isDone()).toBe(true);
	});

	it('an invalid date in a body fails before sending, as INVALID_INPUT', async () => {
		const scope = mk().post(/.*/).reply(200, ok({ mk_id: '1' }));
		await expect(makeClient().call('put_document', { doc_type: 'sales_order', doc_date: '31.02.2024' })).rejects.toMatchObject({
			code: 'INVALID_INPUT',
			retryable: false,
		});
		expect(scope.isDone()).toBe(false);
	});
});
