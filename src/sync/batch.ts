import type { Mapping } from '../store';
import { mapBounded } from './concurrency';

export interface SyncItem {
	itemIndex: number;
	crmId: string;
}

export interface SyncOutcomeBase {
	itemIndex: number;
	crmId: string;
	error?: unknown;
}

export interface BatchSteps<I extends SyncItem, O extends SyncOutcomeBase> {
	/** The mappings of the batch's CRM ids, read in one statement before anything else. */
	known: Map<string, Mapping>;
	/** True when the mapping says this item was last written exactly as it is now. */
	isUnchanged(item: I, mapping: Mapping): boolean;
	/** Writes one changed or new item (under its own lock); its answer is merged into the outcome. */
	syncOne(item: I): Promise<Partial<O>>;
	concurrency?: number;
}

/** The outcome of an item whose content matches its last write: no Metakocka call at all. */
export const unchangedOutcome = (mapping: Mapping) => ({
	status: 'unchanged' as const,
	mkId: mapping.mkId,
	countCode: mapping.countCode,
	reconciled: false,
	matchedExisting: false,
});

/**
 * What every Sync shares: unchanged items cost nothing, the rest are written with bounded
 * concurrency, items with the same CRM id run one after another in input order, and a failure
 * stays on its own item.
 */
export async function syncBatch<I extends SyncItem, O extends SyncOutcomeBase>(
	items: I[],
	initial: (item: I) => O,
	steps: BatchSteps<I, O>,
): Promise<O[]> {
	const outcomes = items.map(initial);
	const groups = new Map<string, number[]>();
	items.forEach((item, index) => {
		const mapping = steps.known.get(item.crmId);
		if (mapping && steps.isUnchanged(item, mapping)) Object.assign(outcomes[index], unchangedOutcome(mapping));
		else groups.set(item.crmId, [...(groups.get(item.crmId) ?? []), index]);
	});
	await mapBounded([...groups.values()], steps.concurrency ?? 4, async (indexes) => {
		for (const index of indexes) {
			try {
				Object.assign(outcomes[index], await steps.syncOne(items[index]));
			} catch (error) {
				outcomes[index].error = error;
			}
		}
	});
	return outcomes;
}
