// Metakocka dates and Ljubljana time, in one place.
// Document dates: the docs print "+02:00" all year and live put_document rejected "+01:00", so the
// offset is a fixed literal: a date is the calendar day in Europe/Ljubljana with "+02:00" appended,
// and a document timestamp is the instant written at UTC+2.
// Search filter timestamps (last_change_from, ...): only the full YYYY-MM-DDTHH:MM:SS±HH:MM is
// accepted (date-only, no offset and Z were rejected live). Whether Metakocka honours the offset or
// reads the wall clock is undocumented, so they carry Ljubljana's wall-clock time with Ljubljana's
// real offset (+01:00 in winter): the same instant under both readings.

const TZ = 'Europe/Ljubljana';
const MK_OFFSET_MIN = 120;

const ymdFormatter = new Intl.DateTimeFormat('en-CA', {
	timeZone: TZ,
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
});

const partsFormatter = new Intl.DateTimeFormat('en-US', {
	timeZone: TZ,
	hourCycle: 'h23',
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
	hour: '2-digit',
	minute: '2-digit',
	second: '2-digit',
});

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Offset of Europe/Ljubljana from UTC at the given instant, in minutes (60 or 120). */
export function ljubljanaOffsetMinutes(ms: number): number {
	const p: Record<string, number> = {};
	for (const part of partsFormatter.formatToParts(new Date(ms))) {
		if (part.type !== 'literal') p[part.type] = Number(part.value);
	}
	const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
	return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

/** Wall-clock time in Ljubljana -> instant. */
export function ljubljanaWallToMs(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number {
	const guess = Date.UTC(y, mo - 1, d, h, mi, s);
	let ms = guess - ljubljanaOffsetMinutes(guess) * 60000;
	// Second pass settles instants near a DST switch.
	ms = guess - ljubljanaOffsetMinutes(ms) * 60000;
	return ms;
}

function validYmd(y: number, mo: number, d: number): boolean {
	if (mo < 1 || mo > 12 || d < 1 || d > 31) return false;
	const t = new Date(Date.UTC(y, mo - 1, d));
	return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

const RE_YMD = /^(\d{4})-(\d{2})-(\d{2})(?:([+-]\d{2}:?\d{2})|Z)?$/;
const RE_DMY = /^(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})(?:(?:[ T]|\s+)(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const RE_LOCAL_TS = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;
const RE_ZONED_TS = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/** A Metakocka date or time: a calendar day (its offset, if any, is decoration) or an instant. */
export type MkDateValue = { kind: 'date'; y: number; mo: number; d: number } | { kind: 'instant'; ms: number };
type Parsed = MkDateValue;

const validTime = (h: number, mi: number, s: number): boolean => h <= 23 && mi <= 59 && s <= 59;

/** Every spelling Metakocka and n8n write dates in (YYYY-MM-DD[±HH:MM], d.m.yyyy [HH:MM[:SS]], local or zoned timestamps). */
export function readMkDate(input: string): MkDateValue | null {
	return parseAny(input);
}

function parseAny(input: string): Parsed | null {
	const s = input.trim();
	let m = RE_YMD.exec(s);
	if (m) {
		const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
		return validYmd(y, mo, d) ? { kind: 'date', y, mo, d } : null;
	}
	m = RE_DMY.exec(s);
	if (m) {
		const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
		if (!validYmd(y, mo, d)) return null;
		if (m[4] === undefined) return { kind: 'date', y, mo, d };
		if (!validTime(Number(m[4]), Number(m[5]), Number(m[6] ?? 0))) return null;
		return { kind: 'instant', ms: ljubljanaWallToMs(y, mo, d, Number(m[4]), Number(m[5]), Number(m[6] ?? 0)) };
	}
	m = RE_LOCAL_TS.exec(s);
	if (m) {
		const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
		if (!validYmd(y, mo, d) || !validTime(Number(m[4]), Number(m[5]), Number(m[6] ?? 0))) return null;
		return { kind: 'instant', ms: ljubljanaWallToMs(y, mo, d, Number(m[4]), Number(m[5]), Number(m[6] ?? 0)) };
	}
	if (RE_ZONED_TS.test(s)) {
		const ms = Date.parse(s.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
		return Number.isNaN(ms) ? null : { kind: 'instant', ms };
	}
	return null;
}

function toParsed(d: Date | string, what: string): Parsed {
	if (d instanceof Date) {
		if (Number.isNaN(d.getTime())) throw new RangeError(`Invalid ${what}: Invalid Date`);
		return { kind: 'instant', ms: d.getTime() };
	}
	const parsed = typeof d === 'string' ? parseAny(d) : null;
	if (!parsed) throw new RangeError(`Invalid ${what} for Metakocka: "${String(d)}" (use YYYY-MM-DD, dd.mm.yyyy or an ISO timestamp)`);
	return parsed;
}

/** 'YYYY-MM-DD+02:00': the calendar day in Ljubljana (a date-only input keeps its day). */
export function formatMkDate(d: Date | string): string {
	const p = toParsed(d, 'date');
	if (p.kind === 'date') return `${p.y}-${pad(p.mo)}-${pad(p.d)}+02:00`;
	return `${ymdFormatter.format(new Date(p.ms))}+02:00`;
}

/** 'YYYY-MM-DDTHH:MM:SS+02:00': the instant written at UTC+2. Date-only and zone-less inputs are Ljubljana wall time. */
export function formatMkTimestamp(d: Date | string): string {
	const p = toParsed(d, 'timestamp');
	const ms = p.kind === 'date' ? ljubljanaWallToMs(p.y, p.mo, p.d) : p.ms;
	const shifted = new Date(ms + MK_OFFSET_MIN * 60000).toISOString();
	return `${shifted.slice(0, 19)}+02:00`;
}

/**
 * A search filter timestamp ('YYYY-MM-DDTHH:MM:SS±HH:MM'): the instant as Ljubljana wall-clock
 * time with Ljubljana's offset at that instant. Date-only and zone-less inputs are Ljubljana wall time.
 */
export function formatMkFilterTimestamp(d: Date | string | number): string {
	const p = typeof d === 'number' ? toParsed(new Date(d), 'timestamp') : toParsed(d, 'timestamp');
	const ms = Math.floor((p.kind === 'date' ? ljubljanaWallToMs(p.y, p.mo, p.d) : p.ms) / 1000) * 1000;
	const offset = ljubljanaOffsetMinutes(ms);
	const wall = new Date(ms + offset * 60000).toISOString().slice(0, 19);
	return `${wall}${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}

/** The search filter for "changed since": the one way every caller asks Metakocka for changes. */
export function changedSince(since: Date | string | number): { type: 'last_change_from'; value: string } {
	return { type: 'last_change_from', value: formatMkFilterTimestamp(since) };
}

/**
 * Dates come back as 'YYYY-MM-DD+02:00' with a literal offset, so a date-only value is read as
 * midnight in Ljubljana (formatMkDate round-trips it in winter too); timestamps keep their offset.
 */
export function parseMkDate(s: string): Date | null {
	if (typeof s !== 'string' || !s.trim()) return null;
	const p = parseAny(s);
	if (!p) return null;
	return new Date(p.kind === 'date' ? ljubljanaWallToMs(p.y, p.mo, p.d) : p.ms);
}

/** True for strings that are already in Metakocka's documented form (sent unchanged). */
export function isMkDateString(s: string): boolean {
	return /^\d{4}-\d{2}-\d{2}\+02:00$/.test(s) || /^\d{1,2}\.\d{1,2}\.\d{4}$/.test(s);
}
