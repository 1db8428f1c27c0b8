import type { IExecuteFunctions, ILoadOptionsFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { MetakockaError } from '../client';
import { InputError } from '../input';

type Ctx = IExecuteFunctions | ILoadOptionsFunctions;

/** Turns a core error into the n8n error that names the item; the core already keeps secrets out of messages. */
export function toNodeError(ctx: Ctx, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof MetakockaError) {
		const response: JsonObject = {
			code: error.code,
			method: error.method,
			description: error.description,
			retryable: error.retryable,
		};
		return new NodeApiError(ctx.getNode(), response, {
			itemIndex,
			message: error.message,
			description: describeMetakockaError(error),
			httpCode: error.httpStatus ? String(error.httpStatus) : undefined,
		});
	}
	if (error instanceof InputError) {
		return new NodeOperationError(ctx.getNode(), error.message, {
			itemIndex,
			description: error.description,
		});
	}
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(ctx.getNode(), message, { itemIndex });
}

function describeMetakockaError(error: MetakockaError): string {
	if (error.code === 'OUTCOME_UNKNOWN') {
		return 'The write may or may not have been applied in Metakocka. Check Metakocka before running this item again.';
	}
	return error.retryable
		? 'Temporary problem reaching Metakocka; running the item again is safe.'
		: `Metakocka method ${error.method} answered code ${error.code}.`;
}

/** The JSON put on an item that failed while "Continue On Fail" is on. */
export function errorJson(error: unknown): JsonObject {
	if (error instanceof MetakockaError) {
		return {
			error: error.message,
			code: error.code,
			method: error.method,
			retryable: error.retryable,
		};
	}
	if (error instanceof InputError) {
		return { error: error.message, field: error.field };
	}
	return { error: error instanceof Error ? error.message : String(error) };
}
