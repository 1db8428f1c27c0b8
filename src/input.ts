import type { ZodError, ZodType, ZodTypeDef } from 'zod';

/** Bad input on one item: names the item (0-based as n8n shows it) and the field. */
export class InputError extends Error {
	constructor(
		readonly itemIndex: number,
		readonly field: string,
		readonly reason: string,
		readonly description?: string,
		/** Fields of which exactly one must be given (siblings of `field`), e.g. tax and tax_factor. */
		readonly oneOf?: string[],
	) {
		super(`Item ${itemIndex}: field "${field}" ${reason}`);
		this.name = 'InputError';
	}
}

function preview(value: unknown): string {
	if (value === undefined) return 'nothing';
	let text: string;
	try {
		text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
	} catch {
		text = String(value);
	}
	return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function valueAt(input: unknown, path: Array<string | number>): unknown {
	let current: unknown = input;
	for (const key of path) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string | number, unknown>)[key];
	}
	return current;
}

export function inputErrorFrom(error: ZodError, itemIndex: number, input: unknown): InputError {
	const issue = error.issues[0];
	const field = issue.path.length ? issue.path.join('.') : '(item)';
	const reason = `${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)} (got ${preview(valueAt(input, issue.path))})`;
	// A custom issue may name the alternatives (params.oneOf), so the node can name both parameters.
	const oneOf = issue.code === 'custom' && Array.isArray(issue.params?.oneOf) ? (issue.params.oneOf as string[]) : undefined;
	return new InputError(itemIndex, field, reason, undefined, oneOf);
}

/** Validates one item's input; throws an InputError naming the item and the first bad field. */
export function parseItem<T>(schema: ZodType<T, ZodTypeDef, unknown>, input: unknown, itemIndex: number): T {
	const parsed = schema.safeParse(input);
	if (!parsed.success) throw inputErrorFrom(parsed.error, itemIndex, input);
	return parsed.data;
}
