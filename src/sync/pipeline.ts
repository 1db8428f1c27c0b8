import type { MetakockaClient } from '../client';
import { DEFAULT_MAX_CONCURRENCY } from '../client';
import type { Mapping, MappingEntity, MappingRepository, MappingStore, MappingUpsert } from '../store';
import { contentHash } from '../store';
import { mapBounded } from './concurrency';
import { checkConflict, mappingAfterConflict, type Conflict, type ConflictPolicy } from './conflict';
import { fieldChanges, knownValues, type FieldChange } from './preview';
import { recordAfterWrite } from './record';

/** What a real Sync did to an item. */
export type SyncStatus = 'created' | 'updated' | 'unchanged' | 'conflict';
/** What a Dry Run says the real Sync would do to an item. */
export type DryRunAction = 'create' | 'adopt' | 'update' | 'unchanged' | 'conflict';

export interface SyncDeps {
	client: MetakockaClient;
	store: MappingStore;
}

export interface SyncItem {
	itemIndex: number;
	crmId: string;
}

type Obj = Record<string, unknown>;

/** The Metakocka record a write goes to: the mapped one, or one adopted by a natural key. */
export interface Target {
	/** '' in a Dry Run for a record an earlier item of the batch would create. */
	mkId: string;
	countCode: string | null;
	extra?: Obj;
	/** Adopted records: what found it, e.g. 'tax number "SI12345678"'. */
	foundBy?: string;
	/** Adopted records, in the shape Sync writes: the "old" side of a Dry Run's changes. */
	view?: Obj;
}

export interface WriteResult {
	status: 'created' | 'updated';
	mkId: string;
	countCode: string | null;
	/** The write's answer was lost and the record was found by lookup instead of being written twice. */
	reconciled?: boolean;
	/** Mapping extra to keep (contact/address ids, the document's partner…). */
	extra?: Obj;
}

/**
 * One synced entity (partner, product, sales document): everything the pipeline needs to know
 * about it. Every function but write() only reads, so a Dry Run can call them.
 */
export interface EntityDescription<I extends SyncItem> {
	/** Mapping table and lock namespace. */
	entity: MappingEntity;
	/** "partner", "product", the document's doc type: named in errors about a written record. */
	what(item: I): string;
	/** What Sync writes and remembers: hashed for the unchanged check, kept as the conflict baseline. */
	content(item: I): unknown;
	/** Stored with the mapping (documents: doc_type). */
	docType?(item: I): string | undefined;
	/** Throws when the mapping cannot take this item at all (a document cannot change its type). */
	checkMapping?(item: I, mapping: Mapping): void;
	/** The mapped record now, in the shape Sync writes; undefined when Metakocka no longer has it. */
	readCurrent(deps: SyncDeps, item: I, mapping: Mapping): Promise<Obj | undefined>;
	/** A mapped record Metakocka no longer has is created again (products) instead of failing. */
	recreatesMissing?: boolean;
	/** Without a mapping: the existing record to adopt (per Match Existing), undefined = create. */
	findExisting(deps: SyncDeps, item: I): Promise<Target | undefined>;
	/** How a later Sync finds the written record without its mapping (for recordAfterWrite's message). */
	adoptBy(item: I): string | undefined;
	/**
	 * Everything the write checks before sending, reads only; throws what the write would hit
	 * (an issued bill cannot be rewritten, a line's product is missing). Runs in both modes; what
	 * it returns is handed to write(). `cache` lives for one run.
	 */
	prepare?(deps: SyncDeps, item: I, target: Target | undefined, mapping: Mapping | undefined, cache: Map<string, unknown>): Promise<unknown>;
	/** The one Metakocka write: update target, or create when there is none. */
	write(deps: SyncDeps, item: I, target: Target | undefined, mapping: Mapping | undefined, prepared: unknown): Promise<WriteResult>;
}

export interface SyncOutcome {
	itemIndex: number;
	crmId: string;
	status?: SyncStatus;
	mkId?: string;
	countCode?: string | null;
	reconciled?: boolean;
	/** No mapping existed; an existing Metakocka record was adopted. */
	matchedExisting?: boolean;
	/** Metakocka changed the record since the last sync: both versions, and what the policy did. */
	conflict?: Conflict;
	error?: unknown;
}

export interface DryRunOutcome {
	itemIndex: number;
	crmId: string;
	dryRun: true;
	status?: DryRunAction;
	/** The record the real run would write to; null for a create. */
	mkId?: string | null;
	countCode?: string | null;
	matchedExisting?: boolean;
	/** adopt: what found the Metakocka record. */
	foundBy?: string | null;
	/** update / adopt: the fields the write would change, Metakocka's value → the CRM's. */
	changes?: FieldChange[];
	conflict?: Conflict;
	error?: unknown;
}

export interface PipelineOptions {
	concurrency?: number;
	/** When Metakocka changed a mapped record since the last sync (default: skip and report). */
	conflictPolicy?: ConflictPolicy;
}

const unchanged = (mapping: Mapping) => ({ status: 'unchanged' as const, mkId: mapping.mkId, countCode: mapping.countCode });

function isUnchanged<I extends SyncItem>(d: EntityDescription<I>, item: I, mapping: Mapping, hash: string): boolean {
	return mapping.contentHash === hash && (d.docType === undefined || mapping.docType === (d.docType(item) ?? ''));
}

/** Items with the same CRM id run one after another, in input order; the rest with bounded concurrency. */
async function inGroups<I extends SyncItem, O extends { error?: unknown }>(
	items: I[],
	concurrency: number,
	initial: (item: I) => O,
	one: (item: I) => Promise<Partial<O>>,
): Promise<O[]> {
	const outcomes = items.map(initial);
	const groups = new Map<string, number[]>();
	items.forEach((item, index) => groups.set(item.crmId, [...(groups.get(item.crmId) ?? []), index]));
	await mapBounded([...groups.values()], concurrency, async (indexes) => {
		for (const index of indexes) {
			try {
				Object.assign(outcomes[index], await one(items[index]));
			} catch (error) {
				outcomes[index].error = error;
			}
		}
	});
	return outcomes;
}

/**
 * The Sync skeleton shared by partners, products and documents: read the batch's mappings in one
 * statement; unchanged items cost nothing; the rest, each under a Postgres advisory lock on
 * (company, CRM id): re-read the mapping, unchanged check, conflict check, adopt or write, and
 * record the mapping right after the write, so no record is ever created twice.
 */
export async function runPipeline<I extends SyncItem>(
	deps: SyncDeps,
	d: EntityDescription<I>,
	items: I[],
	options: PipelineOptions = {},
): Promise<SyncOutcome[]> {
	const { client, store } = deps;
	const repo = store.mappings(d.entity);
	const companyId = client.companyId;
	const policy = options.conflictPolicy ?? 'skip';
	const cache = new Map<string, unknown>();
	const known = await repo.getByCrmIds(companyId, [...new Set(items.map((i) => i.crmId))]);
	const first = new Set<string>();
	return await inGroups<I, SyncOutcome>(items, options.concurrency ?? DEFAULT_MAX_CONCURRENCY, (i) => ({ itemIndex: i.itemIndex, crmId: i.crmId }), async (item) => {
		const content = d.content(item);
		const hash = contentHash(content);
		// The batch read answers the first item of each CRM id without a lock when nothing is to do.
		const seen = first.has(item.crmId);
		first.add(item.crmId);
		const early = seen ? undefined : known.get(item.crmId);
		if (early) d.checkMapping?.(item, early);
		if (early && isUnchanged(d, item, early, hash)) return { ...unchanged(early), reconciled: false, matchedExisting: false };
		return await store.withLocks(companyId, d.entity, [item.crmId], async () => {
			// Read again under the lock: another worker may have synced this record meanwhile.
			const mapping = (await repo.getByCrmIds(companyId, [item.crmId])).get(item.crmId);
			if (mapping) d.checkMapping?.(item, mapping);
			if (mapping && isUnchanged(d, item, mapping, hash)) return { ...unchanged(mapping), reconciled: false, matchedExisting: false };
			let conflict: Conflict | undefined;
			if (mapping) {
				const decision = await checkConflict(mapping, content, policy, () => d.readCurrent(deps, item, mapping));
				conflict = decision.conflict;
				if (!decision.write) {
					await repo.upsertMany(companyId, [mappingAfterConflict(mapping, decision.conflict, hash)]);
					return { status: 'conflict' as const, mkId: mapping.mkId, countCode: mapping.countCode, reconciled: false, matchedExisting: false, conflict };
				}
			}
			const target = mapping ? mappedTarget(mapping) : await d.findExisting(deps, item);
			const prepared = await d.prepare?.(deps, item, target, mapping, cache);
			const result = await d.write(deps, item, target, mapping, prepared);
			await recordAfterWrite({ what: d.what(item), mkId: result.mkId, adoptBy: d.adoptBy(item) }, () =>
				repo.upsertMany(companyId, [mappingAfterWrite(d, item, result, hash, content)]),
			);
			return {
				status: result.status,
				mkId: result.mkId,
				countCode: result.countCode,
				reconciled: result.reconciled ?? false,
				matchedExisting: !mapping && target !== undefined && result.status === 'updated',
				conflict,
			};
		});
	});
}

const asMapping = (item: SyncItem, target: Target): Mapping =>
	({ crmId: item.crmId, mkId: target.mkId, countCode: target.countCode, extra: target.extra ?? {}, mkSnapshot: null, contentHash: null }) as unknown as Mapping;

const mappedTarget = (mapping: Mapping): Target => ({ mkId: mapping.mkId, countCode: mapping.countCode, extra: mapping.extra ?? undefined });

function mappingAfterWrite<I extends SyncItem>(d: EntityDescription<I>, item: I, result: WriteResult, hash: string, content: unknown): MappingUpsert {
	return {
		crmId: item.crmId,
		mkId: result.mkId,
		docType: d.docType?.(item),
		countCode: result.countCode,
		contentHash: hash,
		mkSnapshot: content,
		extra: result.extra,
	};
}

/**
 * Dry Run: the same decisions as runPipeline from the same reads (mappings in one statement, the
 * conflict read, adoption lookups, the write's own checks), and no write at all: no Metakocka
 * write, no mapping, no lock, no error log. Items with the same CRM id see what the earlier ones
 * would have recorded.
 */
export async function previewPipeline<I extends SyncItem>(
	deps: SyncDeps,
	d: EntityDescription<I>,
	items: I[],
	options: PipelineOptions = {},
): Promise<DryRunOutcome[]> {
	const { client, store } = deps;
	const repo: MappingRepository = store.mappings(d.entity);
	const policy = options.conflictPolicy ?? 'skip';
	const cache = new Map<string, unknown>();
	const known = await repo.getByCrmIds(client.companyId, [...new Set(items.map((i) => i.crmId))]);
	// What the real run would have recorded for earlier items of the batch.
	const planned = new Map<string, Mapping>();
	const base = (item: I): DryRunOutcome => ({ itemIndex: item.itemIndex, crmId: item.crmId, dryRun: true });
	return await inGroups<I, DryRunOutcome>(items, options.concurrency ?? DEFAULT_MAX_CONCURRENCY, base, async (item) => {
		const content = d.content(item);
		const hash = contentHash(content);
		const mapping = planned.get(item.crmId) ?? known.get(item.crmId);
		const none = { matchedExisting: false, foundBy: null, changes: [], conflict: undefined };
		if (mapping) d.checkMapping?.(item, mapping);
		if (mapping && isUnchanged(d, item, mapping, hash)) return { ...none, ...unchanged(mapping) };
		const simulated = planned.has(item.crmId);
		let conflict: Conflict | undefined;
		let current: Obj | undefined;
		if (mapping && !simulated) {
			let read = false;
			const decision = await checkConflict(mapping, content, policy, async () => {
				read = true;
				current = await d.readCurrent(deps, item, mapping);
				return current;
			});
			if (!read) current = await d.readCurrent(deps, item, mapping);
			conflict = decision.conflict;
			if (!decision.write) {
				planned.set(item.crmId, { ...mapping, ...mappingAfterConflict(mapping, decision.conflict, hash) } as Mapping);
				return { ...none, status: 'conflict' as const, mkId: mapping.mkId, countCode: mapping.countCode, conflict };
			}
		}
		const gone = mapping && !simulated && current === undefined && d.recreatesMissing;
		const target = mapping && !gone ? mappedTarget(mapping) : mapping ? undefined : await d.findExisting(deps, item);
		await d.prepare?.(deps, item, target, mapping, cache);
		const after = (mkId: string | null, countCode: string | null) =>
			planned.set(item.crmId, { crmId: item.crmId, mkId: mkId ?? '', countCode, contentHash: hash, mkSnapshot: content, docType: d.docType?.(item) ?? '', extra: target?.extra ?? {} } as Mapping);
		if (!target) {
			after(null, null);
			return { ...none, status: 'create' as const, mkId: null, countCode: null };
		}
		after(target.mkId, target.countCode);
		// An adopted record's "old" side: as findExisting saw it, or read like a mapped one.
		const old = mapping ? knownValues(mapping.mkSnapshot ?? undefined, current) : (target.view ?? (await d.readCurrent(deps, item, asMapping(item, target))));
		return {
			...none,
			status: mapping ? ('update' as const) : ('adopt' as const),
			// '' = created earlier in this batch: its mk_id exists only after the real run.
			mkId: target.mkId || null,
			countCode: target.countCode,
			matchedExisting: !mapping,
			foundBy: target.foundBy ?? null,
			changes: fieldChanges(old, content),
			conflict,
		};
	});
}
