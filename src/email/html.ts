// HTML mail bodies to plain text: a linear scanner (no regex over the whole document, so malformed
// or hostile HTML cannot cause backtracking), block elements to line breaks, quoted blocks to "> ".

/** Inputs beyond this are cut before conversion; extraction looks at far less anyway. */
export const MAX_HTML_CHARS = 2_000_000;

const NAMED_ENTITIES: Record<string, string> = {
	nbsp: ' ',
	amp: '&',
	lt: '<',
	gt: '>',
	quot: '"',
	apos: "'",
	euro: '€',
	copy: '©',
	reg: '®',
	trade: '™',
	hellip: '…',
	ndash: '–',
	mdash: '—',
	lsquo: '‘',
	rsquo: '’',
	sbquo: '‚',
	ldquo: '“',
	rdquo: '”',
	bdquo: '„',
	laquo: '«',
	raquo: '»',
	bull: '•',
	middot: '·',
	deg: '°',
	times: '×',
	shy: '',
	zwnj: '',
	zwj: '',
	scaron: 'š',
	Scaron: 'Š',
	zcaron: 'ž',
	Zcaron: 'Ž',
	ccaron: 'č',
	Ccaron: 'Č',
	cacute: 'ć',
	Cacute: 'Ć',
	dstrok: 'đ',
	Dstrok: 'Đ',
	auml: 'ä',
	Auml: 'Ä',
	ouml: 'ö',
	Ouml: 'Ö',
	uuml: 'ü',
	Uuml: 'Ü',
	szlig: 'ß',
	eacute: 'é',
	Eacute: 'É',
	agrave: 'à',
	egrave: 'è',
};

const ENTITY = /&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/g;

export function decodeEntities(text: string): string {
	if (!text.includes('&')) return text;
	return text.replace(ENTITY, (whole, body: string) => {
		if (body[0] === '#') {
			const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
			if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return whole;
			return String.fromCodePoint(code);
		}
		return Object.prototype.hasOwnProperty.call(NAMED_ENTITIES, body) ? NAMED_ENTITIES[body] : whole;
	});
}

const BLOCK_TAGS = new Set([
	'div',
	'tr',
	'table',
	'ul',
	'ol',
	'li',
	'h1',
	'h2',
	'h3',
	'h4',
	'h5',
	'h6',
	'pre',
	'hr',
	'section',
	'article',
	'header',
	'footer',
	'address',
	'center',
	'dl',
	'dt',
	'dd',
	'tbody',
	'thead',
]);
const SKIP_CONTENT = new Set(['script', 'style', 'head', 'title', 'template', 'noscript', 'svg', 'object']);
// Private-use characters as in-band markers; any found in the input text are removed first.
const QUOTE_OPEN = '\ue000';
const QUOTE_CLOSE = '\ue001';
// Block boundaries collapse like in a browser: "</div><div>" is one line break, a paragraph two.
const BLOCK = '\ue002';
const PARAGRAPH = '\ue003';
const TAG_NAME = /\/?([A-Za-z][A-Za-z0-9-]{0,30})/y;

export function htmlToText(html: string): string {
	if (typeof html !== 'string' || html === '') return '';
	const source = html.length > MAX_HTML_CHARS ? html.slice(0, MAX_HTML_CHARS) : html;
	const out: string[] = [];
	let i = 0;
	const length = source.length;
	while (i < length) {
		const lt = source.indexOf('<', i);
		if (lt < 0) {
			out.push(stripMarkers(source.slice(i)));
			break;
		}
		if (lt > i) out.push(stripMarkers(source.slice(i, lt)));
		if (source.startsWith('<!--', lt)) {
			const close = source.indexOf('-->', lt + 4);
			i = close < 0 ? length : close + 3;
			continue;
		}
		if (source[lt + 1] === '!' || source[lt + 1] === '?') {
			const close = source.indexOf('>', lt + 2);
			i = close < 0 ? length : close + 1;
			continue;
		}
		TAG_NAME.lastIndex = lt + 1;
		const tag = TAG_NAME.exec(source);
		if (!tag) {
			out.push('<');
			i = lt + 1;
			continue;
		}
		const gt = source.indexOf('>', lt + 1);
		if (gt < 0) break;
		const closing = source[lt + 1] === '/';
		const name = tag[1].toLowerCase();
		i = gt + 1;
		if (!closing && SKIP_CONTENT.has(name)) {
			const end = new RegExp(`</${name}\\s*>`, 'ig');
			end.lastIndex = i;
			const found = end.exec(source);
			i = found ? found.index + found[0].length : length;
			continue;
		}
		if (name === 'br') out.push('\n');
		else if (name === 'blockquote') out.push(closing ? `\n${QUOTE_CLOSE}\n` : `\n${QUOTE_OPEN}\n`);
		else if (name === 'li') out.push(closing ? '' : '\n- ');
		else if ((name === 'td' || name === 'th') && closing) out.push(' ');
		else if (name === 'p') out.push(PARAGRAPH);
		else if (BLOCK_TAGS.has(name)) out.push(BLOCK);
	}
	const joined = out
		.join('')
		.replace(/[\ue002\ue003](?: *[\ue002\ue003])*/g, (run) => (run.includes(PARAGRAPH) ? '\n\n' : '\n'));
	return finishText(joined);
}

// As in a browser, whitespace in text (newlines included) is one space; line breaks come from tags.
// Markers must only ever come from tags, never from the text itself.
function stripMarkers(text: string): string {
	return text.replace(/[\ue000-\ue003]/g, '').replace(/\s+/g, ' ');
}

function finishText(raw: string): string {
	const lines: string[] = [];
	let depth = 0;
	for (const rawLine of raw.split('\n')) {
		if (rawLine === QUOTE_OPEN) {
			depth++;
			continue;
		}
		if (rawLine === QUOTE_CLOSE) {
			depth = Math.max(0, depth - 1);
			continue;
		}
		const line = decodeEntities(rawLine)
			.replace(/[ \t\u00a0\u2007\u202f\r\f\v]+/g, ' ')
			.trim();
		// Deeper nesting than a few levels adds nothing but size.
		lines.push(depth > 0 && line ? `${'> '.repeat(Math.min(depth, 8))}${line}` : line);
	}
	return lines
		.join('\n')
		.replace(/\n{3,}/g, '\n\n')
		.trim();
}
