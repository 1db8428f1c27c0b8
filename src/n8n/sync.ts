import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { MetakockaClient } from '../client';
import { MetakockaError } from '../client';
import { InputError } from '../input';
import type { MappingStore } from '../store';
import { getClient, openStore } from './context';
import { toNodeError } from './errors';
import { batchOutput } from './items';

export interface SyncDeps {
	client: MetakockaClient;
	store: MappingStore;
}

type Failure = { itemIndex: number; error: unknown };
type Outcome = { itemIndex: number; error?: unknown; mkId?: string | null };

export interface SyncSpec<Parsed extends { itemIndex: number }, Ready extends { itemIndex: number }> {
	/** Reads and validates one item; throws an InputError for bad input. */
	parse(itemIndex: number): Parsed;
	/** Resolves what needs the store (e.g. CRM ids through mappings); failures count as bad input. */
	prepare?(deps: SyncDeps, parsed: Parsed[]): Promise<Array<Ready | Failure>>;
	sync(deps: SyncDeps, ready: Ready[]): Promise<Outcome[]>;
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
	const parsed: Parsed[] = [];
	const invalid: Failure[] = [];
	for (let i = 0; i < ctx.getInputData().length; i++) {
		try {
			parsed.push(spec.parse(i));
		} catch (error) {
			if (!(error instanceof InputError)) throw toNodeError(ctx, error, i);
			invalid.push({ itemIndex: i, error });
		}
	}
	if (invalid.length && !ctx.continueOnFail()) return batchOutput(ctx, invalid);

	const client = await getClient(ctx);
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
			if (invalid.length && !ctx.continueOnFail()) return batchOutput(ctx, invalid.sort(byItem));
		}
		const outcomes = await spec.sync(deps, ready);
		await logFailures(ctx, store, client.companyId, outcomes);
		const all = [
			...invalid,
			...outcomes.map(({ itemIndex, error, ...json }) =>
				error === undefined ? { itemIndex, json: { ...json, mkId: json.mkId ?? null } as IDataObject } : { itemIndex, error },
			),
		].sort(byItem);
		return batchOutput(ctx, all);
	} finally {
		await store.close();
	}
}

const byItem = (a: { itemIndex: number }, b: { itemIndex: number }) => a.itemIndex - b.itemIndex;

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
