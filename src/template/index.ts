export { TemplateError } from './errors';
export {
	renderTemplate,
	validateTemplate,
	compileTemplate,
	templateCacheStats,
	clearTemplateCache,
	TEMPLATE_CACHE_SIZE,
	type RenderOptions,
	type CompiledTemplate,
} from './render';
export { parseNumber, parseDate } from './values';
