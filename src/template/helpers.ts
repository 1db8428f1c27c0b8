import type { HelperOptions } from 'handlebars';

import { TemplateError } from './errors';
import { formatDate, moneyFormatter, numberFormatter, parseDate, parseNumber, plainSpaces, type DateFormat } from './values';

/** What renderTemplate passes to every helper through Handlebars' private data (@locale, @currency). */
export interface RenderData {
	locale: string;
	currency: string;
	mkStrict: boolean;
}

/**
 * Names no template may read: prototype plumbing, and Object.prototype methods (Handlebars would
 * refuse them anyway; refusing up front keeps its logger from writing to the console).
 */
export const FORBIDDEN_PROPERTIES: ReadonlySet<string> = new Set([
	'constructor',
	'__proto__',
	'prototype',
	'__defineGetter__',
	'__defineSetter__',
	'__lookupGetter__',
	'__lookupSetter__',
	'hasOwnProperty',
	'isPrototypeOf',
	'propertyIsEnumerable',
	'toLocaleString',
	'toString',
	'valueOf',
]);

/** Hash keys injected by the compiler in strict mode so value helpers can name a missing placeholder. */
export const PATH_KEY = '__path';
export const LINE_KEY = '__line';

type Helper = (this: unknown, ...args: unknown[]) => unknown;

function optionsOf(args: unknown[]): { params: unknown[]; options: HelperOptions } {
	return { params: args.slice(0, -1), options: args[args.length - 1] as HelperOptions };
}

function renderData(options: HelperOptions): RenderData {
	const data = (options.data ?? {}) as Partial<RenderData>;
	return { locale: data.locale ?? 'sl-SI', currency: data.currency ?? 'EUR', mkStrict: data.mkStrict === true };
}

function requirePresent(value: unknown, options: HelperOptions): void {
	if (value !== undefined) return;
	const hash = (options.hash ?? {}) as Record<string, unknown>;
	const path = hash[PATH_KEY];
	if (typeof path !== 'string' || !renderData(options).mkStrict) return;
	const line = typeof hash[LINE_KEY] === 'number' ? (hash[LINE_KEY] as number) : undefined;
	throw new TemplateError(`Missing placeholder "${path}" in template${line !== undefined ? ` (line ${line})` : ''}`, {
		placeholder: path,
		line,
	});
}

/** Own, non-forbidden property only: helpers must not become a way around prototype protection. */
export function ownProperty(target: unknown, key: string): unknown {
	if (target === null || typeof target !== 'object' || FORBIDDEN_PROPERTIES.has(key)) return undefined;
	return Object.prototype.hasOwnProperty.call(target, key) ? (target as Record<string, unknown>)[key] : undefined;
}

function ownPath(target: unknown, path: string): unknown {
	let current = target;
	for (const key of path.split('.')) current = ownProperty(current, key);
	return current;
}

/** Metakocka sends a one-element list as a bare object; everything list-shaped becomes an array. */
export function asList(value: unknown): unknown[] {
	if (Array.isArray(value)) return value;
	if (value !== null && typeof value === 'object') return [value];
	return [];
}

function isBlank(value: unknown): boolean {
	if (value === undefined || value === null) return true;
	if (typeof value === 'string') return value.trim() === '';
	if (Array.isArray(value)) return value.length === 0;
	return false;
}

function textOf(value: unknown): string {
	if (value === undefined || value === null || typeof value === 'object' || typeof value === 'function') return '';
	return String(value);
}

const STATUS_LABELS: Record<string, { sl: string; en: string }> = {
	new_order: { sl: 'Novo naročilo', en: 'New order' },
	created: { sl: 'Izdelan', en: 'Created' },
	draft: { sl: 'Osnutek', en: 'Draft' },
	open: { sl: 'Odprt', en: 'Open' },
	active: { sl: 'Aktiven', en: 'Active' },
	ready_to_ship: { sl: 'Pripravljen za odpremo', en: 'Ready to ship' },
	shipped: { sl: 'Odpremljen', en: 'Shipped' },
	finished: { sl: 'Zaključen', en: 'Finished' },
	canceled: { sl: 'Preklican', en: 'Canceled' },
	lost: { sl: 'Izgubljen', en: 'Lost' },
	damaged: { sl: 'Poškodovan', en: 'Damaged' },
};

function round(value: number): number {
	return Math.round(value * 1e6) / 1e6;
}

export function createHelpers(builtins: { each: Helper; with: Helper }): Record<string, Helper> {
	return {
		/** {{money amount}} / {{money amount "USD"}} → "1.234,56 €" (grouping always, plain spaces). */
		money(...args: unknown[]) {
			const { params, options } = optionsOf(args);
			const [amount, currencyArg] = params;
			requirePresent(amount, options);
			const number = parseNumber(amount);
			if (number === undefined) return textOf(amount);
			const { locale, currency } = renderData(options);
			const code = typeof currencyArg === 'string' && currencyArg.trim() ? currencyArg.trim().toUpperCase() : currency;
			let format: Intl.NumberFormat | undefined;
			let problem = '';
			try {
				format = moneyFormatter(locale, code);
			} catch (error) {
				problem = (error as Error).message;
			}
			if (!format) throw new TemplateError(`money: invalid currency "${code}" (${problem})`);
			return plainSpaces(format.format(number));
		},

		/** {{number value 2}} → "1.234,50"; without decimals up to 3 are shown, as needed (quantities). */
		number(...args: unknown[]) {
			const { params, options } = optionsOf(args);
			const [value, decimalsArg] = params;
			requirePresent(value, options);
			const number = parseNumber(value);
			if (number === undefined) return textOf(value);
			const decimals = typeof decimalsArg === 'number' && decimalsArg >= 0 && decimalsArg <= 10 ? Math.floor(decimalsArg) : undefined;
			const format = numberFormatter(renderData(options).locale, {
				minimumFractionDigits: decimals ?? 0,
				maximumFractionDigits: decimals ?? 3,
				useGrouping: 'always' as unknown as boolean,
			});
			return plainSpaces(format.format(number));
		},

		/** {{date doc_date "short"|"long"|"iso"|"datetime"|"time"}}, in Europe/Ljubljana. */
		date(...args: unknown[]) {
			const { params, options } = optionsOf(args);
			const [value, formatArg] = params;
			requirePresent(value, options);
			const parsed = parseDate(value);
			if (!parsed) return textOf(value);
			const format: DateFormat = ['short', 'long', 'iso', 'datetime', 'time'].includes(formatArg as string)
				? (formatArg as DateFormat)
				: 'short';
			return formatDate(parsed, format, renderData(options).locale);
		},

		/** {{default partner.customer "stranka"}}: the fallback for undefined, null, blank text and []. */
		default(...args: unknown[]) {
			const { params } = optionsOf(args);
			const [value, fallback] = params;
			return isBlank(value) ? fallback : value;
		},

		/** {{#if (eq doc_type "sales_order")}} or {{#eq a b}}…{{else}}…{{/eq}}; "10" equals 10. */
		eq(this: unknown, ...args: unknown[]) {
			const { params, options } = optionsOf(args);
			const [a, b] = params;
			const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'number';
			const equal = a === b || (scalar(a) && scalar(b) && String(a) === String(b));
			if (typeof options.fn === 'function') return equal ? options.fn(this) : options.inverse(this);
			return equal;
		},

		upper(...args: unknown[]) {
			const { params, options } = optionsOf(args);
			requirePresent(params[0], options);
			return textOf(params[0]).toLocaleUpperCase(renderData(options).locale);
		},

		lower(...args: unknown[]) {
			const { params, options } = optionsOf(args);
			requirePresent(params[0], options);
			return textOf(params[0]).toLocaleLowerCase(renderData(options).locale);
		},

		/** {{money (sum document.product_list "price_with_tax" "amount")}}: Σ field (× optional factor field). */
		sum(...args: unknown[]) {
			const { params, options } = optionsOf(args);
			const [list, field, factorField] = params;
			requirePresent(list, options);
			if (typeof field !== 'string' || field === '') throw new TemplateError('sum: the field name (second argument) is required');
			let total = 0;
			for (const item of asList(list)) {
				const value = parseNumber(ownPath(item, field));
				if (value === undefined) continue;
				const factor = typeof factorField === 'string' && factorField ? parseNumber(ownPath(item, factorField)) : 1;
				total += value * (factor ?? 0);
			}
			return round(total);
		},

		/** {{statusLabel document.status_desc}}: Metakocka status key → label in the render locale. */
		statusLabel(...args: unknown[]) {
			const { params, options } = optionsOf(args);
			requirePresent(params[0], options);
			const key = textOf(params[0]);
			const labels = Object.prototype.hasOwnProperty.call(STATUS_LABELS, key) ? STATUS_LABELS[key] : undefined;
			if (!labels) return key;
			return renderData(options).locale.toLowerCase().startsWith('sl') ? labels.sl : labels.en;
		},

		/** {{#each (list document.product_list)}}: a single-object list becomes a one-element array. */
		list(...args: unknown[]) {
			return asList(optionsOf(args).params[0]);
		},

		/** Own properties only, and never prototype plumbing, whatever the key evaluates to at runtime. */
		lookup(...args: unknown[]) {
			const [target, key] = optionsOf(args).params;
			if (typeof key === 'number') return Array.isArray(target) ? target[key] : ownProperty(target, String(key));
			return typeof key === 'string' ? ownProperty(target, key) : undefined;
		},

		each(this: unknown, ...args: unknown[]) {
			if (args.length === 2) requirePresent(args[0], args[1] as HelperOptions);
			return builtins.each.apply(this, args);
		},

		with(this: unknown, ...args: unknown[]) {
			if (args.length === 2) requirePresent(args[0], args[1] as HelperOptions);
			return builtins.with.apply(this, args);
		},
	};
}
