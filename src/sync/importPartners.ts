import type { DocType, MetakockaClient, Partner } from '../client';
import { changedSince } from '../client';
import type { MappingStore } from '../store';
import { settle } from '../client/errors';
import { partnerView, syncMarks } from './conflict';
import { mapBounded } from './concurrency';
import { idsFromMapping } from './partners';

/**
 * The cursor says "every partner on documents of these types changed before …": it is only valid
 * for the same set of document types, so each set keeps its own (a run over invoices alone must
 * not move the cursor a run over orders reads).
 */
export function partnerImportCursorKey(docTypes: readonly string[]): string {
	return `partner_import:${[...new Set(docTypes)].sort().join(',')}`;
}

export interface PartnerImportOptions {
	/** Import changes since this date; without it, since the last import's cursor (or everything). */
	since?: Date;
	docTypes: DocType[];
	limit?: number;
}

interface PartnerImportCursor {
	/** Start of the last complete sweep (ISO): partners on documents changed since then are still to import. */
	since?: string;
	/**
	 * A bounded run (Max Records per Run) stopped part way: the sweep over `since` continues, and
	 * the partners already returned by it are not returned again.
	 */
	partial?: { since: string | null; startedAt: string; done: string[] };
}

/** get_partner calls of one run in flight at once (the client's shared adaptive limit applies too). */
const READ_CONCURRENCY = 16;

/**
 * Metakocka has no partner listing or partner change feed: partners that changed are found through
 * the documents that changed (search with last_change_from), then read with get_partner. With a
 * limit, a run returns at most that many and the next run continues the same sweep (the ids it
 * already returned are kept with the cursor); a read that fails ends the run with the partners read
 * before it, and the next run starts with the one that failed.
 */
export async function importPartners(
	client: MetakockaClient,
	store: MappingStore,
	options: PartnerImportOptions,
): Promise<{ partners: Array<Partner & { sync: ReturnType<typeof syncMarks> }>; cursor: string; since: string | null; complete: boolean; error?: unknown }> {
	const cursorKey = partnerImportCursorKey(options.docTypes);
	const saved = ((await store.syncState.get(client.companyId, cursorKey)) ?? {}) as PartnerImportCursor;
	// A fixed date starts its own sweep: it does not continue a bounded one (a full run still moves the cursor).
	const partial = options.since ? undefined : saved.partial;
	const startedAt = partial?.startedAt ?? new Date().toISOString();
	const sinceIso = options.since ? options.since.toISOString() : partial ? partial.since : (saved.since ?? null);
	const since = sinceIso ? new Date(sinceIso) : undefined;
	const done = new Set(partial?.done ?? []);
	const ids: string[] = [];
	const seen = new Set<string>(done);
	for (const docType of options.docTypes) {
		const query_advance = since ? [changedSince(since)] : [];
		for await (const doc of client.iterateSearch({ doc_type: docType, query_advance, result_type: 'doc' })) {
			const partnerId = (doc as { partner?: { mk_id?: string } }).partner?.mk_id;
			if (partnerId && !seen.has(partnerId)) {
				seen.add(partnerId);
				ids.push(partnerId);
			}
		}
	}
	const wanted = options.limit ? ids.slice(0, options.limit) : ids;
	const mappings = await store.contacts.getByMkIds(client.companyId, wanted);
	const reads = await mapBounded(wanted, READ_CONCURRENCY, (id) => settle(() => client.getPartners({ partner_id: id })));
	const partners: Array<Partner & { sync: ReturnType<typeof syncMarks> }> = [];
	let error: unknown;
	let taken = 0;
	for (const [i, id] of wanted.entries()) {
		const read = reads[i];
		if (!read.ok) {
			// Everything from the first failure on comes again with the next run.
			if (partners.length === 0 && taken === 0) throw read.error;
			error = read.error;
			break;
		}
		taken++;
		done.add(id);
		const [partner] = read.value;
		if (!partner) continue;
		const mapping = mappings.get(id);
		// Whether Metakocka changed it since the last sync, and whether a CRM change is waiting.
		partners.push(Object.assign(partner, { sync: syncMarks(mapping, partnerView(partner, mapping?.mkSnapshot as Record<string, unknown> | undefined, idsFromMapping(mapping?.extra))) }));
	}
	const complete = error === undefined && taken === ids.length;
	if (!options.since) {
		const next: PartnerImportCursor = complete ? { since: startedAt } : { since: saved.since, partial: { since: sinceIso, startedAt, done: [...done] } };
		await store.syncState.set(client.companyId, cursorKey, next);
	} else if (complete) {
		// A full run from a date covers everything since then: the next Last Import starts here.
		await store.syncState.set(client.companyId, cursorKey, { since: startedAt });
	}
	return { partners, cursor: complete ? startedAt : (saved.since ?? ''), since: sinceIso, complete, ...(error === undefined ? {} : { error }) };
}
