// Just enough RFC 5322 / MIME to read a Gmail "raw" message: headers, encoded words, nested
// multipart, quoted-printable and base64 bodies, and the usual Central European charsets.

export interface EmailAddress {
	address: string;
	name?: string;
}

export interface ParsedMessage {
	/** Lower-cased header name → unfolded, decoded values in order. */
	headers: Map<string, string[]>;
	text?: string;
	html?: string;
}

const MAX_PARTS = 50;
const MAX_DEPTH = 5;

/** Bytes to text in a declared charset; unknown or broken labels fall back to UTF-8. */
export function decodeBytes(bytes: Buffer, charset: string | undefined): string {
	const label = (charset ?? 'utf-8').trim().toLowerCase() || 'utf-8';
	try {
		return new TextDecoder(label).decode(bytes);
	} catch {
		return bytes.toString('utf8');
	}
}

function latin1Bytes(text: string): Buffer {
	return Buffer.from(text, 'latin1');
}

export function decodeQuotedPrintable(text: string, header = false): Buffer {
	const source = (header ? text.replace(/_/g, ' ') : text).replace(/=\r?\n/g, '');
	const bytes: number[] = [];
	for (let i = 0; i < source.length; i++) {
		const ch = source.charCodeAt(i);
		if (ch === 0x3d && i + 2 < source.length && /^[0-9A-Fa-f]{2}$/.test(source.slice(i + 1, i + 3))) {
			bytes.push(parseInt(source.slice(i + 1, i + 3), 16));
			i += 2;
		} else {
			bytes.push(ch & 0xff);
		}
	}
	return Buffer.from(bytes);
}

const ENCODED_WORD = /=\?([^?\s]{1,40})\?([BbQq])\?([^?\s]*)\?=/g;

/** RFC 2047 encoded words ("=?UTF-8?Q?Naro=C4=8Dilo?="); raw 8-bit UTF-8 headers are repaired too. */
export function decodeHeaderValue(value: string): string {
	let text = value;
	// Only bytes (every char ≤ 0xff) with some ≥ 0x80 can be mis-decoded UTF-8.
	if (/[\x80-\xff]/.test(text) && !/[\u0100-\uffff]/.test(text)) {
		const utf8 = latin1Bytes(text).toString('utf8');
		if (!utf8.includes('\ufffd')) text = utf8;
	}
	if (!text.includes('=?')) return text;
	// Whitespace between two adjacent encoded words is not part of the text.
	text = text.replace(/(\?=)\s+(?==\?)/g, '$1');
	return text.replace(ENCODED_WORD, (_whole, charset: string, encoding: string, data: string) => {
		const bytes = encoding.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : decodeQuotedPrintable(data, true);
		return decodeBytes(bytes, charset.split('*')[0]);
	});
}

function splitHeaderBody(source: string): { head: string; body: string } {
	const match = /\r?\n\r?\n/.exec(source);
	if (!match) return { head: source, body: '' };
	return { head: source.slice(0, match.index), body: source.slice(match.index + match[0].length) };
}

function parseHeaders(head: string): Map<string, string[]> {
	const headers = new Map<string, string[]>();
	for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
		const colon = line.indexOf(':');
		if (colon <= 0) continue;
		const name = line.slice(0, colon).trim().toLowerCase();
		if (!/^[!-9;-~]+$/.test(name)) continue;
		const list = headers.get(name) ?? [];
		list.push(line.slice(colon + 1).trim());
		headers.set(name, list);
	}
	return headers;
}

interface ContentType {
	type: string;
	params: Record<string, string>;
}

function parseContentType(value: string | undefined, fallback: string): ContentType {
	if (!value) return { type: fallback, params: {} };
	const [type, ...rest] = value.split(';');
	const params: Record<string, string> = {};
	for (const part of rest) {
		const eq = part.indexOf('=');
		if (eq < 0) continue;
		const key = part.slice(0, eq).trim().toLowerCase();
		params[key] = part
			.slice(eq + 1)
			.trim()
			.replace(/^"(.*)"$/, '$1');
	}
	return { type: type.trim().toLowerCase() || fallback, params };
}

function decodeBody(body: string, encoding: string | undefined): Buffer {
	switch ((encoding ?? '').trim().toLowerCase()) {
		case 'base64':
			return Buffer.from(body.replace(/[^A-Za-z0-9+/=_-]/g, ''), 'base64');
		case 'quoted-printable':
			return decodeQuotedPrintable(body);
		default:
			return latin1Bytes(body);
	}
}

function splitMultipart(body: string, boundary: string): string[] {
	const delimiter = `--${boundary}`;
	const parts: string[] = [];
	let position = body.indexOf(delimiter);
	while (position >= 0 && parts.length < MAX_PARTS) {
		const afterDelimiter = position + delimiter.length;
		if (body.startsWith('--', afterDelimiter)) break;
		const lineEnd = body.indexOf('\n', afterDelimiter);
		if (lineEnd < 0) break;
		const next = body.indexOf(`\n${delimiter}`, lineEnd);
		const end = next < 0 ? body.length : next;
		parts.push(body.slice(lineEnd + 1, end).replace(/\r$/, ''));
		position = next < 0 ? -1 : next + 1;
	}
	return parts;
}

function walkPart(source: string, depth: number, result: ParsedMessage, defaultType: string): void {
	const { head, body } = splitHeaderBody(source);
	const headers = parseHeaders(head);
	const contentType = parseContentType(headers.get('content-type')?.[0], defaultType);
	const disposition = (headers.get('content-disposition')?.[0] ?? '').toLowerCase();
	if (contentType.type.startsWith('multipart/')) {
		const boundary = contentType.params.boundary;
		if (!boundary || depth >= MAX_DEPTH) return;
		const childDefault = contentType.type === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
		for (const part of splitMultipart(body, boundary)) walkPart(part, depth + 1, result, childDefault);
		return;
	}
	if (disposition.startsWith('attachment')) return;
	const encoding = headers.get('content-transfer-encoding')?.[0];
	if (contentType.type === 'text/plain' && result.text === undefined) {
		result.text = decodeBytes(decodeBody(body, encoding), contentType.params.charset);
	} else if (contentType.type === 'text/html' && result.html === undefined) {
		result.html = decodeBytes(decodeBody(body, encoding), contentType.params.charset);
	}
}

/** Parses an RFC 822 message given as bytes (or a binary/latin1 string). */
export function parseRawMessage(raw: Buffer | string): ParsedMessage {
	const source = typeof raw === 'string' ? raw : raw.toString('latin1');
	const { head } = splitHeaderBody(source);
	const headers = new Map<string, string[]>();
	for (const [name, values] of parseHeaders(head)) headers.set(name, values.map(decodeHeaderValue));
	const result: ParsedMessage = { headers };
	walkPart(source, 0, result, 'text/plain');
	return result;
}

/** Gmail's raw field: base64url (sometimes plain base64) of the whole RFC 822 message. */
export function decodeBase64Url(data: string): Buffer {
	return Buffer.from(data.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

const ADDRESS = /^[^\s@<>()",;:]{1,128}@[^\s@<>()",;:]{1,253}$/;

function splitAddressList(value: string): string[] {
	const parts: string[] = [];
	let current = '';
	let quoted = false;
	let angle = 0;
	let comment = 0;
	for (let i = 0; i < value.length; i++) {
		const ch = value[i];
		if (quoted) {
			current += ch;
			if (ch === '\\' && i + 1 < value.length) current += value[++i];
			else if (ch === '"') quoted = false;
			continue;
		}
		if (ch === '"') quoted = true;
		else if (ch === '<') angle++;
		else if (ch === '>') angle = Math.max(0, angle - 1);
		else if (ch === '(') comment++;
		else if (ch === ')') comment = Math.max(0, comment - 1);
		else if ((ch === ',' || ch === ';') && angle === 0 && comment === 0) {
			parts.push(current);
			current = '';
			continue;
		}
		current += ch;
	}
	parts.push(current);
	return parts.map((part) => part.trim()).filter(Boolean);
}

function cleanName(name: string): string | undefined {
	let text = name.trim();
	if (text.startsWith('"') && text.endsWith('"') && text.length >= 2) text = text.slice(1, -1).replace(/\\(.)/g, '$1');
	text = decodeHeaderValue(text).trim();
	return text ? text : undefined;
}

/** "Janez Novak <janez@podjetje.si>, \"Novak, Ana\" <ana@x.si>; b@c.si" → addresses, lower-cased. */
export function parseAddressList(value: string): EmailAddress[] {
	const result: EmailAddress[] = [];
	if (typeof value !== 'string' || !value.trim()) return result;
	for (let part of splitAddressList(value.length > 10_000 ? value.slice(0, 10_000) : value)) {
		// Group syntax "Team: a@b, c@d;" — drop the group label.
		const group = /^[^"<@:]{1,100}:(?!\/\/)/.exec(part);
		if (group && !part.slice(0, group[0].length).includes('@')) part = part.slice(group[0].length).trim();
		if (!part) continue;
		const angle = /<([^<>]*)>/.exec(part);
		let address: string;
		let name: string | undefined;
		if (angle) {
			address = angle[1].trim().replace(/^mailto:/i, '');
			name = cleanName(part.slice(0, angle.index) + part.slice(angle.index + angle[0].length));
		} else {
			const comment = /\(([^()]*)\)/.exec(part);
			address = part.replace(/\([^()]*\)/g, '').trim().replace(/^mailto:/i, '');
			name = comment ? cleanName(comment[1]) : undefined;
		}
		address = address.toLowerCase();
		if (!ADDRESS.test(address)) continue;
		result.push(name && name.toLowerCase() !== address ? { address, name } : { address });
	}
	return result;
}
