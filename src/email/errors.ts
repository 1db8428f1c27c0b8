/** The item does not look like an email the node can work with; names the field that is missing or unusable. */
export class EmailInputError extends Error {
	override readonly name = 'EmailInputError';

	constructor(
		readonly field: string,
		message: string,
	) {
		super(message);
		Object.setPrototypeOf(this, new.target.prototype);
	}
}

/** A per-company extraction pattern that is not a valid regular expression. */
export class ExtractionPatternError extends Error {
	override readonly name = 'ExtractionPatternError';

	constructor(
		readonly pattern: string,
		reason: string,
	) {
		super(`Invalid extraction pattern ${JSON.stringify(pattern)}: ${reason}`);
		Object.setPrototypeOf(this, new.target.prototype);
	}
}
