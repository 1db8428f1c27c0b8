import { formatMkDate, formatMkFilterTimestamp, formatMkTimestamp } from './dates';

// Values in and out of Metakocka, in one place. Metakocka sends every scalar as a string (numbers
// sometimes Slovenian-style "1.895,01") and lists of one as a bare object; it expects strings back.

/** At most one separator, the decimal one: "209", "24.8", "209,00" (the common case, no clean-up). */
const PLAIN_NUMBER = /^[+-]?\d+(?:[.,]\d+)?$/;

/**
 * Metakocka's numbers, the one parser: "24.8", "10,52", "1.895,01", "209,00", "1 000,50", "1,234.5",
 * "1.234.567" -> number; "", null, garbage -> undefined. With one separator it is the decimal point
 * (Metakocka sends no bare thousands group); with both, the later one is; a repeated separator groups
 * thousands and every group after the first has three digits ("1,2,3" is no number).
 */
export function parseMkNumber(s: unknown): number | undefined {
	if (typeof s === 'number') return Number.isFinite(s) ? s : undefined;
	if (typeof s !== 'string') return undefined;
	let t = s.trim();
	if (PLAIN_NUMBER.test(t)) return Number(t.replace(',', '.'));
	t = t.replace(/[\s\u00a0\u202f']/g, '').replace(/\u2212/g, '-');
	const m = /^([+-]?)([\d.,]+?)(e[+-]?\d+)?$/i.exec(t);
	if (!m || !/\d/.test(m[2])) return undefined;
	const [, sign, body, exponent = ''] = m;
	const lastComma = body.lastIndexOf(',');
	const lastDot = body.lastIndexOf('.');
	let decimal: string | undefined;
	let group: string | undefined;
	if (lastComma >= 0 && lastDot >= 0) [decimal, group] = lastComma > lastDot ? [',', '.'] : ['.', ','];
	else if (lastComma >= 0 || lastDot >= 0) {
		const sep = lastComma >= 0 ? ',' : '.';
		if (body.indexOf(sep) === body.lastIndexOf(sep)) decimal = sep;
		else group = sep;
	}
	const [whole, fraction, extra] = decimal ? body.split(decimal) : [body];
	if (extra !== undefined || (fraction !== undefined && !/^\d+$/.test(fraction))) return undefined;
	const groups = group ? whole.split(group) : [whole];
	if (!/^\d+$/.test(groups[0]) || (groups.length > 1 && (groups[0].length > 3 || groups.slice(1).some((g) => !/^\d{3}$/.test(g))))) return undefined;
	const n = Number(`${sign}${groups.join('')}${fraction !== undefined ? `.${fraction}` : ''}${exponent}`);
	return Number.isFinite(n) ? n : undefined;
}

/** "true"/"false" (any case), true/false, "1"/"0" -> boolean; anything else -> undefined. */
export function parseMkBoolean(s: unknown): boolean | undefined {
	if (typeof s === 'boolean') return s;
	if (typeof s === 'number') return s === 1 ? true : s === 0 ? false : undefined;
	if (typeof s !== 'string') return undefined;
	const t = s.trim().toLowerCase();
	if (t === 'true' || t === '1') return true;
	if (t === 'false' || t === '0') return false;
	return undefined;
}

/** Metakocka sends a one-element list as the element itself, and an empty one as absent/"". */
export function asArray<T = unknown>(v: unknown): T[] {
	if (v === undefined || v === null || v === '') return [];
	return (Array.isArray(v) ? v : [v]) as T[];
}

/** Number -> the plain decimal string Metakocka parses (never exponent notation). */
export function formatMkNumber(n: number): string {
	if (!Number.isFinite(n)) throw new RangeError(`Cannot send ${n} to Metakocka`);
	if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
	// Round away binary noise (0.1+0.2) without losing real precision.
	const s = String(Number(n.toPrecision(15)));
	if (!/e/i.test(s)) return s;
	return n.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}

// Keys whose value is a date ('YYYY-MM-DD+02:00') or a timestamp ('...THH:MM:SS+02:00').
const DATE_KEYS = new Set([
	'doc_date',
	'duo_payment',
	'service_to_date',
	'delivery_deadline',
	'shipped_date',
	'date',
	'exp_date',
	'doc_date_from',
	'doc_date_to',
]);
const TIMESTAMP_KEYS = new Set(['order_create_ts', 'return_new_inbound_messages_from', 'datetime']);
// Search filters (query_advance types): Ljubljana wall-clock time with its real offset (dates.ts).
const FILTER_TIMESTAMP_KEYS = new Set([
	'last_change_from',
	'last_change_to',
	'tracking_last_event_date_from',
	'tracking_last_event_date_to',
	'status_change_from',
	'status_change_to',
]);

type DateKind = 'date' | 'timestamp' | 'filter';

function dateKind(key: string | undefined): DateKind | undefined {
	if (!key) return undefined;
	if (DATE_KEYS.has(key)) return 'date';
	if (FILTER_TIMESTAMP_KEYS.has(key)) return 'filter';
	if (TIMESTAMP_KEYS.has(key) || key.endsWith('_ts')) return 'timestamp';
	return undefined;
}

const FORMAT: Record<DateKind, (d: Date | string) => string> = {
	date: formatMkDate,
	timestamp: formatMkTimestamp,
	filter: formatMkFilterTimestamp,
};

const ISO_DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

const ISO_LOCAL_TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

function serialiseDateString(s: string, kind: DateKind): string {
	const t = s.trim();
	if (kind === 'date') {
		// Bare YYYY-MM-DD and ISO instants are rejected live; dd.mm.yyyy and +02:00 are fine but normalised anyway.
		if (ISO_DATE_ONLY.test(t) || ISO_INSTANT.test(t) || /^\d{4}-\d{2}-\d{2}[+-]\d{2}:\d{2}$/.test(t) || /^\d{1,2}\.\d{1,2}\.\d{4}$/.test(t)) {
			return formatMkDate(t);
		}
		return s;
	}
	// Filters: a date, a zone-less time and Z are all rejected live, so each becomes the full form.
	const filterForms = kind === 'filter' && (ISO_LOCAL_TS.test(t) || /^\d{4}-\d{2}-\d{2}[+-]\d{2}:\d{2}$/.test(t));
	if (filterForms || ISO_DATE_ONLY.test(t) || ISO_INSTANT.test(t) || /^\d{1,2}\.\d{1,2}\.\d{4}$/.test(t)) return FORMAT[kind](t);
	return s;
}

/**
 * Request body -> what Metakocka expects: numbers and booleans as strings, Dates and date strings
 * in date-typed fields in Metakocka's form, undefined/null dropped. query_advance entries
 * ({type, value}) format their value by `type`.
 */
export function toWire(value: unknown, key?: string): unknown {
	if (value === undefined || value === null) return undefined;
	if (value instanceof Date) return FORMAT[dateKind(key) ?? 'date'](value);
	if (typeof value === 'number') return formatMkNumber(value);
	if (typeof value === 'boolean') return value ? 'true' : 'false';
	if (typeof value === 'bigint') return value.toString();
	if (typeof value === 'string') {
		const kind = dateKind(key);
		return kind ? serialiseDateString(value, kind) : value;
	}
	if (Array.isArray(value)) {
		return value.map((item) => toWire(item, key)).filter((item) => item !== undefined);
	}
	if (typeof value === 'object') {
		const obj = value as Record<string, unknown>;
		const out: Record<string, unknown> = {};
		const typeKey = typeof obj.type === 'string' && 'value' in obj ? obj.type : undefined;
		for (const [k, v] of Object.entries(obj)) {
			const w = toWire(v, k === 'value' && typeKey ? typeKey : k);
			if (w !== undefined) out[k] = w;
		}
		return out;
	}
	return String(value);
}

export function toWireBody(body: Record<string, unknown>): Record<string, unknown> {
	return toWire(body) as Record<string, unknown>;
}
