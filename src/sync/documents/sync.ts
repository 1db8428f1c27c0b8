// Sync: CRM document → Metakocka document, never twice, on the shared pipeline.
import type { DocType, DocumentInput, MetakockaClient, MkDocument } from '../../client';
import { DOC_TYPE_INFO, MetakockaError, orderDirectionFor, SEARCH_PAGE_MAX } from '../../client';
import { InputError } from '../../input';
import { contentHash } from '../../store';
import { documentView } from '../conflict';
import { compact } from '../fields';
import {
	previewPipeline,
	runPipeline,
	type DryRunOutcome,
	type EntityDescription,
	type PipelineOptions,
	type SyncDeps,
	type SyncOutcome,
	type Target,
} from '../pipeline';
import { prepareForWrite, type ProductCheckCache, type ResolvedDocument } from './resolve';

export type DocumentSyncOutcome = SyncOutcome & { docType?: DocType };

export type DocumentMatchExisting = 'naturalKey' | 'none';

export interface DocumentSyncOptions extends PipelineOptions {
	/** For a document without a mapping: adopt the Metakocka document with its count_code / buyer_order. Default naturalKey. */
	matchExisting?: DocumentMatchExisting;
}

type Deps = SyncDeps;

/** A bill's content without the one field Metakocka lets us change on it. */
function withoutStatus(body: unknown): unknown {
	if (!body || typeof body !== 'object') return body;
	const rest: Record<string, unknown> = { ...(body as Record<string, unknown>) };
	delete rest.status_code;
	return rest;
}

async function findByNaturalKey(client: MetakockaClient, body: DocumentInput): Promise<Target | undefined> {
	const countCode = body.count_code && !body.count_code.startsWith('COUNT_CODE_SELECT') ? body.count_code : undefined;
	if (countCode) {
		const hits: Array<{ mk_id: string; count_code?: string }> = [];
		for (let offset = 0, pages = 0; pages < 5; pages++) {
			const page = await client.search({ doc_type: body.doc_type, query: countCode, order_direction: orderDirectionFor(body.doc_type, 'desc'), limit: SEARCH_PAGE_MAX, offset });
			hits.push(...page.records.filter((r) => r.count_code === countCode).map((r) => ({ mk_id: r.mk_id, count_code: r.count_code })));
			offset += page.records.length;
			if (page.records.length === 0 || offset >= page.total) break;
		}
		if (hits.length > 1) {
			throw new MetakockaError({
				code: 'AMBIGUOUS_MATCH',
				method: 'search',
				description: `${hits.length} ${body.doc_type} documents have count_code "${countCode}" (mk_id ${hits.map((h) => h.mk_id).join(', ')}); link one by hand or set "Match Existing Documents" to None`,
				retryable: false,
			});
		}
		if (hits[0]) return { mkId: hits[0].mk_id, countCode: hits[0].count_code ?? countCode, foundBy: `count code "${countCode}"` };
	}
	if (body.doc_type === 'sales_order' && body.buyer_order) {
		const found = await client.getDocument('sales_order', { buyer_order: body.buyer_order });
		if (found?.mk_id) return { mkId: found.mk_id, countCode: found.count_code ?? null, foundBy: `buyer order "${body.buyer_order}"`, view: documentView(found) };
	}
	return undefined;
}

/**
 * The status key of a document as read: status_desc since 12.8.2025 (status_code is then the label),
 * status_code before [DOC:documents_get_document_sales_order.md]. No key read = no status to keep.
 */
async function currentStatus(found: MkDocument | null, doc: ResolvedDocument, mkId: string): Promise<string | undefined> {
	if (!found) {
		throw new MetakockaError({
			code: 'NOT_FOUND',
			method: 'get_document',
			description: `${doc.docType} ${mkId} (mapped to CRM document "${doc.crmId}") is not in Metakocka any more; nothing was written`,
			retryable: false,
		});
	}
	const read = found as Record<string, unknown>;
	const key = typeof read.status_desc === 'string' ? read.status_desc : typeof read.status_code === 'string' ? read.status_code : undefined;
	return key?.trim() || undefined;
}

/** What findByNaturalKey would adopt this document by, when its mapping is missing. */
function adoptKey(body: DocumentInput, how: DocumentMatchExisting): string | undefined {
	if (how === 'none') return undefined;
	if (body.count_code && !body.count_code.startsWith('COUNT_CODE_SELECT')) return `count code "${body.count_code}"`;
	if (body.doc_type === 'sales_order' && body.buyer_order) return `buyer order "${body.buyer_order}"`;
	return undefined;
}

type SyncedDocument = ResolvedDocument & { crmId: string };

/**
 * How Sync writes a document: mapped → put_document with mk_id (replace); not mapped → adopt by
 * count_code / buyer_order, or put_document without mk_id, whose lost answer the client reconciles
 * by them. Issued bills can't be rewritten: only a status change goes through.
 */
export function documentEntity(matchExisting: DocumentMatchExisting = 'naturalKey'): EntityDescription<SyncedDocument> {
	// get_document of an item's target, read at most once (conflict check, status to keep on a replace).
	const reads = new WeakMap<SyncedDocument, Promise<MkDocument | null>>();
	const read = (client: MetakockaClient, doc: SyncedDocument, mkId: string) => {
		let found = reads.get(doc);
		if (!found) reads.set(doc, (found = client.getDocument(doc.docType, { mk_id: mkId })));
		return found;
	};
	return {
		entity: 'sales_document',
		what: (doc) => doc.docType,
		content: (doc) => doc.body,
		docType: (doc) => doc.docType,
		checkMapping: (doc, mapping) => {
			if (mapping.docType !== doc.docType) {
				throw new InputError(
					doc.itemIndex,
					'doc_type',
					`is ${doc.docType}, but CRM document "${doc.crmId}" is already synced as ${mapping.docType} ${mapping.countCode ?? mapping.mkId}; a document cannot change its type`,
				);
			}
		},
		readCurrent: async ({ client }, doc, mapping) => {
			const current = await read(client, doc, mapping.mkId);
			return current ? documentView(current) : undefined;
		},
		findExisting: async ({ client }, doc) => (matchExisting === 'naturalKey' ? await findByNaturalKey(client, doc.body) : undefined),
		adoptBy: (doc) => adoptKey(doc.body, matchExisting),
		prepare: async ({ client }, doc, target, mapping, cache) => {
			if (target && DOC_TYPE_INFO[doc.docType].update === 'status') {
				const snapshot = mapping?.mkSnapshot ?? undefined;
				const onlyStatus = snapshot !== undefined && contentHash(withoutStatus(snapshot)) === contentHash(withoutStatus(doc.body));
				if (!onlyStatus) {
					throw new MetakockaError({
						code: 'BILL_NOT_REWRITABLE',
						method: 'put_document',
						description:
							`${doc.docType} ${target.countCode ?? target.mkId} (mk_id ${target.mkId}) for CRM document "${doc.crmId}" is already issued; ` +
							'Metakocka cannot rewrite a bill through the API, only change its status. Issue a credit note or change it in Metakocka.',
						retryable: false,
					});
				}
				return undefined;
			}
			const body = await prepareForWrite(client, doc, cache as ProductCheckCache);
			// (A Dry Run's target created earlier in the batch has no mk_id yet: nothing to read.)
			if (target?.mkId && body.status_code === undefined) {
				// put_document with mk_id replaces the whole document, statuses included [DOC:documents_concept.md]:
				// keep the status Metakocka has, or the rewrite would clear it.
				const status = await currentStatus(await read(client, doc, target.mkId), doc, target.mkId);
				if (status) body.status_code = status;
			}
			return body;
		},
		write: async ({ client }, doc, target, mapping, prepared) => {
			const extra = (partnerMkId?: string) => compact({ buyer_order: doc.body.buyer_order, partner_mk_id: partnerMkId });
			if (target && DOC_TYPE_INFO[doc.docType].update === 'status') {
				// An absent status is no instruction: status_code "" would clear the bill's status [DOC].
				if (doc.body.status_code !== undefined) await client.updateDocument(doc.docType, { mk_id: target.mkId, status_code: doc.body.status_code });
				return { status: 'updated', mkId: target.mkId, countCode: target.countCode, extra: extra(mapping?.extra?.partner_mk_id as string | undefined) };
			}
			const body = prepared as DocumentInput;
			if (target) {
				// Inline partner data makes Metakocka add a partner on every write; an unchanged one keeps
				// the partner the document already has (a changed one switches, as documented).
				const previous = mapping?.extra?.partner_mk_id as string | undefined;
				const inline = body.partner && !body.partner.mk_id ? body.partner : undefined;
				const samePartner = inline && previous && contentHash((mapping?.mkSnapshot as DocumentInput | null)?.partner) === contentHash(inline);
				if (samePartner) body.partner = { ...inline, mk_id: previous };
				const { result } = await client.putDocument({ ...body, mk_id: target.mkId });
				const countCode = result.count_code ?? target.countCode ?? null;
				return { status: 'updated', mkId: target.mkId, countCode, extra: extra(inline ? (result.partner?.mk_id ?? (samePartner ? previous : undefined)) : undefined) };
			}
			const { result, reconciled } = await client.putDocument(body);
			const countCode = result.count_code ?? body.count_code ?? null;
			return { status: 'created', mkId: result.mk_id, countCode, reconciled, extra: extra(body.partner && !body.partner.mk_id ? result.partner?.mk_id : undefined) };
		},
	};
}

function requireCrmIds(docs: ResolvedDocument[]): SyncedDocument[] {
	const missingId = docs.findIndex((d) => !d.crmId);
	if (missingId >= 0) throw new InputError(docs[missingId].itemIndex, 'crmId', 'is required for sync');
	return docs as SyncedDocument[];
}

/**
 * CRM document → Metakocka document, never twice. Unchanged documents (same hash as the last
 * write) cost no Metakocka call; each write runs under a Postgres advisory lock on (company, CRM id)
 * and the mapping is recorded right after it.
 */
export async function syncDocuments(deps: Deps, docs: ResolvedDocument[], options: DocumentSyncOptions = {}): Promise<DocumentSyncOutcome[]> {
	const outcomes = await runPipeline(deps, documentEntity(options.matchExisting), requireCrmIds(docs), options);
	return outcomes.map((o, i) => ({ ...o, docType: docs[i].docType }));
}

/** Dry Run of syncDocuments: what it would do to each document, from the same reads, without a write. */
export async function previewDocuments(deps: Deps, docs: ResolvedDocument[], options: DocumentSyncOptions = {}): Promise<DryRunOutcome[]> {
	const outcomes = await previewPipeline(deps, documentEntity(options.matchExisting), requireCrmIds(docs), options);
	return outcomes.map((o, i) => ({ ...o, docType: docs[i].docType }));
}
