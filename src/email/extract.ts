// Deterministic extraction of Metakocka lookup candidates from an email. Everything found here is
// only a candidate: the node verifies it against Metakocka. The patterns are precompiled once and
// every quantifier is bounded, so the cost is linear in the (capped) text length.

import { ExtractionPatternError } from './errors';
import type { NormalizedEmail } from './normalize';
import { TAX_FORMATS, isValidMod11_10, isValidSiTaxNumber } from './vat';

export interface ExtractionPatterns {
	/** Regex sources (or "/source/flags") for this company's document numbers; group 1 is the value if present. */
	documentNumbers?: string[];
	/** Regex sources for this company's product codes; when given they replace the default ART-123 pattern. */
	productCodes?: string[];
}

export type CandidateKind = 'email' | 'document_number' | 'buyer_order' | 'product_code' | 'tax_number';
export type EvidenceField = 'from' | 'to' | 'cc' | 'reply_to' | 'subject' | 'text';

export interface Evidence {
	field: EvidenceField;
	/** ≤ 80 characters around the match, whitespace collapsed. */
	snippet: string;
	/** Character offset in subject/text; position in the address list for from/to/cc/reply_to. */
	index: number;
	/** Found in quoted reply history ("On … wrote:", "Dne … napisal:", "> " lines): counts less. */
	quoted?: true;
}

export interface Candidate {
	kind: CandidateKind;
	value: string;
	evidence: Evidence[];
	/** Sum of evidence weights (sender/subject high, quoted history low); candidates of a kind are sorted by it. */
	score: number;
}

export interface ExtractOptions {
	/** The company's own mail domains (e.g. "firma.si"); their addresses, subdomains included, are not candidates. */
	ownDomains?: string[];
}

/** Only the first 200,000 characters of the body (and 2,000 of the subject) are searched: bounded work per email. */
export const MAX_TEXT_CHARS = 200_000;
export const MAX_SUBJECT_CHARS = 2_000;
const MAX_EVIDENCE = 10;
const SNIPPET_CHARS = 80;

const KIND_ORDER: CandidateKind[] = ['email', 'document_number', 'buyer_order', 'product_code', 'tax_number'];
const FIELD_ORDER: EvidenceField[] = ['from', 'reply_to', 'to', 'cc', 'subject', 'text'];
const WEIGHT: Record<EvidenceField, number> = { from: 3, reply_to: 3, to: 1, cc: 1, subject: 3, text: 2 };
const QUOTED_WEIGHT = 0.5;

// ---------------------------------------------------------------------------------------------
// Patterns (compiled once)

/** Letters/digits of any script, so "š" and "č" count as word characters. */
const W = String.raw`\p{L}\p{N}`;
const BEFORE = String.raw`(?<![${W}])`;
const GAP = String.raw`[ \t]{0,3}`;

const EMAIL = new RegExp(String.raw`(?<![${W}._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}(?![${W}-])`, 'gu');
const NO_REPLY = /^(?:no-?reply|do-?not-?reply|mailer-daemon|postmaster|bounces?)(?:[+._-].*)?$/i;

/** "št.", "številka", "no.", "nr.", "#", ":" between a keyword and its number. */
const MARKER = String.raw`(?:(?:št|st|štev|stev|nr|no|num|br)\.?|številka|stevilka|številko|stevilko|number|nummer|broj|#|:)`;
const MARKED = String.raw`(?:${GAP}${MARKER}){0,2}${GAP}[:#]?${GAP}`;
const TOKEN = String.raw`([A-Za-z0-9](?:[A-Za-z0-9_/-]{0,38}[A-Za-z0-9])?)`;

const DOC_WORDS = [
	String.raw`naro[čc]il(?:o|a|u|om|i)?`,
	String.raw`(?:pred)?ra[čc]un(?:a|u|om|i)?`,
	String.raw`ponudb(?:a|e|i|o)`,
	String.raw`dobavnic(?:a|e|i|o)`,
	String.raw`faktur(?:a|e|i|o)`,
	String.raw`reklamacij(?:a|e|i|o)`,
	String.raw`dokument(?:a|u)?`,
	String.raw`(?:sales\s)?order`,
	String.raw`invoice`,
	String.raw`inv\.?`,
	String.raw`offer`,
	String.raw`quot(?:e|ation)`,
	String.raw`pro-?forma(?:\sinvoice)?`,
	String.raw`delivery\snote`,
	String.raw`credit\snote`,
	String.raw`document`,
	String.raw`doc\.?`,
	String.raw`ref(?:erence)?\.?`,
	String.raw`rechnung`,
	String.raw`bestellung`,
	String.raw`auftrag`,
	String.raw`angebot`,
	String.raw`narud[žz]b(?:a|e|i|u)`,
];
const DOC_ANCHORED = new RegExp(String.raw`${BEFORE}(?:${DOC_WORDS.join('|')})(?![${W}])(${MARKED})${TOKEN}`, 'giu');

const BUYER_WORDS = [
	String.raw`naro[čc]ilnic(?:a|e|i|o|ah)`,
	String.raw`(?:va[šs]|na[šs])(?:e|a|ega|em|o|i)?\s{1,3}naro[čc]il(?:o|a|u|om)`,
	String.raw`purchase\s{1,3}order`,
	String.raw`(?:customer|buyer|client|our)\s{1,3}order`,
	String.raw`bestellnummer`,
];
const BUYER_ANCHORED = new RegExp(String.raw`${BEFORE}(?:${BUYER_WORDS.join('|')})(?![${W}])(${MARKED})${TOKEN}`, 'giu');
// Upper-case only: lower-case "po" is the everyday Slovene preposition.
const BUYER_PO = new RegExp(String.raw`${BEFORE}P\.?O\.?(?![${W}])(${MARKED})${TOKEN}`, 'gu');

const PRODUCT_WORDS = [
	String.raw`[šs]ifr(?:a|e|i|o)(?:\s{1,3}(?:artikla|izdelka|produkta))?`,
	String.raw`kod(?:a|e|i|o)(?:\s{1,3}(?:artikla|izdelka|produkta))?`,
	String.raw`(?:product|item|article)\s{1,3}(?:code|no\.?|number)`,
	String.raw`code`,
	String.raw`sku`,
	String.raw`art\.`,
	String.raw`artikel`,
	String.raw`artikla`,
	String.raw`part\s{1,3}(?:no\.?|number)`,
	String.raw`katalo[šs]ka\s{1,3}(?:[šs]t\.?|[šs]tevilka)`,
	String.raw`ean`,
	String.raw`ident`,
];
// "postal code 1000", "promo koda X" and the like are not product codes.
const NOT_PRODUCT_CONTEXT = String.raw`(?<!(?:postal|post|zip|promo|discount|coupon|voucher|gift|verification|security|access|qr|popustn[a-zčšž]{0,3}|po[šs]tn[a-zčšž]{0,2}|kupon(?:sk[a-zčšž]{0,2})?)\s{1,3})`;
const PRODUCT_ANCHORED = new RegExp(
	String.raw`${BEFORE}${NOT_PRODUCT_CONTEXT}(?:${PRODUCT_WORDS.join('|')})(?![${W}])(${MARKED})${TOKEN}`,
	'giu',
);
const PRODUCT_DEFAULT = new RegExp(String.raw`${BEFORE}(?:ART|Art|art)[-_]?\d{1,10}(?![${W}_]|-\d)`, 'gu');

/** 2024-00123: a year, a dash and 3-6 digits (a date's "-05-01" is never 3+ digits). */
const DOC_YEAR_NUMBER = new RegExp(String.raw`(?<![${W}_./,-])(?:19|20)\d{2}-\d{3,6}(?![${W}_]|[-/.,]\d)`, 'gu');
/** PR_SO-15, RA-2024-15, P-24-0042, INV-2024-15: an upper-case series prefix and numbers. */
const DOC_PREFIXED = new RegExp(
	String.raw`(?<![${W}_./-])[A-Z]{1,6}(?:_[A-Z]{1,6}){0,2}[-_/](?:\d{2,4}[-/])?\d{1,8}(?![${W}_]|[-/.,]\d)`,
	'gu',
);
/** #5662 on its own (web-shop order numbers). */
const DOC_HASH = new RegExp(String.raw`(?<![${W}&#])#[ ]?(\d{3,10})(?![${W}_]|[.,]\d)`, 'gu');
/** Prefixes that look like series but are standards, encodings, postcodes… */
const NOT_A_SERIES = new Set(['ISO', 'EN', 'DIN', 'SIST', 'IEC', 'COVID', 'UTF', 'USB', 'HDMI', 'RFC', 'SHA', 'TLS', 'SSL', 'IP', 'IPV', 'CO', 'MP', 'CE', 'GDPR', 'SARS', 'WIN', 'PCI', 'A', 'D', 'I', 'F']);
const POSTCODE = /^(?:SI|HR|AT|DE|IT|HU|CH|A|D|I|F)-\d{4,5}$/;

const TAX_PREFIXED = TAX_FORMATS.map((format) => ({
	format,
	pattern: new RegExp(String.raw`${BEFORE}${format.country}[ -]?(${format.pattern})(?![${W}])`, 'gu'),
}));
const TAX_WORDS = [
	String.raw`id\s{0,3}(?:[šs]t\.?\s{0,3})?za\s{1,3}ddv`,
	String.raw`identifikacijska\s{1,3}[šs]tevilka\s{1,3}za\s{1,3}ddv`,
	String.raw`ddv\s{0,3}(?:id|[šs]t\.?|[šs]tevilka)`,
	String.raw`dav[čc]na\s{1,3}(?:[šs]t\.?|[šs]tevilka)`,
	String.raw`d\.?\s?[šs]\.`,
	String.raw`D[ŠS]`,
	String.raw`vat(?:\s{1,3}(?:id|no\.?|number|reg(?:istration)?\.?(?:\s{1,3}no\.?)?))?`,
	String.raw`tax\s{1,3}(?:id|no\.?|number)`,
	String.raw`ust-?id(?:nr)?\.?`,
	String.raw`oib`,
];
const TAX_ANCHORED = new RegExp(
	String.raw`${BEFORE}(?:${TAX_WORDS.join('|')})(?![${W}])[ \t]{0,3}[:.#]?[ \t]{0,3}(?:(?:je|is)[ \t]{1,3})?((?:\d ?){10}\d|(?:\d ?){7}\d)(?![${W}])`,
	'giu',
);

// Reply history markers. Forwarded content is deliberately not treated as quoted.
const REPLY_HEADERS = [
	// An optional first line, then a lazy bounded scan: linear per line start, even on hostile text.
	/^[ \t]*On\s(?:[^\n]{0,300}\n)?[^\n]{0,300}?\swrote:[ \t]*$/m,
	/^[ \t]*(?:Dne|V|Na)\s(?:[^\n]{0,300}\n)?[^\n]{0,300}?\s(?:na)?pisal(?:a|\(a\))?:?[ \t]*$/m,
	/^[ \t]*Am\s(?:[^\n]{0,300}\n)?[^\n]{0,300}?\sschrieb[^\n:]{0,100}:[ \t]*$/m,
];
const OUTLOOK_REPLY_HEADERS = [
	/^[ \t]*-{2,}[ \t]*(?:Original Message|Izvirno sporočilo|Prvotno sporočilo|Ursprüngliche Nachricht)[ \t]*-{2,}/im,
	/^[ \t]*(?:From|Od):[^\n]{1,300}\n[ \t]*(?:Sent|Poslano):/im,
];
const FORWARD_SUBJECT = /^\s*(?:fwd?|fw|posl|posredovano|wg)\s*:/i;

// ---------------------------------------------------------------------------------------------

interface Span {
	start: number;
	end: number;
}

/** Reading order of a piece of evidence: header fields first, then subject, then body position. */
function position(evidence: Evidence): number {
	return FIELD_ORDER.indexOf(evidence.field) * 1e9 + evidence.index;
}

class Collector {
	private readonly byKey = new Map<string, Candidate>();

	add(kind: CandidateKind, value: string, evidence: Evidence): void {
		const key = `${kind}\u0000${value.toLowerCase()}`;
		let candidate = this.byKey.get(key);
		if (!candidate) {
			candidate = { kind, value, evidence: [], score: 0 };
			this.byKey.set(key, candidate);
		}
		candidate.score += evidence.quoted ? QUOTED_WEIGHT : WEIGHT[evidence.field];
		if (candidate.evidence.length < MAX_EVIDENCE) candidate.evidence.push(evidence);
	}

	/** Kinds in KIND_ORDER; within a kind by score, then by where the value first appears. */
	result(): Candidate[] {
		const all = [...this.byKey.values()];
		for (const candidate of all) candidate.evidence.sort((a, b) => position(a) - position(b));
		all.sort(
			(a, b) =>
				KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
				b.score - a.score ||
				position(a.evidence[0]) - position(b.evidence[0]),
		);
		return all;
	}
}

function snippetAt(text: string, start: number, end: number): string {
	const room = Math.max(0, SNIPPET_CHARS - (end - start));
	const from = Math.max(0, start - Math.floor(room / 2));
	const to = Math.min(text.length, end + Math.ceil(room / 2));
	return text.slice(from, to).replace(/\s+/g, ' ').trim().slice(0, SNIPPET_CHARS);
}

/** Index of the first span (sorted, non-overlapping) whose end is after `position`. */
function firstEndingAfter(spans: Span[], position: number): number {
	let low = 0;
	let high = spans.length;
	while (low < high) {
		const mid = (low + high) >> 1;
		if (spans[mid].end > position) high = mid;
		else low = mid + 1;
	}
	return low;
}

/**
 * Text field with its quoted ranges and the spans already claimed by an earlier, more specific
 * pattern. Both are kept sorted so a text with thousands of matches stays cheap.
 */
class Field {
	private readonly claimed: Span[] = [];
	private readonly quoted: Span[];

	constructor(
		readonly name: 'subject' | 'text',
		readonly text: string,
		quoted: Span[],
	) {
		this.quoted = mergeSpans(quoted);
	}

	isQuoted(index: number): boolean {
		const i = firstEndingAfter(this.quoted, index);
		return i < this.quoted.length && this.quoted[i].start <= index;
	}

	isClaimed(start: number, end: number): boolean {
		const i = firstEndingAfter(this.claimed, start);
		return i < this.claimed.length && this.claimed[i].start < end;
	}

	/** Callers check isClaimed first, so claimed spans never overlap. */
	claim(start: number, end: number): void {
		this.claimed.splice(firstEndingAfter(this.claimed, start), 0, { start, end });
	}

	evidence(start: number, end: number): Evidence {
		const evidence: Evidence = { field: this.name, snippet: snippetAt(this.text, start, end), index: start };
		if (this.isQuoted(start)) evidence.quoted = true;
		return evidence;
	}
}

function mergeSpans(spans: Span[]): Span[] {
	const sorted = [...spans].sort((x, y) => x.start - y.start);
	const merged: Span[] = [];
	for (const span of sorted) {
		const last = merged[merged.length - 1];
		if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
		else merged.push({ ...span });
	}
	return merged;
}

function quotedSpans(text: string, subject: string): Span[] {
	const spans: Span[] = [];
	let lineStart = 0;
	while (lineStart < text.length) {
		const newline = text.indexOf('\n', lineStart);
		const lineEnd = newline < 0 ? text.length : newline;
		let i = lineStart;
		while (i < lineEnd && (text[i] === ' ' || text[i] === '\t')) i++;
		if (text[i] === '>') spans.push({ start: lineStart, end: lineEnd });
		lineStart = lineEnd + 1;
	}
	const markers = FORWARD_SUBJECT.test(subject) ? REPLY_HEADERS : [...REPLY_HEADERS, ...OUTLOOK_REPLY_HEADERS];
	let history = text.length;
	for (const marker of markers) {
		const found = marker.exec(text);
		if (found && found.index < history) history = found.index;
	}
	if (history < text.length) spans.push({ start: history, end: text.length });
	return spans;
}

// ---------------------------------------------------------------------------------------------
// Validation of document-like tokens

const DATE_LIKE = /^(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[-/]\d{1,2}[-/]\d{2,4})$/;
const IBAN_AT = /[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,8}(?: ?[A-Z0-9]{1,4})?/y;
const AMOUNT_AFTER = /^ ?(?:€|eur\b|usd\b|\$|chf\b|kn\b|hrk\b|sit\b)/i;
const PHONE_AFTER = /^[ /-]\d{2,4}[ /-]\d{2,4}/;
const UNIT_AFTER = /^ ?(?:kos|kosov|kosa|kom|kpl|pcs|pieces|units?|x\b|kg\b|g\b|m\b|l\b|ur\b|h\b|%|dni\b|days?\b)/i;
const PHONE_BEFORE = /(?:tel|telefon|gsm|mob|mobile|phone|fax|faks)\.?:?[ \t]{0,3}(?:\+?\d{1,4}[ ]?)?$/i;

function isIbanAt(text: string, start: number): boolean {
	IBAN_AT.lastIndex = start;
	const match = IBAN_AT.exec(text);
	return match !== null && match[0].replace(/\D/g, '').length >= 12;
}

function looksLikeNumberCandidate(token: string, text: string, start: number, end: number, marked: boolean, maxDigits = 12): boolean {
	if (!/\d/.test(token) || token.length > 40) return false;
	const after = text.slice(end, end + 12);
	const before = text.slice(Math.max(0, start - 24), start);
	// Part of a date, time or amount: "12.5.2024", "1.234,56", "10:30".
	if (/^[.,:]\d/.test(after) || /\d[.,:]$/.test(before)) return false;
	if (DATE_LIKE.test(token)) return false;
	if (AMOUNT_AFTER.test(after) || /(?:€|eur|\$)[ ]?$/i.test(before)) return false;
	if (isIbanAt(text, start)) return false;
	if (/^\+/.test(text.slice(start - 1, start)) || PHONE_BEFORE.test(before)) return false;
	if (/^\d+$/.test(token)) {
		if (PHONE_AFTER.test(after) || token.length > maxDigits || UNIT_AFTER.test(after)) return false;
		// Without "št."/"no."/"#" a bare number needs some length, and a bare year is a year.
		if (!marked && (token.length < 3 || /^(?:19|20)\d{2}$/.test(token))) return false;
	}
	return true;
}

// ---------------------------------------------------------------------------------------------

const companyPatternCache = new Map<string, RegExp>();

function compileCompanyPattern(source: string): RegExp {
	const cached = companyPatternCache.get(source);
	if (cached) return cached;
	if (typeof source !== 'string' || source.trim() === '') throw new ExtractionPatternError(String(source), 'the pattern is empty');
	const literal = /^\/([\s\S]+)\/([dgimsuy]*)$/.exec(source);
	const body = literal ? literal[1] : source;
	const flags = new Set((literal ? literal[2] : '').replace(/[gy]/g, ''));
	flags.add('g');
	let pattern: RegExp | undefined;
	let problem = '';
	try {
		pattern = new RegExp(body, [...flags].join(''));
	} catch (error) {
		problem = (error as Error).message;
	}
	if (!pattern) throw new ExtractionPatternError(source, problem);
	if (companyPatternCache.size > 200) companyPatternCache.clear();
	companyPatternCache.set(source, pattern);
	return pattern;
}

type Sink = (field: Field, value: string, start: number, end: number) => void;

/** Runs a global regex over a field, skipping empty matches so user patterns cannot loop forever. */
function scan(field: Field, pattern: RegExp, onMatch: (match: RegExpExecArray) => void): void {
	pattern.lastIndex = 0;
	let match: RegExpExecArray | null;
	while ((match = pattern.exec(field.text)) !== null) {
		if (match[0] === '') {
			pattern.lastIndex++;
			continue;
		}
		onMatch(match);
	}
}

/**
 * Keyword + marker + token: the token's span is the end of the match minus its length. Product
 * keywords are strong enough on their own ("šifra 5"); EAN/GTIN codes may have up to 14 digits.
 */
function scanAnchored(field: Field, pattern: RegExp, sink: Sink, product = false): void {
	scan(field, pattern, (match) => {
		const token = match[2];
		const end = match.index + match[0].length;
		const start = end - token.length;
		const marked = product || /[^\s]/.test(match[1]);
		if (field.isClaimed(start, end)) return;
		if (!looksLikeNumberCandidate(token, field.text, start, end, marked, product ? 14 : 12)) return;
		field.claim(start, end);
		sink(field, token, start, end);
	});
}

function scanCompany(field: Field, sources: string[], sink: Sink): void {
	for (const source of sources) {
		scan(field, compileCompanyPattern(source), (match) => {
			const groupIndex = match.findIndex((group, i) => i > 0 && group !== undefined && group !== '');
			const value = (groupIndex > 0 ? match[groupIndex] : match[0]).trim();
			if (!value) return;
			const offset = groupIndex > 0 ? match[0].indexOf(match[groupIndex]) : 0;
			const start = match.index + Math.max(0, offset);
			const end = start + value.length;
			if (field.isClaimed(start, end)) return;
			field.claim(start, end);
			sink(field, value, start, end);
		});
	}
}

function addressCandidates(email: NormalizedEmail, own: string[], collector: Collector): void {
	const lists: Array<[EvidenceField, Array<{ address: string; name?: string }>]> = [
		['from', [email.from]],
		['reply_to', email.replyTo ?? []],
		['to', email.to],
		['cc', email.cc],
	];
	for (const [field, list] of lists) {
		list.forEach((entry, index) => {
			if (!entry || typeof entry.address !== 'string' || !isExternal(entry.address, own)) return;
			const display = entry.name ? `${entry.name} <${entry.address}>` : entry.address;
			collector.add('email', entry.address.toLowerCase(), { field, snippet: display.slice(0, SNIPPET_CHARS), index });
		});
	}
}

function isExternal(address: string, own: string[]): boolean {
	const at = address.lastIndexOf('@');
	if (at < 1) return false;
	const local = address.slice(0, at).toLowerCase();
	const domain = address.slice(at + 1).toLowerCase();
	if (NO_REPLY.test(local)) return false;
	return !own.some((d) => domain === d || domain.endsWith(`.${d}`));
}

function extractFromField(field: Field, patterns: ExtractionPatterns, own: string[], collector: Collector): void {
	const add =
		(kind: CandidateKind): Sink =>
		(f, value, start, end) =>
			collector.add(kind, value, f.evidence(start, end));

	scan(field, EMAIL, (match) => {
		const address = match[0].toLowerCase();
		if (isExternal(address, own)) collector.add('email', address, field.evidence(match.index, match.index + match[0].length));
		field.claim(match.index, match.index + match[0].length);
	});

	// Tax numbers: country-prefixed anywhere, bare digits only after a tax keyword.
	for (const { format, pattern } of TAX_PREFIXED) {
		scan(field, pattern, (match) => {
			const start = match.index;
			const end = start + match[0].length;
			if (field.isClaimed(start, end)) return;
			field.claim(start, end);
			if (isIbanAt(field.text, start)) return;
			const compact = match[1].replace(/\s/g, '');
			if (format.validate(compact)) collector.add('tax_number', `${format.country}${compact}`, field.evidence(start, end));
		});
	}
	scan(field, TAX_ANCHORED, (match) => {
		const compact = match[1].replace(/\s/g, '');
		const end = match.index + match[0].length;
		const start = end - match[1].length;
		if (field.isClaimed(start, end)) return;
		field.claim(start, end);
		if (compact.length === 8 && isValidSiTaxNumber(compact)) collector.add('tax_number', `SI${compact}`, field.evidence(start, end));
		else if (compact.length === 11 && isValidMod11_10(compact)) collector.add('tax_number', `HR${compact}`, field.evidence(start, end));
	});

	scanAnchored(field, BUYER_ANCHORED, add('buyer_order'));
	scanAnchored(field, BUYER_PO, add('buyer_order'));
	scanCompany(field, patterns.documentNumbers ?? [], add('document_number'));
	scanCompany(field, patterns.productCodes ?? [], add('product_code'));
	scanAnchored(field, PRODUCT_ANCHORED, add('product_code'), true);
	scanAnchored(field, DOC_ANCHORED, add('document_number'));

	if (!patterns.productCodes?.length) {
		scan(field, PRODUCT_DEFAULT, (match) => claimAndAdd(field, match[0], match.index, add('product_code')));
	}
	scan(field, DOC_YEAR_NUMBER, (match) => claimAndAdd(field, match[0], match.index, add('document_number')));
	scan(field, DOC_PREFIXED, (match) => {
		const token = match[0];
		const prefix = /^[A-Z]+/.exec(token)?.[0] ?? '';
		if (NOT_A_SERIES.has(prefix) || POSTCODE.test(token) || (token.match(/\d/g) ?? []).length < 2) return;
		if (PHONE_BEFORE.test(field.text.slice(Math.max(0, match.index - 24), match.index))) return;
		claimAndAdd(field, token, match.index, add('document_number'));
	});
	scan(field, DOC_HASH, (match) => {
		const start = match.index + match[0].length - match[1].length;
		claimAndAdd(field, match[1], start, add('document_number'));
	});
}

function claimAndAdd(field: Field, value: string, start: number, sink: Sink): void {
	const end = start + value.length;
	if (field.isClaimed(start, end)) return;
	field.claim(start, end);
	sink(field, value, start, end);
}

/** Candidates kept per kind (best evidence first) and per email by default: each one costs Metakocka calls. */
export const DEFAULT_MAX_CANDIDATES_PER_KIND = 5;
export const DEFAULT_MAX_CANDIDATES_PER_EMAIL = 15;
/** Skipped values listed on the item; the counts cover all of them. */
const MAX_SKIPPED_LISTED = 20;

export interface CandidateLimits {
	perKind?: number;
	perEmail?: number;
}

export interface SkippedCandidates {
	/** How many candidates were left out, in total and per kind. */
	count: number;
	byKind: Partial<Record<CandidateKind, number>>;
	/** The first few left out, best first, for a person to look at. */
	examples: Array<{ kind: CandidateKind; value: string }>;
}

function positiveLimit(name: string, value: number | undefined, fallback: number): number {
	if (value === undefined) return fallback;
	if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a whole number of at least 1 (got ${String(value)})`);
	return value;
}

/**
 * Keeps the best candidates: at most `perKind` of each kind (they arrive best first within a kind),
 * then at most `perEmail` in all, chosen by score (kind order breaks ties). One email naming 2,000
 * invoice numbers and 300 recipients would otherwise cost thousands of Metakocka searches, which
 * Metakocka runs one at a time per company. The kept candidates stay in extraction order.
 */
export function limitCandidates(candidates: Candidate[], limits: CandidateLimits = {}): { candidates: Candidate[]; skipped: SkippedCandidates } {
	const perKind = positiveLimit('perKind', limits.perKind, DEFAULT_MAX_CANDIDATES_PER_KIND);
	const perEmail = positiveLimit('perEmail', limits.perEmail, DEFAULT_MAX_CANDIDATES_PER_EMAIL);
	const seen = new Map<CandidateKind, number>();
	const withinKind: Candidate[] = [];
	const dropped: Candidate[] = [];
	for (const candidate of candidates) {
		const n = seen.get(candidate.kind) ?? 0;
		seen.set(candidate.kind, n + 1);
		(n < perKind ? withinKind : dropped).push(candidate);
	}
	let kept = withinKind;
	if (withinKind.length > perEmail) {
		const ranked = withinKind
			.map((candidate, index) => ({ candidate, index }))
			.sort((a, b) => b.candidate.score - a.candidate.score || KIND_ORDER.indexOf(a.candidate.kind) - KIND_ORDER.indexOf(b.candidate.kind) || a.index - b.index);
		const keep = new Set(ranked.slice(0, perEmail).map((r) => r.index));
		kept = withinKind.filter((_, i) => keep.has(i));
		dropped.unshift(...withinKind.filter((_, i) => !keep.has(i)));
	}
	const byKind: Partial<Record<CandidateKind, number>> = {};
	for (const c of dropped) byKind[c.kind] = (byKind[c.kind] ?? 0) + 1;
	return {
		candidates: kept,
		skipped: {
			count: dropped.length,
			byKind,
			examples: dropped.slice(0, MAX_SKIPPED_LISTED).map((c) => ({ kind: c.kind, value: c.value })),
		},
	};
}

/**
 * Candidates for Metakocka lookups, deterministic and deduplicated: kinds in the order email,
 * document_number, buyer_order, product_code, tax_number; within a kind the best evidence first.
 * Only the first MAX_TEXT_CHARS of the body are searched.
 */
export function extractCandidates(email: NormalizedEmail, patterns: ExtractionPatterns = {}, options: ExtractOptions = {}): Candidate[] {
	const own = (options.ownDomains ?? []).map((d) => d.trim().toLowerCase().replace(/^@/, '')).filter(Boolean);
	const collector = new Collector();
	addressCandidates(email, own, collector);
	const subject = (email.subject ?? '').slice(0, MAX_SUBJECT_CHARS);
	const text = (email.text ?? '').slice(0, MAX_TEXT_CHARS);
	extractFromField(new Field('subject', subject, []), patterns, own, collector);
	extractFromField(new Field('text', text, quotedSpans(text, subject)), patterns, own, collector);
	return collector.result();
}

