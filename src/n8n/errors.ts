import type { IDataObject, IExecuteFunctions, ILoadOptionsFunctions, IPollFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { ZodError } from 'zod';

import { AiResponseError } from '../ai/errors';
import { ContextInputError } from '../ai/context';
import { MetakockaError } from '../client';
import { EmailInputError, ExtractionPatternError } from '../email/errors';
import { InputError, inputErrorFrom } from '../input';
import { StoreError } from '../store/errors';
import { TemplateError } from '../template/errors';
import { parameterLabel } from './labels';

type Ctx = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;
export type NodeError = NodeApiError | NodeOperationError;

/**
 * The machine-readable side of a failure, the same for every error type: `type` says which part
 * failed (input, metakocka, postgres, template, ai), the rest is what that part knows.
 */
export interface ErrorDetails extends IDataObject {
	type: 'input' | 'metakocka' | 'postgres' | 'template' | 'ai' | 'n8n' | 'internal';
	itemIndex: number;
}

const clean = (o: IDataObject): IDataObject => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== ''));

function label(ctx: Ctx, field: string): string {
	// Load-options and poll contexts have no item parameters to name; the field path is all there is.
	return 'getInputData' in ctx ? parameterLabel(ctx as IExecuteFunctions, field) : `"${field}"`;
}

/** "set Tax Code or Tax Factor on line 1": a field that has to be given with one other, or instead of it. */
function inputMessage(ctx: Ctx, error: InputError): string {
	if (error.oneOf?.length) {
		const prefix = error.field.split('.').slice(0, -1).join('.');
		const [first, ...rest] = error.oneOf.map((name) => label(ctx, prefix ? `${prefix}.${name}` : name));
		const where = / on \w+ \d+$/.exec(first)?.[0] ?? '';
		const names = [first, ...rest].map((l) => l.replace(/ on \w+ \d+$/, ''));
		return `Set exactly one of ${names.join(' or ')}${where}`;
	}
	return `${label(ctx, error.field)} ${error.reason}`;
}

const METAKOCKA_ADVICE: Record<string, string> = {
	OUTCOME_UNKNOWN: 'The write may or may not have been applied in Metakocka. Check Metakocka before running this item again.',
	TIMEOUT: 'Metakocka did not answer in time. For a read, running the item again is safe; for a write, check Metakocka first.',
	HTML_404: 'Check the Base URL of the Metakocka credential.',
};

function describeMetakocka(error: MetakockaError): string {
	const advice =
		METAKOCKA_ADVICE[error.code] ??
		(error.retryable ? 'A temporary problem reaching Metakocka; running the item again is safe.' : `Metakocka method ${error.method} answered code ${error.code}.`);
	return error.description && !error.message.includes(error.description) ? `${advice} Metakocka said: ${error.description}` : advice;
}

const STORE_ADVICE: Record<string, string> = {
	UNREACHABLE: 'Check that Postgres runs and that the host and port of the Postgres credential are right.',
	AUTH_FAILED: 'Check the user and password of the Postgres credential.',
	DATABASE_MISSING: 'Create the database or choose another one in the Postgres credential.',
	LOCK_TIMEOUT: 'Another run holds the same records; run the item again when it has finished.',
};

/** The details of any error the core throws, with the item it belongs to. */
export function errorDetails(error: unknown, itemIndex: number): ErrorDetails {
	if (error instanceof MetakockaError) {
		return clean({
			type: 'metakocka',
			itemIndex,
			code: error.code,
			method: error.method,
			metakockaDescription: error.description,
			httpStatus: error.httpStatus,
			retryable: error.retryable,
			delivery: error.delivery,
		}) as ErrorDetails;
	}
	if (error instanceof InputError) return clean({ type: 'input', itemIndex, field: error.field, oneOf: error.oneOf }) as ErrorDetails;
	if (error instanceof StoreError) return clean({ type: 'postgres', itemIndex, code: error.code, pgCode: error.pgCode, constraint: error.constraint }) as ErrorDetails;
	if (error instanceof TemplateError) return clean({ type: 'template', itemIndex, placeholder: error.placeholder, line: error.line }) as ErrorDetails;
	if (error instanceof AiResponseError) return clean({ type: 'ai', itemIndex, code: error.code, field: error.field, httpStatus: error.httpStatus }) as ErrorDetails;
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		const known = (error.context?.details ?? {}) as IDataObject;
		return { type: 'n8n', ...known, itemIndex } as ErrorDetails;
	}
	return { type: 'internal', itemIndex };
}

function ownMessage(error: Error): string {
	if (error instanceof StoreError) return `Mapping store: ${error.message}`;
	if (error instanceof TemplateError) return `Template: ${error.message}`;
	return error.message;
}

/** Core errors that are really bad input on the item: they become InputErrors naming the field. */
function asInputError(error: unknown, itemIndex: number): InputError | undefined {
	if (error instanceof InputError) return error;
	if (error instanceof ZodError) return inputErrorFrom(error, itemIndex, undefined);
	if (error instanceof EmailInputError) {
		return new InputError(itemIndex, error.field, 'is missing or unusable', `${error.message} Use "Map Fields" as input to point the node at the right fields.`);
	}
	if (error instanceof ContextInputError) return new InputError(itemIndex, error.field, 'is missing or unusable', error.message);
	if (error instanceof ExtractionPatternError) return new InputError(itemIndex, 'options', `has a pattern that is not a valid regular expression: ${error.pattern}`, error.message);
	if (error instanceof AiResponseError && error.code === 'INVALID_INPUT' && error.field) {
		return new InputError(itemIndex, error.field, error.message.replace(/^./, (c) => c.toLowerCase()), error.description);
	}
	return undefined;
}

/**
 * Turns whatever the core threw into the n8n error for the item: NodeApiError for Metakocka's
 * answers, NodeOperationError for the rest, each with a message for the person on call, a
 * description with the details, and the machine-readable details in error.context.details.
 * The core already keeps the secret key out of every message.
 */
export function toNodeError(ctx: Ctx, error: unknown, itemIndex: number): NodeError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		error.context.details ??= errorDetails(error, itemIndex);
		return error;
	}
	const details = errorDetails(error, itemIndex);
	let nodeError: NodeError;
	if (error instanceof MetakockaError) {
		const response: JsonObject = { code: error.code, method: error.method, description: error.description, retryable: error.retryable };
		nodeError = new NodeApiError(ctx.getNode(), response, {
			itemIndex,
			message: error.message,
			description: describeMetakocka(error),
			httpCode: error.httpStatus ? String(error.httpStatus) : undefined,
		});
		// NodeApiError replaces some messages by HTTP status; the person on call needs Metakocka's own.
		nodeError.message = ownMessage(error);
	} else {
		const input = asInputError(error, itemIndex);
		if (input) {
			nodeError = new NodeOperationError(ctx.getNode(), inputMessage(ctx, input), { itemIndex, description: input.description });
			Object.assign(details, errorDetails(input, itemIndex), { type: 'input' });
		} else if (error instanceof StoreError) {
			nodeError = new NodeOperationError(ctx.getNode(), ownMessage(error), { itemIndex, description: STORE_ADVICE[error.code] });
		} else if (error instanceof TemplateError) {
			const where = [error.placeholder && `placeholder {{${error.placeholder}}}`, error.line && `line ${error.line}`].filter(Boolean).join(', ');
			nodeError = new NodeOperationError(ctx.getNode(), ownMessage(error), { itemIndex, description: where ? `At ${where} of the template.` : undefined });
		} else if (error instanceof AiResponseError) {
			nodeError = new NodeOperationError(ctx.getNode(), error.message, { itemIndex, description: error.description });
		} else {
			const message = error instanceof Error ? error.message : String(error);
			nodeError = new NodeOperationError(ctx.getNode(), message, { itemIndex });
		}
	}
	// n8n swaps messages that mention ECONNREFUSED, ETIMEDOUT, … for generic ones; ours say more.
	if (error instanceof Error && nodeError instanceof NodeOperationError && !(asInputError(error, itemIndex))) nodeError.message = ownMessage(error);
	nodeError.context.details = details;
	return nodeError;
}

/** Version 1 error item JSON (kept for existing workflows): the message plus a few details at the top. */
export function errorJson(error: unknown, itemIndex?: number): JsonObject {
	if (error instanceof MetakockaError) {
		return { error: error.message, code: error.code, method: error.method, retryable: error.retryable };
	}
	// Bad input of every kind (email fields, patterns, zod) reads as version 1 always wrote it.
	const input = itemIndex === undefined ? (error instanceof InputError ? error : undefined) : asInputError(error, itemIndex);
	if (input) return { error: input.message, field: input.field };
	// An error the adapter already converted (a whole operation failing under "Continue") keeps the
	// version 1 keys from its details: API workflows tell 400 from 500 by `field`.
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		const details = (error.context?.details ?? {}) as IDataObject;
		const keys = details.type === 'metakocka' ? ['code', 'method', 'retryable'] : details.type === 'input' ? ['field'] : [];
		return clean({ error: error.message, ...Object.fromEntries(keys.map((key) => [key, details[key]])) }) as JsonObject;
	}
	return { error: error instanceof Error ? error.message : String(error) };
}
