import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { MetakockaClient } from '../client';
import { MetakockaError } from '../client';
import type { MappingStore } from '../store';
import { getClient, openStore } from './context';
import { errorJson } from './errors';
import { batchOutput, errorItem, nodeVersion } from './items';
import { operationName, outputMode, recordRun, runHistoryDays, summaryItem, type RunInfo } from './runs';

export interface SyncDeps {
	client: MetakockaClient;
	store: MappingStore;
}

type Failure = { itemIndex: number; error: unknown };
type Outcome = { itemIndex: number; error?: unknown; mkId?: string | null; crmId?: string; status?: string };

export interface SyncSpec<Parsed extends { itemIndex: number }, Ready extends { itemIndex: number }> {
	/** Reads and validates one item; throws an InputError for bad input. */
	parse(itemIndex: number): Parsed;
	/** Resolves what needs the store (e.g. CRM ids through mappings); failures count as bad input. */
	prepare?(deps: SyncDeps, parsed: Parsed[]): Promise<Array<Ready | Failure>>;
	sync(deps: SyncDeps, ready: Ready[]): Promise<Outcome[]>;
	/**
	 * Dry Run: sync() only reads and says what it would do. Nothing stops the run: every item,
	 * bad input included, answers with its outcome, and nothing goes to the error log.
	 */
	dryRun?: boolean;
}

/**
 * The shape every Sync operation shares: validate all items first (without "Continue On Fail" one bad
 * item stops the run before any write), sync the rest, record Metakocka failures in the error log,
 * and answer one item per input item.
 */
export async function runSync<Parsed extends { itemIndex: number }, Ready extends { itemIndex: number } = Parsed>(
	ctx: IExecuteFunctions,
	spec: SyncSpec<Parsed, Ready>,
): Promise<INodeExecutionData[]> {
	const dryRun = spec.dryRun === true;
	const info: RunInfo = { operation: operationName(ctx), dryRun, startedAt: new Date(), retentionDays: runHistoryDays(ctx) };
	// A Dry Run is a report: the errors a real run would hit are its findings, not a reason to stop.
	const stopOnError = !dryRun && !ctx.continueOnFail();
	const mode = outputMode(ctx);
	const parsed: Parsed[] = [];
	const invalid: Failure[] = [];
	for (let i = 0; i < ctx.getInputData().length; i++) {
		try {
			parsed.push(spec.parse(i));
		} catch (error) {
			invalid.push({ itemIndex: i, error });
		}
	}

	// Bad input stops the run before any write (unless Continue On Fail); the run is still on record.
	const stop = async (store: MappingStore, companyId: string) => {
		await recordRun(ctx, store, companyId, info, invalid.map((f) => ({ ...f, crmId: crmIdOf(ctx, f.itemIndex) })));
		return batchOutput(ctx, invalid.sort(byItem));
	};
	if (invalid.length && stopOnError) {
		// The bad item is the error to report, even when the history cannot be reached.
		const early = await getClient(ctx).catch(() => undefined);
		const history = early && (await openStore(ctx, ctx.getNodeParameter('mappingStore', 0, {}) as object).catch(() => undefined));
		if (!early || !history) return batchOutput(ctx, invalid);
		try {
			return await stop(history, early.companyId);
		} finally {
			await history.close();
		}
	}

	// Sync options' Max Parallel Calls caps this execution's calls too (the adaptive limit is shared).
	const { concurrency } = ctx.getNodeParameter('syncOptions', 0, {}) as { concurrency?: number };
	const client = await getClient(ctx, typeof concurrency === 'number' && concurrency > 0 ? { maxConcurrency: concurrency } : {});
	const store = await openStore(ctx, ctx.getNodeParameter('mappingStore', 0, {}) as object);
	try {
		const deps = { client, store };
		let ready = parsed as unknown as Ready[];
		if (spec.prepare) {
			ready = [];
			for (const r of await spec.prepare(deps, parsed)) {
				if ('error' in r) invalid.push(r as Failure);
				else ready.push(r as Ready);
			}
			if (invalid.length && stopOnError) return await stop(store, client.companyId);
		}
		const outcomes = await spec.sync(deps, ready);
		if (!dryRun) await logFailures(ctx, store, client.companyId, outcomes);
		const v2 = nodeVersion(ctx) >= 2;
		const shape = v2 ? syncItemsV2 : syncItemsV1;
		const all = [...invalid.map((f) => ({ ...f, crmId: crmIdOf(ctx, f.itemIndex) })), ...shape(outcomes)].sort(byItem);
		const summary = await recordRun(ctx, store, client.companyId, info, all);
		// A summary reports failed records in its errors list instead of stopping the workflow.
		if (mode === 'summary') return summaryItem(summary, ctx.getInputData().length);
		if (dryRun) {
			const jsons = all.map((o) => ('json' in o && o.json ? o.json : dryRunError(ctx, o, v2)));
			// Version 2: the same keys on every Dry Run item, null where they do not apply (`error` too).
			const keys = [...new Set(['error', ...jsons.flatMap((json) => Object.keys(json))])];
			const same = (json: IDataObject) => Object.fromEntries(keys.map((k) => [k, json[k] ?? null])) as IDataObject;
			return all.map((o, n) => ({ json: v2 ? same(jsons[n]) : jsons[n], pairedItem: { item: o.itemIndex } }));
		}
		return batchOutput(ctx, all);
	} finally {
		await store.close();
	}
}

/**
 * A Dry Run item that would fail: the same keys as the others, the error it would hit under "error"
 * (in version 2 the error item's own { error, details }). It stays on the main output: a Dry Run
 * reports, it does not fail.
 */
function dryRunError(ctx: IExecuteFunctions, o: { itemIndex: number; crmId?: string | null; error?: unknown }, v2: boolean): IDataObject {
	const json: IDataObject = {
		crmId: o.crmId ?? null,
		status: 'error',
		dryRun: true,
		mkId: null,
		countCode: null,
		matchedExisting: false,
		foundBy: null,
		changes: [],
		conflict: null,
		error: (v2 ? errorItem(ctx, o.error, o.itemIndex).json : errorJson(o.error)) as IDataObject,
	};
	return v2 ? Object.fromEntries(Object.entries(json).map(([k, v]) => [snake(k), v])) : json;
}

/** The CRM id of an item that failed validation, when it can be read at all. */
function crmIdOf(ctx: IExecuteFunctions, itemIndex: number): string | null {
	try {
		const value = ctx.getNodeParameter('crmId', itemIndex, null) as unknown;
		return value === null || value === undefined || value === '' ? null : String(value);
	} catch {
		return null;
	}
}

const byItem = (a: { itemIndex: number }, b: { itemIndex: number }) => a.itemIndex - b.itemIndex;

type Shaped = { itemIndex: number; crmId?: string; status?: string; json?: IDataObject; error?: unknown };

function syncItemsV1(outcomes: Outcome[]): Shaped[] {
	return outcomes.map(({ itemIndex, error, ...json }) =>
		error === undefined
			? { itemIndex, crmId: json.crmId, status: json.status, json: { ...json, mkId: json.mkId ?? null } as IDataObject }
			: { itemIndex, crmId: json.crmId, error },
	);
}

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
/** Every version 2 Sync item has these keys, whatever its status (null when they do not apply). */
const SYNC_KEYS = ['crm_id', 'status', 'mk_id', 'count_code', 'reconciled', 'matched_existing', 'conflict'];

/** Version 2: Metakocka's snake_case names, and the same keys on every item of the run. */
function syncItemsV2(outcomes: Outcome[]): Shaped[] {
	const rows = outcomes.map(({ itemIndex, error, crmId, status, ...rest }) => ({
		itemIndex,
		crmId,
		status,
		error,
		json: Object.fromEntries(Object.entries({ crmId, status, ...rest } as Record<string, unknown>).map(([k, v]) => [snake(k), v])) as IDataObject,
	}));
	const keys = [...new Set([...SYNC_KEYS, ...rows.flatMap((r) => Object.keys(r.json))])];
	return rows.map(({ itemIndex, crmId, status, error, json }) =>
		error === undefined
			? { itemIndex, crmId, status, json: Object.fromEntries(keys.map((k) => [k, json[k] ?? null])) as IDataObject }
			: { itemIndex, crmId, error },
	);
}

async function logFailures(ctx: IExecuteFunctions, store: MappingStore, companyId: string, outcomes: Outcome[]) {
	const entries = outcomes
		.filter((o) => o.error instanceof MetakockaError)
		.map((o) => {
			const error = o.error as MetakockaError;
			return {
				companyId,
				node: ctx.getNode().type,
				operation: 'sync',
				method: error.method,
				itemIndex: o.itemIndex,
				mkCode: error.code,
				mkDescription: error.description,
			};
		});
	// The log is a diagnostic aid: failing to write it must not hide the sync's own outcome.
	await store.errorLog.recordMany(entries).catch((error: Error) => ctx.logger.warn(`Could not write the Metakocka error log: ${error.message}`));
}
