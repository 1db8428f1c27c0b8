import {
	clearTemplateCache,
	compileTemplate,
	MAX_TEMPLATE_CHARS,
	MAX_TEMPLATE_DEPTH,
	MAX_TEMPLATE_TAGS,
	parseDate,
	parseNumber,
	renderTemplate,
	templateCacheStats,
	TEMPLATE_CACHE_MAX_CHARS,
	TemplateError,
	validateTemplate,
} from '../../../src/template';
import { LruCache } from '../../../src/template/lru';

const order = {
	partner: {
		customer: 'Novak & Co <script>alert("x")</script>',
		tax_id_number: 'SI50223054',
		street: 'Slovenska cesta 1',
		post_number: '1000',
		place: 'Ljubljana',
		country: 'Slovenia',
		partner_contact: { name: 'Janez Novak', email: 'janez@podjetje.si', phone: '041 123 456' },
	},
	document: {
		doc_type: 'sales_order',
		count_code: '2024-00123',
		buyer_order: 'PO-5662',
		doc_date: '2024-01-15+02:00',
		status_desc: 'shipped',
		sum_basic: '1.553,29',
		sum_all: '1.895,01',
		product_list: [
			{ code: 'art400', name: 'Vijak M8', amount: '10', price: '100,50', price_with_tax: '122,61', tax: 'EX4' },
			{ code: 'art22', name: 'Matica M8', amount: '3', price: '1.5', price_with_tax: '1,83', tax: 'EX4' },
		],
	},
};

function errorOf(fn: () => unknown): TemplateError {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(TemplateError);
		return error as TemplateError;
	}
	throw new Error('expected a TemplateError');
}

beforeEach(() => clearTemplateCache());

describe('escaping', () => {
	it('escapes HTML in placeholders by default', () => {
		expect(renderTemplate('<b>{{partner.customer}}</b>', order)).toBe(
			'<b>Novak &amp; Co &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</b>',
		);
	});

	it('leaves only triple-stash unescaped', () => {
		expect(renderTemplate('{{{partner.customer}}}', order)).toBe('Novak & Co <script>alert("x")</script>');
		expect(renderTemplate('{{lookup partner "customer"}}', order)).not.toContain('<script>');
		expect(renderTemplate('{{upper partner.customer}}', order)).not.toContain('<SCRIPT>');
	});

	it('refuses the {{& }} form so triple-stash stays the one unescaped form', () => {
		expect(errorOf(() => renderTemplate('a\n{{& partner.customer}}', order))).toMatchObject({ line: 2 });
		expect(errorOf(() => renderTemplate('{{~& partner.customer}}', order)).message).toMatch(/Use \{\{\{ \}\}\}/);
		expect(renderTemplate('{{{partner.street}}} {{partner.place}}', order)).toBe('Slovenska cesta 1 Ljubljana');
	});

	it('does not escape with escapeHtml:false (plain-text mail)', () => {
		expect(renderTemplate('{{partner.customer}}', order, { escapeHtml: false })).toBe('Novak & Co <script>alert("x")</script>');
	});
});

describe('prototype access', () => {
	const refused = [
		'{{constructor.constructor}}',
		'{{__proto__}}',
		'{{#with this.constructor}}{{name}}{{/with}}',
		'{{this.constructor.name}}',
		'{{lookup this "constructor"}}',
		'{{#with (lookup this "__proto__")}}x{{/with}}',
		'{{partner.[constructor]}}',
		'{{@root.constructor}}',
		'{{#each document.product_list}}{{constructor.name}}{{/each}}',
		'{{#with "abc" as |s|}}{{s.constructor.constructor}}{{/with}}',
		'{{partner.__defineGetter__}}',
		'{{partner.hasOwnProperty}}',
		'{{> (lookup . "constructor")}}',
		'{{#*inline "p"}}x{{/inline}}',
	];

	it.each(refused)('refuses %s with a TemplateError before rendering', (source) => {
		const error = errorOf(() => renderTemplate(source, order));
		expect(error.message).toMatch(/not allowed|not supported/);
		expect(validateTemplate(source).ok).toBe(false);
	});

	it('gives nothing for keys that only reach the prototype at runtime', () => {
		const data = { ...order, key: 'constructor', proto: '__proto__' };
		expect(renderTemplate('[{{lookup this key}}][{{lookup partner proto}}][{{lookup (lookup this "partner") key}}]', data)).toBe('[][][]');
		expect(renderTemplate('[{{partner.customer.big}}][{{document.product_list.map}}]', data)).toBe('[][]');
	});

	it('never lets a value reach process, require or global', () => {
		const sources = ['{{process}}', '{{require}}', '{{global}}', '{{globalThis}}', '{{@root.process}}', '{{lookup this "process"}}'];
		for (const source of sources) expect(renderTemplate(source, order)).toBe('');
	});

	it('keeps the console quiet (log helper disabled, denied lookups not logged)', () => {
		const spies = (['log', 'error', 'warn', 'info', 'debug'] as const).map((method) =>
			jest.spyOn(console, method).mockImplementation(() => undefined),
		);
		try {
			expect(renderTemplate('a{{log "secret" partner}}b{{partner.customer.anchor}}{{document.product_list.filter}}', order)).toBe('ab');
			for (const spy of spies) expect(spy).not.toHaveBeenCalled();
		} finally {
			for (const spy of spies) spy.mockRestore();
		}
	});
});

describe('strict mode', () => {
	it('names the missing placeholder and its line', () => {
		const error = errorOf(() => renderTemplate('Pozdravljeni,\n{{partner.name}}', order, { strict: true }));
		expect(error.message).toBe('Missing placeholder "partner.name" in template (line 2)');
		expect(error.placeholder).toBe('partner.name');
		expect(error.line).toBe(2);
	});

	it('names a path whose parent is missing', () => {
		const error = errorOf(() => renderTemplate('{{document.receiver.customer}}', order, { strict: true }));
		expect(error.placeholder).toBe('document.receiver.customer');
	});

	it('checks the value argument of formatting helpers and #each', () => {
		expect(errorOf(() => renderTemplate('{{money document.sum_paid}}', order, { strict: true })).placeholder).toBe('document.sum_paid');
		expect(errorOf(() => renderTemplate('x\n{{#each document.lines}}{{/each}}', order, { strict: true }))).toMatchObject({
			placeholder: 'document.lines',
			line: 2,
		});
	});

	it('still allows default, #if and present values', () => {
		expect(renderTemplate('{{default partner.name "stranka"}}{{#if partner.gsm}}!{{/if}} {{partner.customer}}', order, { strict: true, escapeHtml: false })).toBe(
			'stranka Novak & Co <script>alert("x")</script>',
		);
	});

	it('renders missing placeholders as empty without strict', () => {
		expect(renderTemplate('[{{partner.name}}][{{money document.sum_paid}}]', order)).toBe('[][]');
	});
});

describe('helpers', () => {
	it('money formats numbers and Metakocka strings the Slovenian way', () => {
		expect(renderTemplate('{{money 1234.56}}', {})).toBe('1.234,56 €');
		expect(renderTemplate('{{money document.sum_all}}', order)).toBe('1.895,01 €');
		expect(renderTemplate('{{money "209,00"}}', {})).toBe('209,00 €');
		expect(renderTemplate('{{money "24.8"}}', {})).toBe('24,80 €');
		expect(renderTemplate('{{money -5}}', {})).toBe('-5,00 €');
		expect(renderTemplate('{{money 1234.5 "USD"}}', {})).toBe('1.234,50 $');
		expect(renderTemplate('{{money 1234.5}}', {}, { currency: 'CHF' })).toBe('1.234,50 CHF');
		expect(renderTemplate('{{money 1234.5}}', {}, { locale: 'en-GB' })).toBe('€1,234.50');
		expect(renderTemplate('[{{money missing}}][{{money "n/a"}}]', {})).toBe('[][n/a]');
	});

	it('money rejects an unknown currency with a TemplateError', () => {
		expect(errorOf(() => renderTemplate('{{money 1 "EURO"}}', {})).message).toMatch(/invalid currency "EURO"/);
	});

	it('number formats with fixed or natural decimals', () => {
		expect(renderTemplate('{{number 1234.5 2}}', {})).toBe('1.234,50');
		expect(renderTemplate('{{number "1.895,01" 0}}', {})).toBe('1.895');
		expect(renderTemplate('{{number "2"}}|{{number "0,125"}}', {})).toBe('2|0,125');
	});

	it('date formats winter and summer timestamps in Europe/Ljubljana', () => {
		// 23:30 UTC is 00:30 next day in winter (UTC+1) and in summer (UTC+2).
		expect(renderTemplate('{{date "2024-01-15T23:30:00Z" "datetime"}}', {})).toBe('16. 1. 2024 00:30');
		expect(renderTemplate('{{date "2024-07-15T21:30:00Z" "datetime"}}', {})).toBe('15. 7. 2024 23:30');
		expect(renderTemplate('{{date "2024-07-15T22:30:00Z" "iso"}}', {})).toBe('2024-07-16');
		expect(renderTemplate('{{date "2024-01-15T22:30:00Z" "time"}}', {})).toBe('23:30');
	});

	it('date keeps Metakocka calendar dates on their day', () => {
		expect(renderTemplate('{{date document.doc_date}}', order)).toBe('15. 1. 2024');
		expect(renderTemplate('{{date "2024-07-01+02:00" "long"}}', {})).toBe('1. julij 2024');
		expect(renderTemplate('{{date "01.05.2024" "iso"}}', {})).toBe('2024-05-01');
		expect(renderTemplate('{{date "2024-12-31" "long"}}', {}, { locale: 'en-GB' })).toBe('31 December 2024');
		expect(renderTemplate('[{{date "31.02.2024"}}][{{date "tomorrow"}}]', {})).toBe('[31.02.2024][tomorrow]');
	});

	it('default, eq, upper, lower', () => {
		expect(renderTemplate('{{default partner.fax "-"}}|{{default "" "prazno"}}|{{default partner.place "x"}}', order)).toBe('-|prazno|Ljubljana');
		expect(renderTemplate('{{#if (eq document.doc_type "sales_order")}}naročilo{{else}}drugo{{/if}}', order)).toBe('naročilo');
		expect(renderTemplate('{{#eq document.product_list.length 2}}dve{{else}}ne{{/eq}}', order)).toBe('dve');
		expect(renderTemplate('{{eq "10" 10}}|{{eq "a" "b"}}', {})).toBe('true|false');
		expect(renderTemplate('{{upper "čevlji žaga"}}|{{lower "ŠKODA"}}', {})).toBe('ČEVLJI ŽAGA|škoda');
	});

	it('sum totals product_list fields, optionally times amount', () => {
		expect(renderTemplate('{{money (sum document.product_list "price" "amount")}}', order)).toBe('1.009,50 €');
		expect(renderTemplate('{{sum document.product_list "amount"}}', order)).toBe('13');
		expect(renderTemplate('{{sum single "price"}}', { single: { price: '2,50' } })).toBe('2.5');
		expect(renderTemplate('{{sum document.product_list "constructor"}}', order)).toBe('0');
	});

	it('statusLabel translates status keys', () => {
		expect(renderTemplate('{{statusLabel document.status_desc}}', order)).toBe('Odpremljen');
		expect(renderTemplate('{{statusLabel document.status_desc}}', order, { locale: 'en-US' })).toBe('Shipped');
		expect(renderTemplate('{{statusLabel "custom_x"}}', {})).toBe('custom_x');
	});

	it('#each iterates document.product_list, and list() wraps a single-object list', () => {
		const source = '{{#each document.product_list}}{{@index}}. {{code}} {{name}} {{number amount}} × {{money price}}\n{{/each}}';
		expect(renderTemplate(source, order)).toBe('0. art400 Vijak M8 10 × 100,50 €\n1. art22 Matica M8 3 × 1,50 €\n');
		expect(renderTemplate('{{#each (list product_list)}}{{code}};{{/each}}', { product_list: { code: 'art1' } })).toBe('art1;');
	});

	it('rejects an invalid locale clearly', () => {
		expect(errorOf(() => renderTemplate('{{money 1}}', {}, { locale: 'not a locale!' })).message).toMatch(/Invalid locale/);
	});
});

describe('syntax errors', () => {
	it('give a TemplateError with the line', () => {
		const error = errorOf(() => renderTemplate('Pozdravljeni\n{{#if partner}}\n{{partner.customer}}', order));
		expect(error.line).toBe(3);
		expect(error.message).toMatch(/^Template syntax error on line 3/);
		expect(errorOf(() => renderTemplate('{{#if a}}\nx\n{{/each}}', {})).message).toMatch(/if doesn't match each/);
	});

	it('validateTemplate reports without rendering', () => {
		expect(validateTemplate('{{money document.sum_all}} {{#each document.product_list}}{{code}}{{/each}}')).toEqual({ ok: true });
		const bad = validateTemplate('a\nb {{partner.customer');
		expect(bad.ok).toBe(false);
		expect(bad).toMatchObject({ line: 2 });
	});

	it('non-strict use of an unknown helper with arguments fails clearly', () => {
		expect(errorOf(() => renderTemplate('{{formatMoney 1}}', {})).message).toMatch(/Missing helper: "formatMoney"/);
	});
});

describe('cache', () => {
	it('returns the same compiled function for the same source and options', () => {
		const first = compileTemplate('Hi {{name}}');
		const second = compileTemplate('Hi {{name}}', { escapeHtml: true, strict: false });
		expect(second).toBe(first);
		expect(templateCacheStats()).toMatchObject({ size: 1, hits: 1, misses: 1 });
	});

	it('renders repeatedly without compiling again', () => {
		for (let i = 0; i < 5; i++) expect(renderTemplate('{{money x}}', { x: i })).toBe(`${i},00 €`);
		expect(templateCacheStats()).toMatchObject({ misses: 1, hits: 4 });
	});

	it('distinguishes compile options', () => {
		const escaped = compileTemplate('{{x}}');
		const raw = compileTemplate('{{x}}', { escapeHtml: false });
		const strict = compileTemplate('{{x}}', { strict: true });
		expect(new Set([escaped, raw, strict]).size).toBe(3);
		expect(escaped({ x: '<' })).toBe('&lt;');
		expect(raw({ x: '<' })).toBe('<');
		expect(() => strict({})).toThrow('Missing placeholder "x"');
	});

	it('is bounded and evicts the least recently used entry', () => {
		const keep = compileTemplate('keep {{x}}');
		for (let i = 0; i < 600; i++) {
			compileTemplate(`t${i} {{x}}`);
			if (i % 100 === 0) compileTemplate('keep {{x}}');
		}
		expect(templateCacheStats().size).toBe(500);
		expect(compileTemplate('keep {{x}}')).toBe(keep);
		const misses = templateCacheStats().misses;
		compileTemplate('t0 {{x}}');
		expect(templateCacheStats().misses).toBe(misses + 1);
	});
});

describe('limits', () => {
	const nested = (depth: number) => '{{#if a}}x'.repeat(depth) + '{{/if}}'.repeat(depth);

	it('refuses a source over the size limit with a clear error, before parsing it', () => {
		const big = `<p>${'x'.repeat(MAX_TEMPLATE_CHARS)}</p>`;
		expect(errorOf(() => renderTemplate(big, {})).message).toMatch(/Template is too large: \d+ characters, the limit is 131072 \(128 KB\)/);
		expect(validateTemplate(big)).toMatchObject({ ok: false, error: expect.stringMatching(/too large/) });
		// Just under the limit is fine (a large HTML email).
		expect(renderTemplate(`${'x'.repeat(MAX_TEMPLATE_CHARS - 20)}{{a}}`, { a: 'ok' }).endsWith('ok')).toBe(true);
	});

	it('refuses blocks nested deeper than the limit, naming the line, without letting the parser run', () => {
		expect(renderTemplate(nested(MAX_TEMPLATE_DEPTH), { a: true })).toBe('x'.repeat(MAX_TEMPLATE_DEPTH));
		const deep = nested(MAX_TEMPLATE_DEPTH + 1).replace(/\{\{#if a\}\}x/g, '{{#if a}}x\n');
		const error = errorOf(() => renderTemplate(deep, { a: true }));
		expect(error).toBeInstanceOf(TemplateError);
		expect(error.message).toMatch(/nests blocks more than 20 deep \(line 21\)/);
		expect(error.line).toBe(21);
		// 80 KB of nesting (46 s in the parser before) is refused at once; the check is a single scan.
		const huge = nested(4000);
		expect(huge.length).toBeGreaterThan(60_000);
		expect(errorOf(() => compileTemplate(huge)).message).toMatch(/nests blocks more than 20 deep/);
		expect(validateTemplate(huge)).toMatchObject({ ok: false, line: 1 });
	});

	it('counts each {{else if}} of a chain as one level, and {{else}} / {{^}} as none', () => {
		const chain = (n: number) => `{{#if a}}A${Array.from({ length: n }, (_, i) => `{{else if b${i}}}B${i}`).join('')}{{else}}C{{/if}}`;
		expect(renderTemplate(chain(MAX_TEMPLATE_DEPTH - 1), { b3: true })).toBe('B3');
		expect(errorOf(() => renderTemplate(chain(MAX_TEMPLATE_DEPTH + 5), {})).message).toMatch(/else if/);
		// Siblings do not add up: 200 blocks one after another are depth 1.
		const siblings = '{{#each rows}}{{#if ok}}{{name}}{{^}}-{{/if}}{{/each}}'.repeat(200);
		expect(renderTemplate(siblings, { rows: [{ ok: true, name: 'n' }] })).toBe('n'.repeat(200));
	});

	it('refuses more tags than the limit', () => {
		const many = '{{a}}'.repeat(MAX_TEMPLATE_TAGS + 1);
		expect(errorOf(() => renderTemplate(many, {})).message).toMatch(new RegExp(`more than ${MAX_TEMPLATE_TAGS} \\{\\{…\\}\\} tags`));
		expect(renderTemplate('{{a}}'.repeat(MAX_TEMPLATE_TAGS), { a: 1 })).toBe('1'.repeat(MAX_TEMPLATE_TAGS));
	});

	it('bounds the compiled-template cache by characters of source, not only by count', () => {
		clearTemplateCache();
		const size = 100_000;
		for (let i = 0; i < 100; i++) compileTemplate(`${i} ${'y'.repeat(size)} {{x}}`);
		const stats = templateCacheStats();
		expect(stats.chars).toBeLessThanOrEqual(TEMPLATE_CACHE_MAX_CHARS);
		expect(stats.size).toBeLessThanOrEqual(Math.floor(TEMPLATE_CACHE_MAX_CHARS / size));
		expect(stats.size).toBeGreaterThan(10);
		// The most recent ones are the ones kept.
		const misses = stats.misses;
		compileTemplate(`99 ${'y'.repeat(size)} {{x}}`);
		expect(templateCacheStats().misses).toBe(misses);
		compileTemplate(`0 ${'y'.repeat(size)} {{x}}`);
		expect(templateCacheStats().misses).toBe(misses + 1);
	});
});

describe('LruCache', () => {
	it('evicts by weight, oldest first, and never keeps an entry heavier than the budget', () => {
		const lru = new LruCache<string, number>(10, 10, (k) => k.length);
		lru.set('aaaa', 1);
		lru.set('bbbb', 2);
		lru.get('aaaa');
		lru.set('cccc', 3);
		expect(lru.get('bbbb')).toBeUndefined();
		expect(lru.weight).toBe(8);
		lru.set('x'.repeat(11), 4);
		expect(lru.get('x'.repeat(11))).toBeUndefined();
		expect(lru.size).toBe(2);
		lru.set('aaaa', 5);
		expect(lru.weight).toBe(8);
		lru.clear();
		expect(lru.weight).toBe(0);
	});
});

describe('value parsing', () => {
	it.each([
		[1234.5, 1234.5],
		['1.895,01', 1895.01],
		['209,00', 209],
		['24.8', 24.8],
		['1,234.56', 1234.56],
		['1 234,50 €', 1234.5],
		['EUR 12', 12],
		['-7,3', -7.3],
		['abc', undefined],
		['', undefined],
		[null, undefined],
		['1.2.3,4,5', undefined],
	])('parseNumber(%p) = %p', (input, expected) => {
		expect(parseNumber(input)).toBe(expected);
	});

	it('parseDate understands Metakocka spellings', () => {
		expect(parseDate('2024-05-01+02:00')).toEqual({ date: new Date(Date.UTC(2024, 4, 1)), hasTime: false });
		expect(parseDate('1.5.2024')).toEqual({ date: new Date(Date.UTC(2024, 4, 1)), hasTime: false });
		expect(parseDate('2024-05-01T10:00:00+02:00')?.date.toISOString()).toBe('2024-05-01T08:00:00.000Z');
		// Local Metakocka timestamps are Ljubljana wall time: +01:00 in winter, +02:00 in summer.
		expect(parseDate('2024-01-10 10:00:00')?.date.toISOString()).toBe('2024-01-10T09:00:00.000Z');
		expect(parseDate('2024-07-10T10:00:00')?.date.toISOString()).toBe('2024-07-10T08:00:00.000Z');
		expect(parseDate('2024-13-01')).toBeUndefined();
	});
});
