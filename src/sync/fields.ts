import { z } from 'zod';

// CRM exports carry booleans as true/"true"/"1"/"yes"/"da"; Metakocka wants "true"/"false".
const TRUE = new Set(['true', '1', 'yes', 'y', 'da', 'on']);
const FALSE = new Set(['false', '0', 'no', 'n', 'ne', 'off', '']);

export const flag = z.union([z.boolean(), z.string(), z.number()]).transform((value, ctx) => {
	if (typeof value === 'boolean') return value;
	const text = String(value).trim().toLowerCase();
	if (TRUE.has(text)) return true;
	if (FALSE.has(text)) return false;
	ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'Must be true or false' });
	return z.NEVER;
});

/** Optional text: empty becomes absent, numbers become text (post codes, phones), length capped as documented. */
export const text = (max: number) =>
	z
		.union([z.string(), z.number()])
		.transform((value) => String(value).trim())
		.pipe(z.string().max(max, `Must be at most ${max} characters`))
		.optional()
		.transform((value) => (value === '' ? undefined : value));

export const requiredText = (max: number) =>
	z
		.union([z.string(), z.number()], { required_error: 'Is required', invalid_type_error: 'Must be text' })
		.transform((value) => String(value).trim())
		.pipe(z.string().min(1, 'Is required').max(max, `Must be at most ${max} characters`));

export const email = z
	.string({ invalid_type_error: 'Must be text' })
	.trim()
	.max(255, 'Must be at most 255 characters')
	.optional()
	.transform((value) => (value === '' ? undefined : value))
	.refine((value) => value === undefined || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value), 'Must be a valid email address');

/** CRM ids arrive as numbers or strings; both become text. */
export const crmId = z
	.union([z.string(), z.number()], { required_error: 'Is required', invalid_type_error: 'Must be text or a number' })
	.transform((value) => String(value).trim())
	.pipe(z.string().min(1, 'Is required').max(200, 'Must be at most 200 characters'));

/** Drops absent values so the hash and the request carry only what the CRM said. */
export function compact<T extends object>(value: T): T {
	const out: Record<string, unknown> = {};
	for (const [key, v] of Object.entries(value)) {
		if (v === undefined) continue;
		if (v && typeof v === 'object' && !Array.isArray(v)) {
			const inner = compact(v as object);
			if (Object.keys(inner).length) out[key] = inner;
			continue;
		}
		out[key] = v;
	}
	return out as T;
}
