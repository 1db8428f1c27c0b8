import { createHash } from 'crypto';

/**
 * JSON with object keys sorted at every level, so equal content always hashes equally
 * regardless of key order. Follows JSON.stringify for undefined, functions, toJSON and
 * non-finite numbers; bigint becomes its decimal string instead of throwing.
 */
export function stableStringify(value: unknown): string {
	const seen = new WeakSet<object>();
	const walk = (v: unknown, inArray: boolean): string | undefined => {
		if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
			v = (v as { toJSON: () => unknown }).toJSON();
		}
		if (v === undefined || typeof v === 'function' || typeof v === 'symbol') {
			return inArray ? 'null' : undefined;
		}
		if (typeof v === 'bigint') return JSON.stringify(v.toString());
		if (v === null || typeof v !== 'object') return JSON.stringify(v);
		if (seen.has(v)) throw new TypeError('Cannot hash a value with circular references');
		seen.add(v);
		let out: string;
		if (Array.isArray(v)) {
			out = `[${v.map((item) => walk(item, true)).join(',')}]`;
		} else {
			const parts: string[] = [];
			for (const key of Object.keys(v).sort()) {
				const item = walk((v as Record<string, unknown>)[key], false);
				if (item !== undefined) parts.push(`${JSON.stringify(key)}:${item}`);
			}
			out = `{${parts.join(',')}}`;
		}
		seen.delete(v);
		return out;
	};
	return walk(value, false) ?? 'null';
}

/** sha256 (hex) of the key-sorted JSON of a value. */
export function contentHash(value: unknown): string {
	return createHash('sha256').update(stableStringify(value)).digest('hex');
}

/**
 * Signed 64-bit advisory-lock key (as a decimal string for a bigint parameter). The parts are
 * JSON-encoded together so that ('a:b','c') and ('a','b:c') cannot collide.
 */
export function advisoryKey(...parts: string[]): string {
	const digest = createHash('sha256').update(JSON.stringify(['n8n-nodes-metakocka', ...parts])).digest();
	return digest.readBigInt64BE(0).toString();
}
