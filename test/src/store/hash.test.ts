import { createHash } from 'crypto';

import { contentHash, stableStringify } from '../../../src/store';
import { advisoryKey } from '../../../src/store/hash';

describe('contentHash', () => {
	it('ignores key order at every depth', () => {
		const a = { name: 'ACME', address: { city: 'Ljubljana', street: 'Slovenska 1' }, tags: [{ b: 1, a: 2 }] };
		const b = { tags: [{ a: 2, b: 1 }], address: { street: 'Slovenska 1', city: 'Ljubljana' }, name: 'ACME' };
		expect(contentHash(a)).toBe(contentHash(b));
		expect(contentHash(a)).toMatch(/^[0-9a-f]{64}$/);
	});

	it('changes with content and array order, follows JSON for undefined and dates', () => {
		expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: 2 }));
		expect(contentHash([1, 2])).not.toBe(contentHash([2, 1]));
		expect(stableStringify({ a: undefined, b: 1 })).toBe('{"b":1}');
		expect(stableStringify([undefined])).toBe('[null]');
		expect(stableStringify({ d: new Date('2024-01-02T03:04:05Z') })).toBe('{"d":"2024-01-02T03:04:05.000Z"}');
		expect(stableStringify({ n: 10n })).toBe('{"n":"10"}');
		expect(stableStringify(undefined)).toBe('null');
		// sha256 of the sorted JSON text, so other tools can reproduce it.
		expect(contentHash({ b: 2, a: 1 })).toBe(createHash('sha256').update('{"a":1,"b":2}').digest('hex'));
	});

	it('rejects circular values', () => {
		const a: Record<string, unknown> = {};
		a.a = a;
		expect(() => contentHash(a)).toThrow(/circular/);
		const shared = { x: 1 };
		expect(() => contentHash({ p: shared, q: shared })).not.toThrow();
	});
});

describe('advisoryKey', () => {
	it('is a stable signed 64-bit integer that keeps parts apart', () => {
		const k = advisoryKey('lock', 'public', '', 'c1', 'contact', 'x');
		expect(k).toBe(advisoryKey('lock', 'public', '', 'c1', 'contact', 'x'));
		expect(BigInt(k) >= -(2n ** 63n) && BigInt(k) < 2n ** 63n).toBe(true);
		expect(advisoryKey('a:b', 'c')).not.toBe(advisoryKey('a', 'b:c'));
	});
});
