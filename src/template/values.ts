// Parsing of the loosely typed values Metakocka sends (all scalars are strings, some numbers
// use a decimal comma, dates come in several spellings) and cached Intl formatting for them.

export const TIME_ZONE = 'Europe/Ljubljana';

/** At most one separator, the decimal one: "209", "24.8", "209,00". */
const PLAIN_NUMBER = /^[+-]?\d+(?:[.,]\d+)?$/;

/**
 * A number from a number or a Metakocka string: "24.8", "209,00", "1.895,01", "1,234.56", "1 234,5 €".
 * With a single separator the last one is the decimal point (Metakocka never sends bare
 * thousands groups); repeated separators are thousands groups. Returns undefined when no number.
 */
export function parseNumber(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (typeof value !== 'string') return undefined;
	let text = value.trim().replace(/\u2212/g, '-');
	if (text === '' || text.length > 64) return undefined;
	// The common case needs none of the clean-up below.
	if (PLAIN_NUMBER.test(text)) return Number(text.replace(',', '.'));
	text = text.replace(/[\s\u00a0\u202f']/g, '').replace(/^(?:EUR|€|\$|USD|CHF|GBP|£)|(?:EUR|€|\$|USD|CHF|GBP|£)$/gi, '');
	if (!/^[+-]?(?:\d|[.,]\d)[\d.,]*$/.test(text)) return undefined;
	const lastDot = text.lastIndexOf('.');
	const lastComma = text.lastIndexOf(',');
	let normalized: string;
	if (lastDot >= 0 && lastComma >= 0) {
		const decimal = lastDot > lastComma ? '.' : ',';
		const group = decimal === '.' ? ',' : '.';
		normalized = text.split(group).join('').replace(decimal, '.');
	} else if (lastComma >= 0) {
		normalized = text.indexOf(',') === lastComma ? text.replace(',', '.') : text.split(',').join('');
	} else if (lastDot >= 0) {
		normalized = text.indexOf('.') === lastDot ? text : text.split('.').join('');
	} else {
		normalized = text;
	}
	// Two decimal separators of the same kind after grouping removal ("1.2.3,4,5") are garbage.
	if ((normalized.match(/\./g) ?? []).length > 1) return undefined;
	const result = Number(normalized);
	return Number.isFinite(result) ? result : undefined;
}

export interface ParsedDate {
	/** For date-only values: midnight UTC of the calendar date. Otherwise the instant. */
	date: Date;
	/** False for calendar dates ("2024-05-01+02:00", "1.5.2024"), which are shown as written. */
	hasTime: boolean;
}

function calendarDate(year: number, month: number, day: number): Date | undefined {
	const date = new Date(Date.UTC(year, month - 1, day));
	if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
	return date;
}

/** Offset of Europe/Ljubljana from UTC in minutes at the given instant (60 in winter, 120 in summer). */
function ljubljanaOffsetMinutes(instant: number): number {
	const parts = formatter('en-GB', {
		timeZone: TIME_ZONE,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
	}).formatToParts(new Date(instant));
	const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
	const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
	return Math.round((wall - Math.floor(instant / 60000) * 60000) / 60000);
}

/** A Ljubljana wall-clock time (no offset given, as Metakocka writes local times) to an instant. */
function fromLjubljanaWallTime(y: number, mo: number, d: number, h: number, mi: number, s: number): Date | undefined {
	const base = calendarDate(y, mo, d);
	if (!base || h > 23 || mi > 59 || s > 59) return undefined;
	const wallAsUtc = Date.UTC(y, mo - 1, d, h, mi, s);
	const first = wallAsUtc - ljubljanaOffsetMinutes(wallAsUtc) * 60000;
	// Second pass settles the offset near a DST switch.
	return new Date(wallAsUtc - ljubljanaOffsetMinutes(first) * 60000);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:Z|[+-]\d{2}:?\d{2})?$/;
const DOTTED_DATE = /^(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const LOCAL_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;
const ZONED_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/** Dates as Metakocka and n8n write them; undefined when the value is no date. */
export function parseDate(value: unknown): ParsedDate | undefined {
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : { date: value, hasTime: true };
	if (typeof value === 'number') return Number.isFinite(value) ? { date: new Date(value), hasTime: true } : undefined;
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	if (text.length > 40) return undefined;
	let m = ISO_DATE.exec(text);
	if (m) {
		// The offset on a Metakocka date is decoration ("+02:00" even in winter): keep the calendar day.
		const date = calendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
		return date && { date, hasTime: false };
	}
	m = DOTTED_DATE.exec(text);
	if (m) {
		if (m[4] === undefined) {
			const date = calendarDate(Number(m[3]), Number(m[2]), Number(m[1]));
			return date && { date, hasTime: false };
		}
		const date = fromLjubljanaWallTime(Number(m[3]), Number(m[2]), Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
		return date && { date, hasTime: true };
	}
	m = LOCAL_TIMESTAMP.exec(text);
	if (m) {
		const date = fromLjubljanaWallTime(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
		return date && { date, hasTime: true };
	}
	if (ZONED_TIMESTAMP.test(text)) {
		const time = Date.parse(text.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
		return Number.isNaN(time) ? undefined : { date: new Date(time), hasTime: true };
	}
	return undefined;
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
