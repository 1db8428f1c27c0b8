// Import: documents changed in Metakocka since the cursor, marked with their sync state.
import type { DocType, MetakockaClient, MkDocument } from '../../client';
import { hasLastChangeFilter, MetakockaError, orderDirectionFor, SEARCH_PAGE_MAX } from '../../client';
import type { MappingStore } from '../../store';
import { documentView, syncMarks } from '../conflict';

export const documentImportCursorKey = (docType: DocType): string => `document_import:${docType}`;

interface ImportCursor {
	/** Start of the last complete run (ISO): changes since then are still to import. */
	since: string | null;
	/** A limited run stopped part way: the next run continues the same sweep here. */
	partial?: { since: string | null; startedAt: string; offset: number; total: number };
}

export interface DocumentImportOptions {
	docType: DocType;
	/** Import changes since this instant; with useCursor, it restarts the cursor from here. */
	since?: Date;
	/** Read and advance the cursor kept in the store (needs store). */
	useCursor: boolean;
	/** Return at most this many; the next run with the cursor continues where this one stopped. */
	limit?: number;
	/** get_document-style flags for the returned documents. */
	flags?: Record<string, boolean>;
}

export interface DocumentImportResult {
	documents: MkDocument[];
	/** The last_change_from used (ISO), null = everything. */
	since: string | null;
	/** Every change up to the run's start was returned: the cursor moved on. */
	complete: boolean;
	searchCalls: number;
	/**
	 * A page failed after others had completed: the run returns the completed pages (the cursor
	 * stops right after them) and this error; the next run continues from there.
	 */
	error?: unknown;
}

/**
 * Documents changed since the cursor, via search + last_change_from, pages of 100 by offset,
 * sorted by mk_id. The cursor moves to the run's start only after a full sweep (Metakocka's filter
 * has second precision, so a document changed right at the cursor may come once more; none is
 * missed). If the result set shrinks while paging (a deletion), the offset steps back so nothing
 * is skipped; repeats within a run are dropped by mk_id.
 */
export async function importDocuments(
	client: MetakockaClient,
	store: MappingStore | undefined,
	options: DocumentImportOptions,
): Promise<DocumentImportResult> {
	const companyId = client.companyId;
	const key = documentImportCursorKey(options.docType);
	if (options.useCursor && !store) throw new Error('importDocuments: useCursor needs the mapping store');
	if (!hasLastChangeFilter(options.docType)) {
		// Without a documented last_change_from, "changed since" cannot be asked for [DOC:search_examples.md].
		throw new MetakockaError({
			code: 'INVALID_INPUT',
			method: 'search',
			description: `Import needs Metakocka's last-change search filter, which is documented for sales orders only (not ${options.docType}); use Search, or the Trigger's change feed for warehouse documents`,
			retryable: false,
		});
	}
	const saved: ImportCursor | undefined = options.useCursor ? await store!.syncState.get<ImportCursor>(companyId, key) : undefined;

	let since: string | null;
	let startedAt: string;
	let offset = 0;
	let lastTotal: number | undefined;
	if (options.since) {
		since = options.since.toISOString();
		startedAt = new Date().toISOString();
	} else if (saved?.partial) {
		({ since, startedAt, offset, total: lastTotal } = saved.partial);
	} else {
		since = saved?.since ?? null;
		startedAt = new Date().toISOString();
	}

	const limit = options.limit;
	const documents: MkDocument[] = [];
	const seen = new Set<string>();
	let searchCalls = 0;
	let complete = false;
	const query_advance = since ? [{ type: 'last_change_from', value: new Date(since) }] : undefined;
	let error: unknown;
	for (;;) {
		if (limit !== undefined && documents.length >= limit) break;
		let page: Awaited<ReturnType<MetakockaClient['search']>>;
		try {
			page = await client.search({
				doc_type: options.docType,
				result_type: 'doc',
				query_advance,
				order_direction: orderDirectionFor(options.docType, 'asc'),
				limit: SEARCH_PAGE_MAX,
				offset,
				flags: options.flags,
			});
		} catch (e) {
			// Nothing to hand on, or no cursor to continue from: the run fails as a whole.
			if (documents.length === 0 || !options.useCursor) throw e;
			error = e;
			break;
		}
		searchCalls++;
		if (lastTotal !== undefined && page.total < lastTotal && offset > 0) {
			// Something before our offset may have gone: step back and read again rather than skip.
			offset = Math.max(0, offset - (lastTotal - page.total));
			lastTotal = page.total;
			continue;
		}
		lastTotal = page.total;
		let taken = 0;
		for (const record of page.records as MkDocument[]) {
			if (limit !== undefined && documents.length >= limit) break;
			taken++;
			if (seen.has(record.mk_id)) continue;
			seen.add(record.mk_id);
			documents.push(record);
		}
		offset += taken;
		if (page.records.length === 0 || (taken === page.records.length && (page.records.length < SEARCH_PAGE_MAX || offset >= page.total))) {
			complete = true;
			break;
		}
	}

	if (options.useCursor) {
		const next: ImportCursor = complete
			? { since: startedAt }
			: { since: saved?.since ?? null, partial: { since, startedAt, offset, total: lastTotal ?? 0 } };
		await store!.syncState.set(companyId, key, next);
	}
	if (store) await markSyncState(store, companyId, options.docType, documents);
	return { documents, since, complete, searchCalls, ...(error === undefined ? {} : { error }) };
}

/** Each imported document says whether Metakocka changed it since the last sync and whether the CRM side did. */
async function markSyncState(store: MappingStore, companyId: string, docType: DocType, documents: MkDocument[]): Promise<void> {
	for (let i = 0; i < documents.length; i += 1000) {
		const batch = documents.slice(i, i + 1000);
		const mappings = await store.salesDocuments.getByMkIds(companyId, batch.map((d) => d.mk_id), { docType });
		for (const d of batch) Object.assign(d, { sync: syncMarks(mappings.get(d.mk_id), documentView(d)) });
	}
}
