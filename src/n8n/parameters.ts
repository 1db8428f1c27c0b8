import type { IExecuteFunctions } from 'n8n-workflow';

// n8n 2 evaluates every expression in an isolated VM: about 0.4 ms each on a typical machine, so a
// Sync that maps ten fields of 1,000 items spent about 4 s in getNodeParameter before its first call.
// The expressions our parameters default to, and the ones users type most, only read fields of the
// item: `={{ $json.id }}`, `={{ $json.name ?? $json.company ?? $json.fullName }}`, `… ?? false`.
// itemParameter() reads those directly from the item when the outcome is a plain string, number or
// boolean, which n8n would return unchanged; for anything else (other expressions, a missing field,
// null, an object) it asks n8n as before.

type Literal = string | number | boolean | null;
/** An expression of the form `$json.a ?? $json.b ?? … [?? literal]`: the fields, and the literal if any. */
type Plan = { fields: string[]; literal?: { value: Literal } };

const FIELD = /^\$json\.([A-Za-z_][A-Za-z0-9_]*)$/;
const LITERAL = /^(?:true|false|null|-?(?:0|[1-9]\d{0,14})(?:\.\d{1,15})?|'[^'\\\n]*'|"[^"\\\n]*")$/;

function literal(text: string): Literal {
	if (text === 'true') return true;
	if (text === 'false') return false;
	if (text === 'null') return null;
	if (text.startsWith("'") || text.startsWith('"')) return text.slice(1, -1);
	return Number(text);
}

/** The plan of a raw parameter value, or undefined when n8n has to evaluate it. */
export function simpleItemExpression(raw: unknown): Plan | undefined {
	if (typeof raw !== 'string') return undefined;
	const body = /^=\{\{([^{}]*)\}\}$/.exec(raw)?.[1];
	if (body === undefined) return undefined;
	const parts = body.split('??').map((part) => part.trim());
	const plan: Plan = { fields: [] };
	for (const [index, part] of parts.entries()) {
		const field = FIELD.exec(part)?.[1];
		if (field !== undefined) {
			// Object.prototype's names (constructor, toString, …) are n8n's to answer (or refuse).
			if (field in Object.prototype) return undefined;
			plan.fields.push(field);
			continue;
		}
		if (index === parts.length - 1 && index > 0 && LITERAL.test(part)) {
			plan.literal = { value: literal(part) };
			continue;
		}
		return undefined;
	}
	return plan.fields.length ? plan : undefined;
}

function apply(plan: Plan, json: Record<string, unknown>): unknown {
	let value: unknown;
	for (const field of plan.fields) {
		value = Object.prototype.hasOwnProperty.call(json, field) ? json[field] : undefined;
		if (value !== undefined && value !== null) return value;
	}
	return plan.literal ? plan.literal.value : value;
}

const plain = (value: unknown): value is string | number | boolean =>
	typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));

/** Per execution context: each parameter's plan (null: ask n8n). */
const plans = new WeakMap<IExecuteFunctions, Map<string, Plan | null>>();

function planOf(ctx: IExecuteFunctions, name: string): Plan | null {
	let byName = plans.get(ctx);
	if (!byName) plans.set(ctx, (byName = new Map()));
	let plan = byName.get(name);
	if (plan === undefined) {
		try {
			// The raw value is the same for every item; only its evaluation depends on the item.
			plan = simpleItemExpression(ctx.getNodeParameter(name, 0, undefined, { rawExpressions: true })) ?? null;
		} catch {
			plan = null;
		}
		byName.set(name, plan);
	}
	return plan;
}

function fromItem(ctx: IExecuteFunctions, name: string, itemIndex: number): { value: unknown } | undefined {
	const plan = planOf(ctx, name);
	if (!plan) return undefined;
	const json = ctx.getInputData()[itemIndex]?.json;
	return json && typeof json === 'object' ? { value: apply(plan, json as Record<string, unknown>) } : undefined;
}

/**
 * ctx.getNodeParameter(name, itemIndex[, fallback]) for a top-level parameter, with the same result,
 * without n8n's expression VM when the parameter only reads fields of the item.
 */
export function itemParameter(ctx: IExecuteFunctions, name: string, itemIndex: number, ...fallback: [unknown?]): unknown {
	const read = fromItem(ctx, name, itemIndex);
	if (read && plain(read.value)) return read.value;
	return fallback.length ? ctx.getNodeParameter(name, itemIndex, fallback[0]) : ctx.getNodeParameter(name, itemIndex);
}

/**
 * For an optional field whose caller treats undefined, null and '' alike: as
 * itemParameter(ctx, name, itemIndex, ''), and a field expression that finds nothing in the item
 * gives undefined without asking n8n (whatever n8n would make of it, the caller skips it).
 */
export function optionalItemParameter(ctx: IExecuteFunctions, name: string, itemIndex: number): unknown {
	const read = fromItem(ctx, name, itemIndex);
	if (read && (plain(read.value) || read.value === undefined || read.value === null)) return read.value ?? undefined;
	return ctx.getNodeParameter(name, itemIndex, '');
}
