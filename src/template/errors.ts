/** Anything wrong with a template: syntax, a forbidden property, a missing placeholder in strict mode, a helper failure. */
export class TemplateError extends Error {
	override readonly name = 'TemplateError';
	/** The placeholder path that was missing or refused, e.g. "partner.customer". */
	readonly placeholder?: string;
	/** 1-based line in the template source, when Handlebars told us. */
	readonly line?: number;

	constructor(message: string, details: { placeholder?: string; line?: number } = {}) {
		super(message);
		if (details.placeholder !== undefined) this.placeholder = details.placeholder;
		if (details.line !== undefined) this.line = details.line;
		Object.setPrototypeOf(this, new.target.prototype);
	}
}
