// CRM ids → Metakocka ids through the mappings, and the reads a document write makes first.
import type { DocType, DocumentInput, DocumentLineInput, MetakockaClient } from '../../client';
import { InputError } from '../../input';
import type { Mapping, MappingStore } from '../../store';
import { compact } from '../fields';
import type { DocumentFields, DocumentLine } from './input';

export interface ResolvedDocument {
	itemIndex: number;
	crmId?: string;
	docType: DocType;
	/** The put_document body (without mk_id), as hashed and stored in the mapping. */
	body: DocumentInput;
}

export function toLine(line: DocumentLine, product?: Mapping): DocumentLineInput {
	const out: DocumentLineInput = { ...line };
	delete out.productCrmId;
	if (product) {
		// count_code is the stable key; mk_id alone is reportedly "not found" on some accounts.
		const code = (product.extra?.code ?? (product.mkSnapshot as { code?: unknown } | null)?.code) as string | undefined;
		if (product.countCode) out.count_code = product.countCode;
		else if (code) out.code = code;
		else out.mk_id = product.mkId;
	}
	return compact(out);
}

/**
 * Turns validated CRM documents into put_document bodies: CRM contact and product ids become
 * Metakocka ids through the mappings (Postgres only, no Metakocka call). A missing mapping is an
 * InputError naming the item and field.
 */
export async function resolveDocuments(
	store: MappingStore | undefined,
	companyId: string,
	docs: Array<{ itemIndex: number; doc: DocumentFields }>,
): Promise<Array<ResolvedDocument | { itemIndex: number; error: InputError }>> {
	const contactIds = [...new Set(docs.map((d) => d.doc.partnerCrmId).filter((v): v is string => !!v))];
	const productIds = [...new Set(docs.flatMap((d) => d.doc.lines.map((l) => l.productCrmId)).filter((v): v is string => !!v))];
	const needsStore = contactIds.length > 0 || productIds.length > 0;
	const contacts = store && contactIds.length ? await store.contacts.getByCrmIds(companyId, contactIds) : new Map<string, Mapping>();
	const products = store && productIds.length ? await store.products.getByCrmIds(companyId, productIds) : new Map<string, Mapping>();

	const resolveOne = (itemIndex: number, doc: DocumentFields): ResolvedDocument | InputError => {
		if (needsStore && !store) {
			const field = doc.partnerCrmId ? 'partnerCrmId' : `lines.${doc.lines.findIndex((l) => l.productCrmId)}.productCrmId`;
			return new InputError(itemIndex, field, 'needs the mapping store: CRM IDs are resolved by the Sync operation only');
		}
		let partner = doc.partner;
		if (doc.partnerCrmId) {
			const m = contacts.get(doc.partnerCrmId);
			if (!m) {
				return new InputError(itemIndex, 'partnerCrmId', `has no Metakocka partner mapped to CRM contact "${doc.partnerCrmId}"; sync the contact first`);
			}
			partner = compact({ mk_id: m.mkId, mk_address_id: m.extra?.mk_address_id as string | undefined });
		}
		const lines: DocumentLineInput[] = [];
		for (const [n, line] of doc.lines.entries()) {
			const m = line.productCrmId ? products.get(line.productCrmId) : undefined;
			if (line.productCrmId && !m) {
				return new InputError(
					itemIndex,
					`lines.${n}.productCrmId`,
					`has no Metakocka product mapped to CRM product "${line.productCrmId}" (line ${n + 1}); sync the product first`,
				);
			}
			lines.push(toLine(line, m));
		}
		const head: Record<string, unknown> = { ...doc, partner };
		for (const key of ['crmId', 'partnerCrmId', 'lines']) delete head[key];
		const body = compact(head) as DocumentInput;
		body.product_list = lines;
		return { itemIndex, crmId: doc.crmId, docType: doc.doc_type, body };
	};
	return docs.map(({ itemIndex, doc }) => {
		const r = resolveOne(itemIndex, doc);
		return r instanceof InputError ? { itemIndex, error: r } : r;
	});
}

/** Per-run cache of "does this product exist", so a batch checks each code once. */
export type ProductCheckCache = Map<string, Promise<boolean>>;

/**
 * Checks before the write what put_document would otherwise find half way: lines whose product is
 * not in Metakocka (it would fail after creating an inline partner) and a partner given by mk_id
 * alone (rejected: it needs mk_address_id, looked up here). Lines with `unit` may create their
 * product, as Metakocka documents, so they are not checked.
 */
export async function prepareForWrite(
	client: MetakockaClient,
	doc: ResolvedDocument,
	cache: ProductCheckCache = new Map(),
): Promise<DocumentInput> {
	const body: DocumentInput = { ...doc.body };
	const lines = body.product_list ?? [];
	for (const [n, line] of lines.entries()) {
		if (line.unit || (!line.code && !line.count_code)) continue;
		const key = line.count_code ? `count_code:${line.count_code}` : `code:${line.code}`;
		let check = cache.get(key);
		if (!check) {
			check = client.getProduct(line.count_code ? { count_code: line.count_code } : { code: line.code }).then((p) => p !== null);
			cache.set(key, check);
		}
		if (!(await check)) {
			const field = line.count_code ? 'count_code' : 'code';
			throw new InputError(
				doc.itemIndex,
				`lines.${n}.${field}`,
				`names product "${line.count_code ?? line.code}" (line ${n + 1}), which is not in Metakocka; nothing was written for this item`,
			);
		}
	}
	const partner = body.partner;
	if (partner?.mk_id && !partner.mk_address_id) {
		const [found] = await client.getPartners({ partner_id: partner.mk_id });
		if (!found) throw new InputError(doc.itemIndex, 'partner', `names Metakocka partner ${partner.mk_id}, which does not exist`);
		const addressId = found.partner_contact_list?.[0]?.mk_address_id ?? found.partner_delivery_address_list?.[0]?.mk_id;
		body.partner = addressId ? { ...partner, mk_address_id: addressId } : { ...partner, street: found.street, post_number: found.post_number, place: found.place };
	}
	return body;
}

/** Creates one document (no mapping); a lost answer is reconciled by count_code / buyer_order. */
export async function createDocument(client: MetakockaClient, doc: ResolvedDocument, cache?: ProductCheckCache) {
	const body = await prepareForWrite(client, doc, cache);
	const { result, reconciled } = await client.putDocument(body);
	return { mkId: result.mk_id, countCode: result.count_code ?? doc.body.count_code ?? null, reconciled, result };
}
