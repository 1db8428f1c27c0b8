import { createHash } from 'crypto';

import { EmailInputError } from './errors';
import { decodeEntities, htmlToText } from './html';
import { decodeBase64Url, decodeBytes, decodeHeaderValue, parseAddressList, parseRawMessage, type EmailAddress } from './mime';

export type { EmailAddress } from './mime';

export type EmailSource = 'imap' | 'gmail' | 'gmail_raw' | 'outlook' | 'custom';

export interface NormalizedEmail {
	/** RFC Message-ID when known, else the provider's id, else "sha256:<hex>" of from+subject+date+text. */
	messageId: string;
	from: EmailAddress;
	to: EmailAddress[];
	cc: EmailAddress[];
	replyTo?: EmailAddress[];
	subject: string;
	/** Plain text body (converted from HTML when only HTML came), line ends normalised to \n. */
	text: string;
	html?: string;
	/** ISO 8601 when the input date could be parsed, else as given. */
	date?: string;
	source: EmailSource;
}

export type NormalizeMode = 'auto' | 'imap' | 'gmail' | 'outlook';

type Item = Record<string, unknown>;

function isObject(value: unknown): value is Item {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function own(item: unknown, key: string): unknown {
	return isObject(item) && Object.prototype.hasOwnProperty.call(item, key) ? item[key] : undefined;
}

function str(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

/**
 * Case-insensitive view of an item's header-like fields: top-level keys, `headers` (mailparser's
 * "key → 'Key: value'" lines, a plain map, or Gmail's [{name, value}]), IMAP `metadata`, Gmail `payload.headers`.
 */
class HeaderView {
	private readonly values = new Map<string, unknown>();

	constructor(item: Item) {
		const payload = own(item, 'payload');
		this.addList(own(payload, 'headers'));
		this.addMap(own(item, 'metadata'));
		const headers = own(item, 'headers');
		if (Array.isArray(headers)) this.addList(headers);
		else this.addMap(headers, true);
		this.addMap(item);
	}

	private set(key: string, value: unknown, headerLine = false): void {
		if (value === undefined || value === null || value === '') return;
		let v = value;
		if (headerLine && typeof v === 'string') {
			const prefix = new RegExp(`^${key.replace(/[^a-z0-9-]/gi, '')}:\\s*`, 'i');
			v = v.replace(prefix, '');
		}
		this.values.set(key.toLowerCase(), v);
	}

	private addMap(map: unknown, headerLines = false): void {
		if (!isObject(map)) return;
		for (const key of Object.keys(map)) this.set(key, map[key], headerLines);
	}

	private addList(list: unknown): void {
		if (!Array.isArray(list)) return;
		for (const entry of list) {
			const name = str(own(entry, 'name')) ?? str(own(entry, 'key'));
			if (name) this.set(name, own(entry, 'value') ?? own(entry, 'line'), own(entry, 'line') !== undefined);
		}
	}

	get(...keys: string[]): unknown {
		for (const key of keys) {
			const value = this.values.get(key.toLowerCase());
			if (value !== undefined) return value;
		}
		return undefined;
	}

	text(...keys: string[]): string | undefined {
		const value = this.get(...keys);
		if (Array.isArray(value)) return value.map(str).filter(Boolean).join(', ') || undefined;
		const text = str(value);
		return text === undefined ? undefined : decodeHeaderValue(text).trim();
	}
}

/** Any address shape n8n hands over: strings, mailparser {value:[…]}, Graph {emailAddress}, arrays of these. */
function addressesOf(value: unknown, depth = 0): EmailAddress[] {
	if (value === undefined || value === null || depth > 4) return [];
	if (typeof value === 'string') return parseAddressList(value);
	if (Array.isArray(value)) return value.flatMap((entry) => addressesOf(entry, depth + 1));
	if (!isObject(value)) return [];
	const graph = own(value, 'emailAddress');
	if (isObject(graph)) return addressesOf(graph, depth + 1);
	const list = own(value, 'value');
	if (Array.isArray(list)) return addressesOf(list, depth + 1);
	const group = own(value, 'group');
	if (Array.isArray(group)) return addressesOf(group, depth + 1);
	const address = str(own(value, 'address'));
	if (address) {
		const parsed = parseAddressList(`<${address.trim()}>`)[0];
		if (!parsed) return [];
		const name = str(own(value, 'name'))?.trim();
		return name && name.toLowerCase() !== parsed.address ? [{ address: parsed.address, name: decodeHeaderValue(name) }] : [parsed];
	}
	const text = str(own(value, 'text'));
	return text ? parseAddressList(text) : [];
}

function dedupe(addresses: EmailAddress[]): EmailAddress[] {
	const seen = new Set<string>();
	return addresses.filter((entry) => (seen.has(entry.address) ? false : (seen.add(entry.address), true)));
}

function normalizeDate(value: unknown): string | undefined {
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
	const text = str(value)?.trim();
	if (!text) return undefined;
	// Gmail internalDate: epoch milliseconds as a string.
	if (/^\d{12,14}$/.test(text)) return new Date(Number(text)).toISOString();
	const time = Date.parse(text);
	return Number.isNaN(time) ? text : new Date(time).toISOString();
}

function normalizeText(text: string): string {
	return text.replace(/\r\n?/g, '\n');
}

function cleanMessageId(value: string | undefined): string | undefined {
	const text = value?.trim().replace(/^message-id:\s*/i, '');
	return text ? text : undefined;
}

function hashId(parts: { from: string; subject: string; date?: string; text: string }): string {
	const digest = createHash('sha256')
		.update(JSON.stringify([parts.from, parts.subject, parts.date ?? '', parts.text]))
		.digest('hex');
	return `sha256:${digest}`;
}

interface Draft {
	from: EmailAddress[];
	to: EmailAddress[];
	cc: EmailAddress[];
	replyTo: EmailAddress[];
	subject?: string;
	text?: string;
	html?: string;
	date?: string;
	messageId?: string;
	providerId?: string;
	source: EmailSource;
}

const FROM_HINT: Record<EmailSource, string> = {
	imap: '"from" ("Name <address>" or mailparser\'s from.value[0].address)',
	gmail: '"From" (simple) or "from.value[0].address"',
	gmail_raw: 'a "From:" header inside "raw"',
	outlook: '"from.emailAddress.address" (or "sender")',
	custom: '"from"',
};

function finish(draft: Draft): NormalizedEmail {
	const from = draft.from[0];
	if (!from) {
		throw new EmailInputError(
			'from',
			`The email has no usable "from" field: expected ${FROM_HINT[draft.source]} with an email address.`,
		);
	}
	const subject = (draft.subject ?? '').trim();
	const html = draft.html && draft.html.trim() ? draft.html : undefined;
	let text = draft.text !== undefined && draft.text.trim() ? normalizeText(draft.text) : undefined;
	if (text === undefined) text = html ? htmlToText(html) : '';
	const messageId =
		cleanMessageId(draft.messageId) ?? cleanMessageId(draft.providerId) ?? hashId({ from: from.address, subject, date: draft.date, text });
	const result: NormalizedEmail = {
		messageId,
		from,
		to: dedupe(draft.to),
		cc: dedupe(draft.cc),
		subject,
		text,
		source: draft.source,
	};
	if (draft.replyTo.length) result.replyTo = dedupe(draft.replyTo);
	if (html) result.html = html;
	if (draft.date) result.date = draft.date;
	return result;
}

function htmlString(value: unknown): string | undefined {
	// mailparser sets html to false when the mail has none.
	return typeof value === 'string' && value.trim() ? value : undefined;
}

function fromImapOrMailparser(item: Item, source: EmailSource): Draft {
	const headers = new HeaderView(item);
	return {
		from: addressesOf(own(item, 'from') ?? headers.get('from')),
		to: addressesOf(own(item, 'to') ?? headers.get('to')),
		cc: addressesOf(own(item, 'cc') ?? headers.get('cc')),
		replyTo: addressesOf(own(item, 'replyTo') ?? headers.get('reply-to')),
		subject: headers.text('subject'),
		text: str(own(item, 'textPlain')) ?? str(own(item, 'text')),
		html: htmlString(own(item, 'textHtml')) ?? htmlString(own(item, 'html')),
		date: normalizeDate(own(item, 'date') ?? headers.get('date')),
		messageId: headers.text('messageId', 'message-id'),
		providerId: str(own(item, 'id')),
		source,
	};
}

/** Gmail API payload parts: base64url bodies of text/plain and text/html. */
function gmailPayloadBodies(payload: unknown, depth = 0): { text?: string; html?: string } {
	if (!isObject(payload) || depth > 6) return {};
	const mimeType = str(own(payload, 'mimeType'))?.toLowerCase();
	const data = str(own(own(payload, 'body'), 'data'));
	if (data && (mimeType === 'text/plain' || mimeType === 'text/html')) {
		const text = decodeBytes(decodeBase64Url(data), 'utf-8');
		return mimeType === 'text/plain' ? { text } : { html: text };
	}
	const result: { text?: string; html?: string } = {};
	const parts = own(payload, 'parts');
	if (Array.isArray(parts)) {
		for (const part of parts) {
			const found = gmailPayloadBodies(part, depth + 1);
			result.text ??= found.text;
			result.html ??= found.html;
		}
	}
	return result;
}

function fromGmail(item: Item): Draft {
	const headers = new HeaderView(item);
	const mailparserShape = isObject(own(item, 'from')) || Array.isArray(own(item, 'from'));
	if (mailparserShape) {
		const draft = fromImapOrMailparser(item, 'gmail');
		draft.date ??= normalizeDate(own(item, 'internalDate'));
		return draft;
	}
	const bodies = gmailPayloadBodies(own(item, 'payload'));
	const snippet = str(own(item, 'snippet'));
	return {
		from: addressesOf(headers.get('from')),
		to: addressesOf(headers.get('to')),
		cc: addressesOf(headers.get('cc')),
		replyTo: addressesOf(headers.get('reply-to')),
		subject: headers.text('subject'),
		// The simple Gmail trigger carries no body, only Gmail's HTML-escaped snippet.
		text: str(own(item, 'text')) ?? bodies.text ?? (snippet !== undefined ? decodeEntities(snippet) : undefined),
		html: htmlString(own(item, 'html')) ?? bodies.html,
		date: normalizeDate(headers.get('date') ?? own(item, 'internalDate')),
		messageId: headers.text('message-id', 'messageId'),
		providerId: str(own(item, 'id')),
		source: 'gmail',
	};
}

function fromRaw(item: Item, raw: string, source: EmailSource): Draft {
	const base64 = /^[A-Za-z0-9+/_=\s-]+$/.test(raw) && !/^[A-Za-z-]+:\s/.test(raw);
	const message = parseRawMessage(base64 ? decodeBase64Url(raw) : Buffer.from(raw, 'utf8').toString('latin1'));
	const header = (name: string) => message.headers.get(name)?.[0];
	return {
		from: addressesOf(header('from')),
		to: addressesOf(message.headers.get('to')?.join(', ')),
		cc: addressesOf(message.headers.get('cc')?.join(', ')),
		replyTo: addressesOf(header('reply-to')),
		subject: header('subject'),
		text: message.text,
		html: message.html,
		date: normalizeDate(header('date') ?? own(item, 'internalDate')),
		messageId: header('message-id'),
		providerId: str(own(item, 'id')),
		source,
	};
}

function fromOutlook(item: Item): Draft {
	const body = own(item, 'body');
	const contentType = str(own(body, 'contentType'))?.toLowerCase();
	const content = str(own(body, 'content'));
	return {
		from: addressesOf(own(item, 'from') ?? own(item, 'sender')),
		to: addressesOf(own(item, 'toRecipients')),
		cc: addressesOf(own(item, 'ccRecipients')),
		replyTo: addressesOf(own(item, 'replyTo')),
		subject: str(own(item, 'subject')),
		text: contentType === 'text' ? content : content === undefined ? str(own(item, 'bodyPreview')) : undefined,
		html: contentType === 'html' ? content : undefined,
		date: normalizeDate(own(item, 'receivedDateTime') ?? own(item, 'sentDateTime') ?? own(item, 'createdDateTime')),
		messageId: str(own(item, 'internetMessageId')),
		providerId: str(own(item, 'id')),
		source: 'outlook',
	};
}

function looksLikeOutlook(item: Item): boolean {
	const body = own(item, 'body');
	return (
		isObject(own(item, 'from')) && isObject(own(own(item, 'from'), 'emailAddress'))
	) || Array.isArray(own(item, 'toRecipients')) || own(item, 'internetMessageId') !== undefined || (isObject(body) && own(body, 'contentType') !== undefined);
}

function looksLikeGmail(item: Item): boolean {
	return ['threadId', 'labelIds', 'historyId', 'snippet'].some((key) => own(item, key) !== undefined) || own(item, 'From') !== undefined;
}

/**
 * One n8n item from the IMAP, Gmail or Outlook trigger (any of their output formats) to a
 * NormalizedEmail. Throws EmailInputError naming the field when the sender is missing.
 */
export function normalizeEmail(item: Record<string, unknown>, mode: NormalizeMode = 'auto'): NormalizedEmail {
	if (!isObject(item)) throw new EmailInputError('item', 'The email item must be an object (the JSON of one trigger item).');
	const raw = str(own(item, 'raw'));
	switch (mode) {
		case 'outlook':
			return finish(fromOutlook(item));
		case 'gmail':
			return finish(raw ? fromRaw(item, raw, 'gmail_raw') : fromGmail(item));
		case 'imap':
			return finish(raw ? fromRaw(item, raw, 'imap') : fromImapOrMailparser(item, 'imap'));
		default:
			if (looksLikeOutlook(item)) return finish(fromOutlook(item));
			if (raw) return finish(fromRaw(item, raw, looksLikeGmail(item) || !/^[A-Za-z-]+:\s/.test(raw) ? 'gmail_raw' : 'imap'));
			if (looksLikeGmail(item)) return finish(fromGmail(item));
			return finish(fromImapOrMailparser(item, 'imap'));
	}
}

/** An email typed into the node by hand (or mapped from any other source). */
export function normalizeCustomEmail(fields: {
	from: string;
	to?: string;
	subject?: string;
	text?: string;
	html?: string;
	messageId?: string;
}): NormalizedEmail {
	if (!isObject(fields) || typeof fields.from !== 'string' || !fields.from.trim()) {
		throw new EmailInputError('from', 'The custom email needs a "from" address, e.g. "Janez Novak <janez@podjetje.si>".');
	}
	return finish({
		from: parseAddressList(fields.from),
		to: parseAddressList(fields.to ?? ''),
		cc: [],
		replyTo: [],
		subject: fields.subject,
		text: fields.text,
		html: fields.html,
		messageId: fields.messageId,
		source: 'custom',
	});
}
