// Parsing of the loosely typed values Metakocka sends (all scalars are strings, some numbers
// use a decimal comma, dates come in several spellings) and cached Intl formatting for them.

import { readMkDate } from '../client/dates';
import { parseMkNumber } from '../client/wire';

export const TIME_ZONE = 'Europe/Ljubljana';

/**
 * A number from a number or a Metakocka string: "24.8", "209,00", "1.895,01", "1,234.56", "1 234,5 €".
 * Currency signs are presentation; the number itself is read by the client's parser (one owner of
 * Metakocka's number spellings). Returns undefined when no number.
 */
export function parseNumber(value: unknown): number | undefined {
	if (typeof value !== 'string') return parseMkNumber(value);
	const text = value.trim();
	if (text === '' || text.length > 64) return undefined;
	return parseMkNumber(text.replace(/^(?:EUR|€|\$|USD|CHF|GBP|£)\s*|\s*(?:EUR|€|\$|USD|CHF|GBP|£)$/gi, ''));
}

export interface ParsedDate {
	/** For date-only values: midnight UTC of the calendar date. Otherwise the instant. */
	date: Date;
	/** False for calendar dates ("2024-05-01+02:00", "1.5.2024"), which are shown as written. */
	hasTime: boolean;
}

/** Dates as Metakocka and n8n write them (read by the client's date parser); undefined when the value is no date. */
export function parseDate(value: unknown): ParsedDate | undefined {
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : { date: value, hasTime: true };
	if (typeof value === 'number') return Number.isFinite(value) ? { date: new Date(value), hasTime: true } : undefined;
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	if (text.length > 40) return undefined;
	const parsed = readMkDate(text);
	if (!parsed) return undefined;
	// The offset on a Metakocka date is decoration ("+02:00" even in winter): keep the calendar day.
	if (parsed.kind === 'date') return { date: new Date(Date.UTC(parsed.y, parsed.mo - 1, parsed.d)), hasTime: false };
	return { date: new Date(parsed.ms), hasTime: true };
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const numberFormatters = new Map<string, Intl.NumberFormat>();

// Building an Intl formatter costs far more than using one; the set of option combinations is small.
export function formatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
	const key = `${locale}|${JSON.stringify(options)}`;
	let found = formatters.get(key);
	if (!found) {
		if (formatters.size > 200) formatters.clear();
		found = new Intl.DateTimeFormat(locale, options);
		formatters.set(key, found);
	}
	return found;
}

export function numberFormatter(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
	const key = `${locale}|${JSON.stringify(options)}`;
	let found = numberFormatters.get(key);
	if (!found) {
		if (numberFormatters.size > 200) numberFormatters.clear();
		found = new Intl.NumberFormat(locale, options);
		numberFormatters.set(key, found);
	}
	return found;
}

const moneyFormatters = new Map<string, Intl.NumberFormat>();

/**
 * The money helper's formatter for a locale and currency. Its options never vary, so this skips
 * building numberFormatter's options key on every call (the money helper is the hottest in renders).
 */
export function moneyFormatter(locale: string, currency: string): Intl.NumberFormat {
	const key = `${locale}|${currency}`;
	let found = moneyFormatters.get(key);
	if (!found) {
		found = numberFormatter(locale, {
			style: 'currency',
			currency,
			// sl-SI leaves 4-digit amounts ungrouped ("1234,56 €"); invoices group them.
			useGrouping: 'always' as unknown as boolean,
		});
		if (moneyFormatters.size > 200) moneyFormatters.clear();
		moneyFormatters.set(key, found);
	}
	return found;
}

const shortDateFormatters = new Map<string, Intl.DateTimeFormat>();

/** The default {{date}} format's formatter, cached by locale and time zone only (as moneyFormatter). */
function shortDateFormatter(locale: string, timeZone: string): Intl.DateTimeFormat {
	const key = `${locale}|${timeZone}`;
	let found = shortDateFormatters.get(key);
	if (!found) {
		found = formatter(locale, { timeZone, day: 'numeric', month: 'numeric', year: 'numeric' });
		if (shortDateFormatters.size > 200) shortDateFormatters.clear();
		shortDateFormatters.set(key, found);
	}
	return found;
}

/** Plain spaces and an ASCII minus, so output compares and copies predictably in plain-text mail. */
export function plainSpaces(text: string): string {
	return text.replace(/[\u00a0\u202f]/g, ' ').replace(/\u2212/g, '-');
}

export type DateFormat = 'short' | 'long' | 'iso' | 'datetime' | 'time';

export function formatDate(parsed: ParsedDate, format: DateFormat, locale: string): string {
	// Calendar dates are formatted in UTC so no time zone can move them to another day.
	const timeZone = parsed.hasTime ? TIME_ZONE : 'UTC';
	switch (format) {
		case 'iso': {
			const parts = formatter('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(parsed.date);
			const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
			return `${get('year')}-${get('month')}-${get('day')}`;
		}
		case 'long':
			return plainSpaces(formatter(locale, { timeZone, day: 'numeric', month: 'long', year: 'numeric' }).format(parsed.date));
		case 'time':
			return parsed.hasTime
				? plainSpaces(formatter(locale, { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(parsed.date))
				: '';
		case 'datetime': {
			const day = formatDate(parsed, 'short', locale);
			return parsed.hasTime ? `${day} ${formatDate(parsed, 'time', locale)}` : day;
		}
		case 'short':
		default:
			return plainSpaces(shortDateFormatter(locale, timeZone).format(parsed.date));
	}
}
