import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { MetakockaError, type MetakockaClient } from '../client';
import { InputError } from '../input';
import { getClient, openStore } from './context';
import { toNodeError } from './errors';
import { errorItem } from './items';
import { MAX_RUN_RETENTION_DAYS, type MappingStore, type SyncRun, type SyncRunError } from '../store';

/** Sync and Import answer one item per record (as always), or one item for the whole run. */
export type OutputMode = 'perRecord' | 'summary';

export interface RunOutcome {
	itemIndex: number;
	/** created, updated, unchanged, conflict, imported; or a Dry Run's create, adopt, update… */
	status?: string;
	crmId?: string | null;
	error?: unknown;
}

export interface RunSummary {
	operation: string;
	dryRun: boolean;
	startedAt: string;
	finishedAt: string;
	durationMs: number;
	total: number;
	/** Items per status; failed items under "failed". */
	counts: Record<string, number>;
	/** Every failed item with its CRM id: what someone fixes the next morning. */
	errors: SyncRunError[];
	/** The run-history row, or null when it could not be written. */
	runId: number | null;
}

export interface RunInfo {
	/** "sync" or "import". */
	operation: string;
	dryRun: boolean;
	startedAt: Date;
	/** Days to keep run rows; validated before the run (runHistoryDays). */
	retentionDays?: number;
}

/** Mapping Store → Keep Run History (Days), checked before anything runs. */
export function runHistoryDays(ctx: IExecuteFunctions): number | undefined {
	// n8n treats an undefined fallback as none and throws "Could not get parameter" when the option is not set.
	const raw = ctx.getNodeParameter('mappingStore.runHistoryDays', 0, null) as unknown;
	if (raw === undefined || raw === null || raw === '') return undefined;
	const days = Number(raw);
	if (!Number.isInteger(days) || days < 1 || days > MAX_RUN_RETENTION_DAYS) {
		throw new NodeOperationError(ctx.getNode(), `Keep Run History (Days) must be a whole number from 1 to ${MAX_RUN_RETENTION_DAYS}, not "${String(raw)}"`);
	}
	return days;
}

export function outputMode(ctx: IExecuteFunctions): OutputMode {
	return ctx.getNodeParameter('outputMode', 0, 'perRecord') === 'summary' ? 'summary' : 'perRecord';
}

/** The running operation (sync, import); the node type says which resource. */
export function operationName(ctx: IExecuteFunctions): string {
	return String(ctx.getNodeParameter('operation', 0, ''));
}

function errorCode(error: unknown): string | null {
	if (error instanceof MetakockaError) return error.code;
	if (error instanceof InputError) return 'INVALID_INPUT';
	const code = (error as { code?: unknown } | null)?.code;
	return typeof code === 'string' ? code : null;
}

export function runError(outcome: RunOutcome): SyncRunError {
	const error = outcome.error;
	return {
		itemIndex: outcome.itemIndex,
		crmId: outcome.crmId ?? null,
		code: errorCode(error),
		message: error instanceof Error ? error.message : String(error),
	};
}

export function summarize(info: RunInfo, outcomes: RunOutcome[], finishedAt = new Date()): Omit<RunSummary, 'runId'> {
	const counts: Record<string, number> = {};
	const errors: SyncRunError[] = [];
	for (const outcome of [...outcomes].sort((a, b) => a.itemIndex - b.itemIndex)) {
		const status = outcome.error !== undefined ? 'failed' : (outcome.status ?? 'done');
		counts[status] = (counts[status] ?? 0) + 1;
		if (outcome.error !== undefined) errors.push(runError(outcome));
	}
	return {
		operation: info.operation,
		dryRun: info.dryRun,
		startedAt: info.startedAt.toISOString(),
		finishedAt: finishedAt.toISOString(),
		durationMs: finishedAt.getTime() - info.startedAt.getTime(),
		total: outcomes.length,
		counts,
		errors,
	};
}

function executionId(ctx: IExecuteFunctions): string | null {
	try {
		const id = typeof ctx.getExecutionId === 'function' ? ctx.getExecutionId() : undefined;
		return id ? String(id) : null;
	} catch {
		return null;
	}
}

/**
 * Writes the run's history row (best effort: a history that cannot be written must not hide what
 * the run did to Metakocka) and returns the summary with the row's id.
 */
export async function recordRun(ctx: IExecuteFunctions, store: MappingStore, companyId: string, info: RunInfo, outcomes: RunOutcome[]): Promise<RunSummary> {
	const summary = summarize(info, outcomes);
	let run: SyncRun | undefined;
	try {
		run = await store.syncRuns.record(
			{
				companyId,
				node: ctx.getNode().type,
				operation: info.operation,
				executionId: executionId(ctx),
				dryRun: info.dryRun,
				startedAt: info.startedAt,
				finishedAt: new Date(summary.finishedAt),
				counts: summary.counts,
				errors: summary.errors,
			},
			{ retentionDays: info.retentionDays },
		);
	} catch (error) {
		ctx.logger.warn(`Could not write the sync run history: ${(error as Error).message}`);
	}
	return { ...summary, runId: run?.id ?? null };
}

/** The one item of Output: Summary, paired with every input item it covers. */
export function summaryItem(summary: RunSummary, inputCount: number): INodeExecutionData[] {
	const pairedItem = Array.from({ length: Math.max(1, inputCount) }, (_, item) => ({ item }));
	return [{ json: summary as unknown as IDataObject, pairedItem }];
}

/**
 * An Import run: reads once (for the first input item), records the run, and answers one item per
 * record or one summary item. A failed read is one failed record of the run.
 */
export async function runImport(
	ctx: IExecuteFunctions,
	read: (client: MetakockaClient, store: MappingStore) => Promise<IDataObject[]>,
): Promise<INodeExecutionData[]> {
	const info: RunInfo = { operation: operationName(ctx), dryRun: false, startedAt: new Date(), retentionDays: runHistoryDays(ctx) };
	const mode = outputMode(ctx);
	const client = await getClient(ctx);
	const store = await openStore(ctx, ctx.getNodeParameter('mappingStore', 0, {}) as object);
	try {
		let records: IDataObject[];
		try {
			records = await read(client, store);
		} catch (error) {
			const summary = await recordRun(ctx, store, client.companyId, info, [{ itemIndex: 0, error }]);
			if (mode === 'summary') return summaryItem(summary, 1);
			if (ctx.continueOnFail()) return [errorItem(ctx, error, 0)];
			throw toNodeError(ctx, error, 0);
		}
		const summary = await recordRun(
			ctx,
			store,
			client.companyId,
			info,
			records.map((r, itemIndex) => ({ itemIndex, status: 'imported', crmId: ((r.sync as IDataObject | undefined)?.crmId as string | null | undefined) ?? (r.crmId as string | null | undefined) ?? null })),
		);
		if (mode === 'summary') return summaryItem(summary, 1);
		return records.map((json) => ({ json, pairedItem: { item: 0 } }));
	} finally {
		await store.close();
	}
}
