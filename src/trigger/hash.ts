import { createHash } from 'crypto';

import { stableStringify } from '../store/hash';

/**
 * A short content stamp for the trigger's cursor: 12 base64url characters (72 bits) of the sha1 of
 * the key-sorted JSON. Only compared for equality with the previous stamp of the same object, so
 * 72 bits are plenty, and it keeps the cursor small enough for n8n's static data.
 */
export function stamp(value: unknown): string {
	return createHash('sha1').update(stableStringify(value)).digest('base64url').slice(0, 12);
}
