// Apart from respond.ts so that naming the error does not load the OpenAI SDK.

export type AiErrorCode = 'INVALID_INPUT' | 'AUTH' | 'NOT_FOUND' | 'RATE_LIMIT' | 'BAD_REQUEST' | 'SERVER' | 'TIMEOUT' | 'NETWORK' | 'EMPTY' | 'UNKNOWN';

/** Every message is redacted before it is built into the error; no SDK error (which carries headers) is kept. */
export class AiResponseError extends Error {
	constructor(
		readonly code: AiErrorCode,
		message: string,
		readonly field?: string,
		readonly httpStatus?: number,
		readonly description?: string,
	) {
		super(message);
		this.name = 'AiResponseError';
	}
}
