export { TemplateError } from './errors';
export {
	renderTemplate,
	validateTemplate,
	compileTemplate,
	templateCacheStats,
	clearTemplateCache,
	TEMPLATE_CACHE_SIZE,
	TEMPLATE_CACHE_MAX_CHARS,
	MAX_TEMPLATE_CHARS,
	MAX_TEMPLATE_DEPTH,
	MAX_TEMPLATE_TAGS,
	type RenderOptions,
	type CompiledTemplate,
} from './render';
export { parseNumber, parseDate } from './values';
