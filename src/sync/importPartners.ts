import type { DocType, MetakockaClient, Partner } from '../client';
import { changedSince } from '../client';
import type { MappingStore } from '../store';
import { partnerView, syncMarks } from './conflict';
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

/**
 * Metakocka has no partner listing or partner change feed: partners that changed are found through
 * the documents that changed (search with last_change_from), then read with get_partner.
 */
export async function importPartners(
	client: MetakockaClient,
	store: MappingStore,
	options: PartnerImportOptions,
): Promise<{ partners: Array<Partner & { sync: ReturnType<typeof syncMarks> }>; cursor: string; since: string | null }> {
	const startedAt = new Date();
	const cursorKey = partnerImportCursorKey(options.docTypes);
	const saved = (await store.syncState.get(client.companyId, cursorKey)) as { since?: string } | null;
	const since = options.since ?? (saved?.since ? new Date(saved.since) : undefined);
	const ids: string[] = [];
	const seen = new Set<string>();
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
	const partners: Array<Partner & { sync: ReturnType<typeof syncMarks> }> = [];
	const wanted = options.limit ? ids.slice(0, options.limit) : ids;
	const mappings = await store.contacts.getByMkIds(client.companyId, wanted);
	for (const id of wanted) {
		const [partner] = await client.getPartners({ partner_id: id });
		if (!partner) continue;
		const mapping = mappings.get(id);
		// Whether Metakocka changed it since the last sync, and whether a CRM change is waiting.
		partners.push({ ...partner, sync: syncMarks(mapping, partnerView(partner, mapping?.mkSnapshot as Record<string, unknown> | undefined, idsFromMapping(mapping?.extra))) });
	}
	// A limited run must not skip what it did not return: only a full run moves the cursor.
	const complete = !options.limit || ids.length <= options.limit;
	const cursor = complete ? startedAt.toISOString() : (saved?.since ?? '');
	if (complete) await store.syncState.set(client.companyId, cursorKey, { since: cursor });
	return { partners, cursor, since: since ? since.toISOString() : null };
}
