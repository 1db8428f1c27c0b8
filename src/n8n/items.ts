import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { errorJson, toNodeError } from './errors';

export type ItemResult = IDataObject | IDataObject[] | INodeExecutionData[];

function asExecutionData(result: ItemResult, itemIndex: number): INodeExecutionData[] {
	const list = Array.isArray(result) ? result : [result];
	return list.map((entry) => {
		const data = (entry as INodeExecutionData).json !== undefined && typeof (entry as INodeExecutionData).json === 'object'
			? (entry as INodeExecutionData)
			: { json: entry as IDataObject };
		return { ...data, pairedItem: { item: itemIndex } };
	});
}

/**
 * Runs `fn` once per input item. Every output item is paired to its input; with "Continue On Fail"
 * a failing item becomes an error item and the others go on, otherwise the error names the item.
 */
export async function runPerItem(
	ctx: IExecuteFunctions,
	fn: (itemIndex: number) => Promise<ItemResult>,
): Promise<INodeExecutionData[]> {
	const out: INodeExecutionData[] = [];
	const count = ctx.getInputData().length;
	for (let i = 0; i < count; i++) {
		try {
			out.push(...asExecutionData(await fn(i), i));
		} catch (error) {
			if (ctx.continueOnFail()) {
				out.push({ json: errorJson(error), pairedItem: { item: i } });
				continue;
			}
			throw toNodeError(ctx, error, i);
		}
	}
	return out;
}

/** For batch operations (sync, import) that compute one outcome per input item at once. */
export function batchOutput(
	ctx: IExecuteFunctions,
	outcomes: Array<{ itemIndex: number; json?: IDataObject; error?: unknown }>,
): INodeExecutionData[] {
	const out: INodeExecutionData[] = [];
	for (const outcome of outcomes) {
		if (outcome.error !== undefined) {
			if (!ctx.continueOnFail()) throw toNodeError(ctx, outcome.error, outcome.itemIndex);
			out.push({ json: errorJson(outcome.error), pairedItem: { item: outcome.itemIndex } });
			continue;
		}
		out.push({ json: outcome.json ?? {}, pairedItem: { item: outcome.itemIndex } });
	}
	return out;
}

export type Validated<T> = { value: T; error?: undefined } | { value?: undefined; error: unknown };

/**
 * Validates every item before the first write, so bad input never leaves half a batch written:
 * without "Continue On Fail" the first bad item stops the run; with it, bad items fail on their own.
 */
export function validateAll<T>(ctx: IExecuteFunctions, parse: (itemIndex: number) => T): Array<Validated<T>> {
	const results: Array<Validated<T>> = ctx.getInputData().map((_, i) => {
		try {
			return { value: parse(i) };
		} catch (error) {
			return { error };
		}
	});
	const bad = results.findIndex((r) => r.error !== undefined);
	if (bad >= 0 && !ctx.continueOnFail()) throw toNodeError(ctx, results[bad].error, bad);
	return results;
}
