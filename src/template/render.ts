import Handlebars from 'handlebars';

import { TemplateError } from './errors';
import { createHelpers, FORBIDDEN_PROPERTIES, LINE_KEY, PATH_KEY, type RenderData } from './helpers';
import { LruCache } from './lru';

export interface RenderOptions {
	/** Fail with a TemplateError naming the placeholder when a placeholder (or a value helper's argument) is missing. */
	strict?: boolean;
	/** HTML-escape placeholders (default true). Use false for plain-text mail; {{{ }}} never escapes. */
	escapeHtml?: boolean;
	/** Locale for money/number/date/upper/lower (default 'sl-SI'); also readable as {{@locale}}. */
	locale?: string;
	/** Default currency of {{money}} (default 'EUR'); also readable as {{@currency}}. */
	currency?: string;
}

export type CompiledTemplate = (data: Record<string, unknown>, runtime?: { locale?: string; currency?: string }) => string;

export const TEMPLATE_CACHE_SIZE = 500;
/**
 * Characters of template source the compiled-template cache may hold. A compiled template costs a
 * few times its source in heap, so this keeps the cache to tens of MB however large the templates.
 */
export const TEMPLATE_CACHE_MAX_CHARS = 4_000_000;
/** Longest template source accepted (a rich HTML email is 20–60 KB). */
export const MAX_TEMPLATE_CHARS = 128 * 1024;
/** Deepest nesting of blocks ({{#if}}, {{#each}}, each {{else if}} in a chain): parsing time grows steeply with it. */
export const MAX_TEMPLATE_DEPTH = 20;
/** Most {{…}} tags in one template: compile time grows with their number. */
export const MAX_TEMPLATE_TAGS = 3000;

// An isolated environment: nothing registered on the global Handlebars (by us or anyone else) leaks in.
const env = Handlebars.create();
const builtinEach = env.helpers.each as (...args: unknown[]) => unknown;
const builtinWith = env.helpers.with as (...args: unknown[]) => unknown;
// The built-in log helper writes to the console; templates have no business doing that. It stays
// registered as a no-op because the compiler calls known helpers such as log directly.
env.registerHelper('log', () => '');
for (const [name, helper] of Object.entries(createHelpers({ each: builtinEach, with: builtinWith }))) {
	env.registerHelper(name, helper);
}

/** Helpers whose first argument is a value the template relies on: strict mode checks it. */
const STRICT_VALUE_HELPERS = new Set(['money', 'number', 'date', 'upper', 'lower', 'sum', 'statusLabel', 'each', 'with']);

interface Loc {
	start: { line: number; column: number };
}
interface AstNode {
	type: string;
	loc?: Loc;
	[key: string]: unknown;
}
interface PathNode extends AstNode {
	parts: string[];
	original: string;
	data: boolean;
	depth: number;
}
interface PathInfo {
	display: string;
	terminal: string;
	line?: number;
	column?: number;
}

interface CacheEntry {
	render: CompiledTemplate;
	paths: PathInfo[];
}

const cache = new LruCache<string, CacheEntry>(TEMPLATE_CACHE_SIZE, TEMPLATE_CACHE_MAX_CHARS, (key) => key.length);
let hits = 0;
let misses = 0;

function isNode(value: unknown): value is AstNode {
	return value !== null && typeof value === 'object' && typeof (value as AstNode).type === 'string';
}

function walk(node: AstNode, visit: (node: AstNode) => void): void {
	visit(node);
	for (const key of Object.keys(node)) {
		if (key === 'loc') continue;
		const value = node[key];
		if (Array.isArray(value)) {
			for (const child of value) if (isNode(child)) walk(child, visit);
		} else if (isNode(value)) {
			walk(value, visit);
		}
	}
}

function displayPath(path: PathNode): string {
	if (!path.parts.length) return path.original;
	return `${path.data ? '@' : ''}${'../'.repeat(path.depth)}${path.parts.join('.')}`;
}

function lineOf(node: AstNode): number | undefined {
	return node.loc?.start.line;
}

function isCall(node: AstNode): boolean {
	return node.type === 'MustacheStatement' || node.type === 'SubExpression' || node.type === 'BlockStatement';
}

function helperName(node: AstNode): string | undefined {
	const path = node.path as PathNode | undefined;
	if (!path || path.type !== 'PathExpression' || path.data || path.depth !== 0 || path.parts.length !== 1) return undefined;
	return path.parts[0];
}

function offsetOf(source: string, loc: Loc | undefined): number {
	if (!loc) return -1;
	let offset = 0;
	for (let line = 1; line < loc.start.line; line++) {
		offset = source.indexOf('\n', offset) + 1;
		if (offset === 0) return -1;
	}
	return offset + loc.start.column;
}

/** Refuses what no Metakocka template needs and every sandbox escape relies on. */
function checkAst(ast: AstNode, source: string): PathInfo[] {
	const paths: PathInfo[] = [];
	walk(ast, (node) => {
		// {{& x}} is Handlebars' other unescaped form; one documented way ({{{ }}}) is easier to review.
		if (node.type === 'MustacheStatement' && node.escaped === false) {
			const offset = offsetOf(source, node.loc);
			if (/^\{\{~?\s*&/.test(source.slice(offset, offset + 8))) {
				throw new TemplateError(`Use {{{ }}} instead of {{& }} for unescaped output (line ${lineOf(node) ?? '?'})`, { line: lineOf(node) });
			}
		}
		switch (node.type) {
			case 'PartialStatement':
			case 'PartialBlockStatement':
				throw new TemplateError(`Partials ({{> …}}) are not supported in templates (line ${lineOf(node) ?? '?'})`, { line: lineOf(node) });
			case 'Decorator':
			case 'DecoratorBlock':
				throw new TemplateError(`Decorators ({{* …}}) are not supported in templates (line ${lineOf(node) ?? '?'})`, { line: lineOf(node) });
			case 'PathExpression': {
				const path = node as PathNode;
				const bad = path.parts.find((part) => FORBIDDEN_PROPERTIES.has(part));
				if (bad !== undefined) {
					throw new TemplateError(`Access to "${bad}" is not allowed in templates (in "${path.original}", line ${lineOf(node) ?? '?'})`, {
						placeholder: displayPath(path),
						line: lineOf(node),
					});
				}
				if (path.parts.length) {
					paths.push({
						display: displayPath(path),
						terminal: path.parts[path.parts.length - 1],
						line: node.loc?.start.line,
						column: node.loc?.start.column,
					});
				}
				break;
			}
			default:
				if (isCall(node) && helperName(node) === 'lookup') {
					for (const param of (node.params as AstNode[] | undefined) ?? []) {
						if (param.type === 'StringLiteral' && FORBIDDEN_PROPERTIES.has(String(param.value))) {
							throw new TemplateError(`Access to "${String(param.value)}" is not allowed in templates (line ${lineOf(node) ?? '?'})`, {
								placeholder: String(param.value),
								line: lineOf(node),
							});
						}
					}
				}
		}
	});
	return paths;
}

/** Tells the value helpers which placeholder their first argument came from, for strict-mode errors. */
function annotateStrictCalls(ast: AstNode): void {
	walk(ast, (node) => {
		if (!isCall(node)) return;
		const name = helperName(node);
		const first = (node.params as AstNode[] | undefined)?.[0];
		if (!name || !STRICT_VALUE_HELPERS.has(name) || !first || first.type !== 'PathExpression') return;
		const loc = first.loc;
		const hash = (node.hash as AstNode | undefined) ?? { type: 'Hash', pairs: [], loc };
		const pairs = hash.pairs as AstNode[];
		const path = displayPath(first as PathNode);
		pairs.push({ type: 'HashPair', key: PATH_KEY, value: { type: 'StringLiteral', value: path, original: path, loc }, loc });
		const line = lineOf(first);
		if (line !== undefined) {
			pairs.push({ type: 'HashPair', key: LINE_KEY, value: { type: 'NumberLiteral', value: line, original: line, loc }, loc });
		}
		node.hash = hash;
	});
}

function lineAt(source: string, offset: number): number {
	let line = 1;
	for (let i = source.indexOf('\n'); i !== -1 && i < offset; i = source.indexOf('\n', i + 1)) line++;
	return line;
}

/**
 * Size, tag count and nesting checked on the raw text before Handlebars parses it: its parser
 * takes seconds on deep nesting (80 KB of nested {{#if}} blocked the event loop for 46 s), so the
 * limits must hold before it runs. The scan counts block tags only; comments are not excluded, so
 * it can only over-count.
 */
function checkSourceLimits(source: string): void {
	if (source.length > MAX_TEMPLATE_CHARS) {
		throw new TemplateError(
			`Template is too large: ${source.length} characters, the limit is ${MAX_TEMPLATE_CHARS} (${MAX_TEMPLATE_CHARS / 1024} KB)`,
		);
	}
	const tag = /\{\{~?\s*(#|\^|\/|else\b)?([^}]*)/g;
	let tags = 0;
	let depth = 0;
	// Per open block: how many {{else if …}} links it has (each nests one level deeper).
	const chains: number[] = [];
	for (let m = tag.exec(source); m !== null; m = tag.exec(source)) {
		if (++tags > MAX_TEMPLATE_TAGS) {
			throw new TemplateError(`Template has more than ${MAX_TEMPLATE_TAGS} {{…}} tags (line ${lineAt(source, m.index)}): split it up`, {
				line: lineAt(source, m.index),
			});
		}
		const kind = m[1];
		const rest = m[2].replace(/~?\s*$/, '').trim();
		if (kind === '#' || (kind === '^' && rest !== '')) {
			depth++;
			chains.push(0);
		} else if (kind === '/') {
			depth = Math.max(0, depth - 1 - (chains.pop() ?? 0));
		} else if (kind === 'else' && rest !== '') {
			depth++;
			if (chains.length) chains[chains.length - 1]++;
		}
		if (depth > MAX_TEMPLATE_DEPTH) {
			const line = lineAt(source, m.index);
			throw new TemplateError(
				`Template nests blocks more than ${MAX_TEMPLATE_DEPTH} deep (line ${line}): flatten the {{#if}}/{{#each}} blocks or the {{else if}} chain`,
				{ line },
			);
		}
	}
}

function parse(source: string): AstNode {
	checkSourceLimits(source);
	try {
		return env.parse(source) as unknown as AstNode;
	} catch (error) {
		throw syntaxError(error);
	}
}

function errorLine(error: unknown): number | undefined {
	const lineNumber = (error as { lineNumber?: unknown })?.lineNumber;
	if (typeof lineNumber === 'number') return lineNumber;
	const match = /on line (\d+)/.exec(String((error as Error)?.message ?? ''));
	return match ? Number(match[1]) : undefined;
}

function syntaxError(error: unknown): TemplateError {
	if (error instanceof TemplateError) return error;
	const line = errorLine(error);
	const raw = String((error as Error)?.message ?? error);
	// Parser messages are "Parse error on line N:\n<context>\n---^\nExpecting …": keep context and expectation.
	const parsed = /^Parse error on line \d+:\n(.*)\n-*\^\n([\s\S]*)$/.exec(raw);
	const message = parsed ? `near "${parsed[1].trim()}": ${parsed[2].replace(/\s+/g, ' ').trim()}` : raw.replace(/\s+/g, ' ').trim();
	return new TemplateError(`Template syntax error${line !== undefined ? ` on line ${line}` : ''}: ${message}`, { line });
}

const STRICT_MISSING = /^"([^"]*)" not defined in /;

function runtimeError(error: unknown, paths: PathInfo[]): TemplateError {
	if (error instanceof TemplateError) return error;
	const message = String((error as Error)?.message ?? error);
	const line = errorLine(error);
	const missing = STRICT_MISSING.exec(message);
	if (missing) {
		const name = missing[1];
		const column = (error as { column?: unknown }).column;
		const sameName = paths.filter((path) => path.terminal === name);
		const onLine = sameName.filter((path) => path.line === line);
		const best =
			onLine.find((path) => typeof column === 'number' && path.column !== undefined && path.column >= column) ??
			onLine[0] ??
			sameName[0];
		const placeholder = best?.display ?? name;
		return new TemplateError(`Missing placeholder "${placeholder}" in template${line !== undefined ? ` (line ${line})` : ''}`, {
			placeholder,
			line,
		});
	}
	if (error instanceof RangeError) return new TemplateError(`Template formatting failed: ${message}`, { line });
	return new TemplateError(`Template error${line !== undefined ? ` on line ${line}` : ''}: ${message}`, { line });
}

const validLocales = new Set<string>();

function checkLocale(locale: string): void {
	if (validLocales.has(locale)) return;
	let valid = true;
	try {
		Intl.getCanonicalLocales(locale);
		new Intl.NumberFormat(locale);
	} catch {
		valid = false;
	}
	if (!valid) throw new TemplateError(`Invalid locale "${locale}" (use a BCP 47 tag such as "sl-SI" or "en-GB")`);
	if (validLocales.size > 100) validLocales.clear();
	validLocales.add(locale);
}

function build(source: string, strict: boolean, escapeHtml: boolean): CacheEntry {
	const ast = parse(source);
	const paths = checkAst(ast, source);
	if (strict) annotateStrictCalls(ast);
	let template: HandlebarsTemplateDelegate;
	try {
		template = env.compile(ast, { strict, noEscape: !escapeHtml });
	} catch (error) {
		throw syntaxError(error);
	}
	const render: CompiledTemplate = (data, runtime = {}) => {
		const locale = runtime.locale ?? 'sl-SI';
		checkLocale(locale);
		const renderData: RenderData = { locale, currency: runtime.currency ?? 'EUR', mkStrict: strict };
		try {
			return template(data, {
				data: renderData,
				// Explicit false (not merely the default) also keeps Handlebars from logging denied lookups.
				allowProtoPropertiesByDefault: false,
				allowProtoMethodsByDefault: false,
			});
		} catch (error) {
			throw runtimeError(error, paths);
		}
	};
	return { render, paths };
}

/**
 * The compiled template for a source and the compile-relevant options (strict, escapeHtml), from a
 * bounded LRU cache: the same arguments give the same function until it is evicted.
 */
export function compileTemplate(source: string, options: Pick<RenderOptions, 'strict' | 'escapeHtml'> = {}): CompiledTemplate {
	if (typeof source !== 'string') throw new TemplateError('Template source must be a string');
	const strict = options.strict === true;
	const escapeHtml = options.escapeHtml !== false;
	const key = `${strict ? 's' : '-'}${escapeHtml ? 'e' : '-'}:${source}`;
	const cached = cache.get(key);
	if (cached) {
		hits++;
		return cached.render;
	}
	misses++;
	const entry = build(source, strict, escapeHtml);
	cache.set(key, entry);
	return entry.render;
}

/** Renders a Handlebars template with the Metakocka helpers. Every failure is a TemplateError. */
export function renderTemplate(source: string, data: Record<string, unknown>, options: RenderOptions = {}): string {
	const render = compileTemplate(source, options);
	const context = data !== null && typeof data === 'object' ? data : {};
	return render(context, { locale: options.locale, currency: options.currency });
}

/** Checks syntax and the sandbox rules without rendering (placeholders are not checked: no data yet). */
export function validateTemplate(source: string): { ok: true } | { ok: false; error: string; line?: number } {
	try {
		if (typeof source !== 'string') throw new TemplateError('Template source must be a string');
		const ast = parse(source);
		checkAst(ast, source);
		// precompile runs the full compiler (errors such as a helper used as a path) without evaluating code.
		env.precompile(ast);
		return { ok: true };
	} catch (error) {
		const templateError = syntaxError(error);
		return templateError.line !== undefined
			? { ok: false, error: templateError.message, line: templateError.line }
			: { ok: false, error: templateError.message };
	}
}

export function templateCacheStats(): { size: number; max: number; chars: number; maxChars: number; hits: number; misses: number } {
	return { size: cache.size, max: TEMPLATE_CACHE_SIZE, chars: cache.weight, maxChars: TEMPLATE_CACHE_MAX_CHARS, hits, misses };
}

export function clearTemplateCache(): void {
	cache.clear();
	hits = 0;
	misses = 0;
}
