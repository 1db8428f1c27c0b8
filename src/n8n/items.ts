import type { IDataObject, IExecuteFunctions, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { errorJson, toNodeError, type NodeError } from './errors';

// The one place that turns an operation's results and failures into n8n items. n8n 2.41 routes an
// item to the error output ("On Error → Continue (using error output)") when the item has `error`
// set, or when its json has no keys but error, message and details (WorkflowExecute
// .handleNodeErrorOutput), and merges the input item's json under it. Afterwards, in every mode, it
// replaces the json of an item that has `error` set by { error: message } (normalizeNodeErrors), so
// the details would be lost. Error items therefore carry only json { error: message, details } (from
// version 2): routed by its keys, kept whole in "Continue" and in the error output.

export type ItemResult = IDataObject | IDataObject[] | INodeExecutionData[];

/** The node version the workflow uses: version 1 keeps the output shapes of release 0.1. */
export function nodeVersion(ctx: IExecuteFunctions): number {
	return Number(ctx.getNode()?.typeVersion ?? 1);
}

function asExecutionData(result: ItemResult, itemIndex: number): INodeExecutionData[] {
	const list = Array.isArray(result) ? result : [result];
	return list.map((entry) => {
		const isItem = (entry as INodeExecutionData).json !== undefined && typeof (entry as INodeExecutionData).json === 'object';
		const data = isItem ? (entry as INodeExecutionData) : { json: entry as IDataObject };
		return { ...data, pairedItem: { item: itemIndex } };
	});
}

// The error items this module made: "Stop Workflow" reports what the other items wrote.
const errorItems = new WeakSet<INodeExecutionData>();

/** The item a failure becomes when "Continue" (either kind) is set. */
export function errorItem(ctx: IExecuteFunctions, error: unknown, itemIndex: number): INodeExecutionData {
	const nodeError = toNodeError(ctx, error, itemIndex);
	// Version 1 keeps release 0.1's json (its extra field/code keys keep it on the main output).
	const json =
		nodeVersion(ctx) >= 2
			? { error: nodeError.message, details: { ...(nodeError.context.details as IDataObject), ...(nodeError.description ? { description: nodeError.description } : {}) } }
			: errorJson(error, itemIndex);
	const item: INodeExecutionData = { json, pairedItem: { item: itemIndex } };
	errorItems.add(item);
	return item;
}

const writtenId = (json: IDataObject): string | undefined => {
	const id = json.mk_id ?? json.mkId;
	return id === undefined || id === null || id === '' ? undefined : String(id);
};

/**
 * With "Stop Workflow", the node's output is lost with the error: the error names what earlier
 * items already wrote, so nobody writes them twice.
 */
function withWritten(error: NodeError, written: INodeExecutionData[]): NodeError {
	const done = written
		.filter((item) => !errorItems.has(item))
		.map((item) => ({ itemIndex: (item.pairedItem as { item: number }).item, mk_id: writtenId(item.json), status: item.json.status }))
		.filter((w) => w.mk_id !== undefined);
	if (!done.length) return error;
	const list = done.map((w) => `item ${w.itemIndex} → ${w.mk_id}${w.status ? ` (${String(w.status)})` : ''}`).join(', ');
	error.description = `${error.description ? `${error.description} ` : ''}Already written in Metakocka before the run stopped: ${list}.`;
	(error.context.details as IDataObject).written = done as unknown as IDataObject[];
	return error;
}

export interface ItemOperation<T> {
	/** Reads and checks one item; runs for every item before the first `run`, so bad input writes nothing. */
	parse?: (itemIndex: number) => T | Promise<T>;
	/** Does the work for one item; its results are paired to the item. */
	run: (itemIndex: number, value: T) => Promise<ItemResult>;
	/** Whether `run` writes (then "Stop Workflow" reports what earlier items wrote). */
	writes?: boolean;
}

/**
 * Runs an operation per input item, in input order. Every item is parsed first: with "Stop
 * Workflow" a bad item fails the node before anything is written; with "Continue" it becomes an
 * error item in its place and the others go on.
 */
export async function runItems<T>(ctx: IExecuteFunctions, op: ItemOperation<T>): Promise<INodeExecutionData[]> {
	const count = ctx.getInputData().length;
	const continueOnFail = ctx.continueOnFail();
	const parsed: Array<{ value: T } | { error: unknown }> = [];
	for (let i = 0; i < count; i++) {
		try {
			parsed.push({ value: op.parse ? await op.parse(i) : (undefined as T) });
		} catch (error) {
			if (!continueOnFail) throw toNodeError(ctx, error, i);
			parsed.push({ error });
		}
	}
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < count; i++) {
		const entry = parsed[i];
		if ('error' in entry) {
			out.push(errorItem(ctx, entry.error, i));
			continue;
		}
		try {
			out.push(...asExecutionData(await op.run(i, entry.value), i));
		} catch (error) {
			if (continueOnFail) {
				out.push(errorItem(ctx, error, i));
				continue;
			}
			const nodeError = toNodeError(ctx, error, i);
			throw op.writes ? withWritten(nodeError, out) : nodeError;
		}
	}
	return out;
}

/** runItems without a parse step (reads, or operations that check their input as they go). */
export async function runPerItem(ctx: IExecuteFunctions, fn: (itemIndex: number) => Promise<ItemResult>): Promise<INodeExecutionData[]> {
	return await runItems(ctx, { run: async (i) => await fn(i) });
}

export type Outcome = { itemIndex: number; json?: IDataObject; error?: unknown };

/**
 * Output of a batch operation (Sync) that computed one outcome per input item at once: in input
 * order; with "Stop Workflow" the first failure fails the node and names what the batch wrote.
 */
export function batchOutput(ctx: IExecuteFunctions, outcomes: Outcome[]): INodeExecutionData[] {
	const sorted = [...outcomes].sort((a, b) => a.itemIndex - b.itemIndex);
	const failed = sorted.find((o) => o.error !== undefined);
	const items = sorted.map((o) => (o.error !== undefined ? errorItem(ctx, o.error, o.itemIndex) : { json: o.json ?? {}, pairedItem: { item: o.itemIndex } }));
	if (failed && !ctx.continueOnFail()) {
		throw withWritten(toNodeError(ctx, failed.error, failed.itemIndex), items);
	}
	return items;
}

export type Validated<T> = { value: T; error?: undefined } | { value?: undefined; error: unknown };

/**
 * Validates every item before the first write, so bad input never leaves half a batch written:
 * with "Stop Workflow" the first bad item stops the run; with "Continue", bad items fail on their own.
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

/** A polling trigger's run: the items it found (null: nothing new), or the n8n error for what failed. */
export async function runPoll(ctx: IPollFunctions, fn: () => Promise<IDataObject[]>): Promise<INodeExecutionData[][] | null> {
	try {
		const found = await fn();
		return found.length ? [ctx.helpers.returnJsonArray(found)] : null;
	} catch (error) {
		throw toNodeError(ctx, error, 0);
	}
}

/** Whether the item's Simplify switch is on (version 2 and later; version 1 has none and keeps the whole records). */
export function simplifyOn(ctx: IExecuteFunctions, itemIndex: number): boolean {
	return nodeVersion(ctx) >= 2 && ctx.getNodeParameter('simple', itemIndex, true) === true;
}
