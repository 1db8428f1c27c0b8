// Metakocka wire conventions, each in one place: string scalars, decimal commas, dates,
// single-object lists, the opr_code envelope and the HTML 404 page.

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Request values arrive as strings, numbers or booleans; the sandbox works with strings. */
export function str(v: unknown): string | undefined {
	if (v === undefined || v === null) return undefined;
	if (typeof v === 'string') return v;
	if (typeof v === 'number' || typeof v === 'boolean') return String(v);
	return undefined;
}

/** Trimmed, non-empty string or undefined. */
export function text(v: unknown): string | undefined {
	const s = str(v)?.trim();
	return s ? s : undefined;
}

export function bool(v: unknown): boolean | undefined {
	const s = str(v)?.trim().toLowerCase();
	if (s === 'true') return true;
	if (s === 'false') return false;
	return undefined;
}

export const boolStr = (b: boolean | undefined, dflt = false): string => String(b ?? dflt);

/**
 * Numbers come as "24.8", "19,99" or "1.895,01" [DOC]. A comma is always the decimal separator;
 * when both appear, dots are thousands separators.
 */
export function num(v: unknown): number | undefined {
	if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
	let s = str(v)?.trim().replace(/\s/g, '');
	if (!s) return undefined;
	if (s.includes(',')) s = s.replace(/\./g, '').replace(',', '.');
	if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(s)) return undefined;
	return Number(s);
}

export type NumberStyle = 'dot' | 'sl';

/** "24.8" style (trailing zeros dropped) or Slovenian "209,00" as seen live on some documents [OBS]. */
export function fmt(n: number, style: NumberStyle = 'dot'): string {
	const r = Math.round((n + Number.EPSILON) * 100) / 100;
	if (style === 'sl') return r.toFixed(2).replace('.', ',');
	return String(Object.is(r, -0) ? 0 : r);
}

/** Responses carry every scalar as a string [DOC][OBS]; undefined/null keys are dropped. */
export function stringify(v: unknown): unknown {
	if (Array.isArray(v)) return v.map(stringify);
	if (isObj(v)) {
		const out: Obj = {};
		for (const [k, x] of Object.entries(v)) {
			if (x === undefined || x === null) continue;
			out[k] = stringify(x);
		}
		return out;
	}
	if (typeof v === 'number' || typeof v === 'boolean') return String(v);
	return v;
}

/** Lists may arrive as a single object (offer_list, localization, ...). */
export function asArray(v: unknown): Obj[] {
	if (Array.isArray(v)) return v.filter(isObj);
	if (isObj(v)) return [v];
	return [];
}

/** Documented quirk: a list with one element is answered as the bare object (product_list, stock_remove_list). */
export function oneOrList<T>(list: T[]): T | T[] {
	return list.length === 1 ? list[0] : list;
}

export function csv(v: unknown): string[] {
	if (Array.isArray(v)) return v.map((x) => str(x)?.trim() ?? '').filter(Boolean);
	return (str(v) ?? '')
		.split(',')
		.map((x) => x.trim())
		.filter(Boolean);
}

// --- dates ------------------------------------------------------------------------------------

const OFFSET = '+02:00';
const OFFSET_MS = 2 * 3600 * 1000;

function validYmd(y: number, m: number, d: number): boolean {
	const dt = new Date(Date.UTC(y, m - 1, d));
	return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/**
 * Document dates: put_document accepted `YYYY-MM-DD+02:00` (year-round) and `dd.mm.yyyy`, and
 * rejected bare `YYYY-MM-DD`, other offsets and timestamps [OBS]. Returns the stored form
 * `YYYY-MM-DD+02:00`, or undefined when invalid.
 */
export function parseDocDate(v: unknown): string | undefined {
	const s = str(v)?.trim() ?? '';
	let m = /^(\d{4})-(\d{2})-(\d{2})\+02:00$/.exec(s);
	if (m && validYmd(+m[1], +m[2], +m[3])) return `${m[1]}-${m[2]}-${m[3]}${OFFSET}`;
	m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(s);
	if (m && validYmd(+m[3], +m[2], +m[1])) {
		return `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}${OFFSET}`;
	}
	return undefined;
}

/** `YYYY-MM-DDTHH:MM:SS+02:00`; the docs print +02:00 year-round. */
export function formatTs(ms: number): string {
	return new Date(ms + OFFSET_MS).toISOString().slice(0, 19) + OFFSET;
}

export function todayDate(ms = Date.now()): string {
	return formatTs(ms).slice(0, 10) + OFFSET;
}

/**
 * Filter values: dates or timestamps with any offset (MCP sends +01:00 in winter and it works
 * [MCP]), or dd.mm.yyyy [INF for doc_date_*]. The change filters (last_change_*, status_change_*)
 * are checked for the full timestamp form before this (search.ts) [OBS]. `end` makes a bare date
 * mean the end of that day.
 */
export function parseFilterTime(v: unknown, end = false): number | undefined {
	const s = str(v)?.trim() ?? '';
	let m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(s);
	if (m) return dayMs(+m[3], +m[2], +m[1], OFFSET, end);
	m = /^(\d{4})-(\d{2})-(\d{2})(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
	if (m) return dayMs(+m[1], +m[2], +m[3], m[4] ?? OFFSET, end);
	if (/^\d{4}-\d{2}-\d{2}T/.test(s)) {
		const t = Date.parse(/([+-]\d{2}:?\d{2}|Z)$/.test(s) ? s : s + OFFSET);
		return Number.isNaN(t) ? undefined : t;
	}
	return undefined;
}

function dayMs(y: number, mo: number, d: number, off: string, end: boolean): number | undefined {
	if (!validYmd(y, mo, d)) return undefined;
	const o = off === 'Z' ? '+00:00' : off.length === 5 ? `${off.slice(0, 3)}:${off.slice(3)}` : off;
	const t = Date.parse(`${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}T00:00:00${o}`);
	return end ? t + 86_400_000 - 1 : t;
}

/** ms of the start of a stored doc date (`YYYY-MM-DD+02:00`). */
export function docDateMs(stored: string): number {
	return Date.parse(`${stored.slice(0, 10)}T00:00:00${OFFSET}`);
}

// --- envelope ---------------------------------------------------------------------------------

/** Success envelope; the server fills opr_time_ms in place. */
export function ok(extra: Obj = {}): Obj {
	return { opr_code: '0', opr_time_ms: '0', ...extra };
}

/** Business errors are HTTP 200 with a non-zero opr_code [DOC]. */
export function fail(code: string, desc: string, extra: Obj = {}): Obj {
	return { opr_code: code, opr_desc: desc, opr_time_ms: '0', ...extra };
}

export const INTERNAL_ERROR = 'Internal server error.';

/** A method under the wrong URL family, GET requests and unknown paths get the app server's HTML 404 [OBS]. */
export function html404Page(path: string): string {
	const p = path.replace(/[<>&"]/g, '');
	return (
		'<!doctype html><html lang="en"><head><title>HTTP Status 404 – Not Found</title></head>' +
		`<body><h1>HTTP Status 404 – Not Found</h1><hr class="line" /><p><b>Type</b> Status Report</p>` +
		`<p><b>Message</b> ${p}</p><p><b>Description</b> The origin server did not find a current representation ` +
		'for the target resource or is not willing to disclose that one exists.</p><hr class="line" /></body></html>'
	);
}

export function htmlErrorPage(status: number, title: string): string {
	return `<!doctype html><html><head><title>${status} ${title}</title></head><body><center><h1>${status} ${title}</h1></center><hr><center>nginx</center></body></html>`;
}

/** Plain-ASCII text for the standard PDF fonts. */
export function ascii(s: string): string {
	return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]/g, '?');
}
