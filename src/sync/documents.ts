import { z } from 'zod';

import type { DocType, DocumentInput, DocumentLineInput, MetakockaClient, MkDocument, PartnerInput } from '../client';
import { DOC_TYPE_INFO, DOC_TYPES, formatMkDate, hasLastChangeFilter, MetakockaError, orderDirectionFor, parseMkNumber, PUT_DOC_TYPES, SEARCH_PAGE_MAX, unsupportedUpdateFields } from '../client';
import { InputError, parseItem } from '../input';
import type { Mapping, MappingStore } from '../store';
import { contentHash } from '../store';
import { syncBatch, unchangedOutcome } from './batch';
import { checkConflict, documentView, mappingAfterConflict, syncMarks, type Conflict, type ConflictPolicy } from './conflict';
import { crmId, text } from './fields';
import { compact, partnerInputSchema, type SyncStatus } from './partners';
import { recordAfterWrite } from './record';

// ---------------------------------------------------------------- input schema

/** "1,5", "1.895,01", 2 → number; Metakocka and Slovenian CRMs write decimal commas. */
const mkNumber = z
	.union([z.number(), z.string()], { required_error: 'Is required', invalid_type_error: 'Must be a number' })
	.transform((value, ctx) => {
		const n = parseMkNumber(value);
		if (n === undefined) {
			ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'Must be a number' });
			return z.NEVER;
		}
		return n;
	});

/** Empty strings from unmapped n8n fields mean "not given". */
const blankToUndefined = (v: unknown) => (v === '' || v === null ? undefined : v);
const optionalNumber = z.preprocess(blankToUndefined, mkNumber.optional());

/** Percent, possibly chained "10;20" as Metakocka documents it. */
const discount = z.preprocess(
	blankToUndefined,
	z
		.union([z.number(), z.string()])
		.transform((value, ctx) => {
			const parts = String(value).split(';').map((p) => parseMkNumber(p));
			if (parts.some((p) => p === undefined || p < 0 || p > 100)) {
				ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'Must be a percent (0-100), or several separated by ";" (e.g. 10;20)' });
				return z.NEVER;
			}
			return parts.join(';');
		})
		.optional(),
);

/** Dates: Date, Luxon DateTime (n8n's $now), ISO or dd.mm.yyyy → Metakocka's 'YYYY-MM-DD+02:00'. */
const mkDate = z.unknown().transform((value, ctx) => {
	let v = value;
	if (v && typeof v === 'object' && typeof (v as { toJSDate?: unknown }).toJSDate === 'function') {
		v = (v as { toJSDate: () => Date }).toJSDate();
	}
	if (v === undefined || v === null || v === '') {
		ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'Is required (YYYY-MM-DD or dd.mm.yyyy)' });
		return z.NEVER;
	}
	try {
		if (v instanceof Date || typeof v === 'string') return formatMkDate(v);
	} catch {
		// reported below
	}
	// "2026-02-30" has the right form but is no day: say that rather than repeat the formats.
	const wellFormed = typeof v === 'string' && /^\s*(\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4})\b/.test(v);
	ctx.addIssue({ code: z.ZodIssueCode.custom, message: wellFormed ? 'Is not a day in the calendar' : 'Must be a date as YYYY-MM-DD, dd.mm.yyyy or an ISO timestamp' });
	return z.NEVER;
});

export const docTypeSchema = z
	.string({ required_error: 'Is required', invalid_type_error: 'Must be text' })
	.refine((v): v is DocType => (DOC_TYPES as readonly string[]).includes(v), { message: `Must be one of ${DOC_TYPES.join(', ')}` });

/** A type put_document creates (purchase_bill_prepaid is get-only in the docs). */
const putDocTypeSchema = docTypeSchema.refine((v) => (PUT_DOC_TYPES as readonly string[]).includes(v), {
	message: `Must be one of ${PUT_DOC_TYPES.join(', ')}: Metakocka documents no put_document for the others`,
});

/** 'YYYY-MM-DD+02:00' + days, same literal form. */
function addDays(mkDate: string, days: number): string {
	const day = new Date(`${mkDate.slice(0, 10)}T12:00:00Z`);
	day.setUTCDate(day.getUTCDate() + Math.round(days));
	return formatMkDate(day.toISOString().slice(0, 10));
}

/** Display names of the head fields as the node shows them, for errors on a missing one. */
const HEAD_LABELS: Record<string, string> = {
	service_to_date: 'service_to_date (Service Date)',
	duo_payment: 'duo_payment (Payment Due Date, or Payment Due (Days))',
	receive_date: 'receive_date (Receive Date)',
};

export const documentLineSchema = z
	.object({
		code: z.preprocess(blankToUndefined, text(50)),
		count_code: z.preprocess(blankToUndefined, text(30)),
		/** The product's id in the CRM, resolved through the product mappings. */
		productCrmId: z.preprocess(blankToUndefined, crmId.optional()),
		amount: mkNumber,
		price: optionalNumber,
		price_with_tax: optionalNumber,
		tax: z.preprocess(blankToUndefined, text(20)),
		tax_factor: optionalNumber,
		discount,
		name: z.preprocess(blankToUndefined, text(200)),
		doc_desc: z.preprocess(blankToUndefined, text(700)),
		unit: z.preprocess(blankToUndefined, text(20)),
	})
	.strict()
	.superRefine((line, ctx) => {
		const refs = [line.code, line.count_code, line.productCrmId].filter((v) => v !== undefined).length;
		if (refs !== 1) {
			ctx.addIssue({
				code: z.ZodIssueCode.custom,
				path: ['code'],
				message: refs ? 'Give only one of code, count_code or productCrmId' : 'Is required: give the product code, count_code or productCrmId',
			});
		}
		if ((line.price === undefined) === (line.price_with_tax === undefined)) {
			ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['price'], message: 'Give exactly one of price (net) or price_with_tax', params: { oneOf: ['price', 'price_with_tax'] } });
		}
		if ((line.tax === undefined) === (line.tax_factor === undefined)) {
			ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['tax'], message: 'Give exactly one of tax (code, e.g. EX4) or tax_factor (e.g. 0.22)', params: { oneOf: ['tax', 'tax_factor'] } });
		}
	});

export type DocumentLine = z.output<typeof documentLineSchema>;

/** A partner by its Metakocka id; mk_address_id is looked up when missing (Metakocka rejects mk_id alone). */
const partnerRefSchema = z
	.object({ mk_id: z.union([z.string(), z.number()]).transform(String).pipe(z.string().regex(/^\d+$/, 'Must be a Metakocka ID (digits)')), mk_address_id: text(30) })
	.strict();

/** Either {mk_id[, mk_address_id]} or the inline partner fields. */
const documentPartner = z.unknown().transform((value, ctx) => {
	const schema = value && typeof value === 'object' && 'mk_id' in value ? partnerRefSchema : partnerInputSchema;
	const parsed = schema.safeParse(value);
	if (!parsed.success) {
		for (const issue of parsed.error.issues) ctx.addIssue(issue);
		return z.NEVER;
	}
	return compact(parsed.data as PartnerInput);
});

const optionalText = (max: number) => z.preprocess(blankToUndefined, text(max));

export const documentInputSchema = z
	.object({
		/** The document's id in the CRM; required for sync. */
		crmId: z.preprocess(blankToUndefined, crmId.optional()),
		doc_type: putDocTypeSchema,
		/** The CRM contact id, resolved through the contact mappings. */
		partnerCrmId: z.preprocess(blankToUndefined, crmId.optional()),
		partner: z.preprocess(blankToUndefined, documentPartner.optional()),
		receiver: z.preprocess(blankToUndefined, documentPartner.optional()),
		doc_date: mkDate,
		count_code: optionalText(30),
		buyer_order: optionalText(100),
		title: optionalText(255),
		currency_code: optionalText(3),
		status_code: optionalText(100),
		notes: optionalText(4000),
		notes_header: optionalText(4000),
		warehouse: optionalText(50),
		delivery_type: optionalText(100),
		method_of_payment: optionalText(100),
		/** Not a documented key: turned into the duo_payment date (doc_date + days) and never sent. */
		duo_payment_days: optionalNumber,
		duo_payment: z.preprocess(blankToUndefined, mkDate.optional()),
		service_to_date: z.preprocess(blankToUndefined, mkDate.optional()),
		service_from_date: z.preprocess(blankToUndefined, mkDate.optional()),
		receive_date: z.preprocess(blankToUndefined, mkDate.optional()),
		credit_note_type: z.preprocess(blankToUndefined, z.enum(['financial', 'goods', 'standalone'], { errorMap: () => ({ message: 'Must be financial, goods or standalone' }) }).optional()),
		/** count_code of the invoice a financial/goods credit note corrects. */
		credit_note_bill: optionalText(30),
		discount_percent: optionalNumber,
		lines: z.array(documentLineSchema, { required_error: 'Is required: a document needs at least one line', invalid_type_error: 'Must be a list of lines' }).min(1, 'Must have at least one line'),
	})
	.strict()
	.superRefine((doc, ctx) => {
		const info = DOC_TYPE_INFO[doc.doc_type];
		const issue = (path: string, message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message });
		// A financial/goods credit note takes its partner from the invoice (documents_put_document.md).
		const linkedNote = info?.creditNote && (doc.credit_note_type === 'financial' || doc.credit_note_type === 'goods');
		const partners = [doc.partnerCrmId, doc.partner].filter((v) => v !== undefined).length;
		if (partners > 1) issue('partner', 'Give either partner or partnerCrmId, not both');
		else if (!partners && !linkedNote) issue('partner', 'Is required: give partner (Metakocka ID or fields) or partnerCrmId');
		if (!info) return;
		if (info.creditNote) {
			if (!doc.credit_note_type) issue('credit_note_type', `Is required for ${doc.doc_type}: financial, goods or standalone`);
			else if (linkedNote && !doc.credit_note_bill) issue('credit_note_bill', `Is required for a ${doc.credit_note_type} credit note: the count code of the invoice it corrects`);
		} else {
			if (doc.credit_note_type) issue('credit_note_type', `Is for credit notes only, not ${doc.doc_type}`);
			if (doc.credit_note_bill) issue('credit_note_bill', `Is for credit notes only, not ${doc.doc_type}`);
		}
		for (const key of info.requiredHead) {
			const given = key === 'duo_payment' ? doc.duo_payment ?? doc.duo_payment_days : (doc as Record<string, unknown>)[key];
			if (given === undefined) issue(key, `Is required for ${doc.doc_type} (the docs' minimum request): give ${HEAD_LABELS[key] ?? key}`);
		}
		if (doc.duo_payment !== undefined && doc.duo_payment_days !== undefined) issue('duo_payment_days', 'Give either duo_payment (a date) or duo_payment_days, not both');
	})
	.transform(({ duo_payment_days, ...doc }) =>
		duo_payment_days === undefined ? doc : { ...doc, duo_payment: addDays(doc.doc_date, duo_payment_days) },
	);

export type DocumentFields = z.output<typeof documentInputSchema>;

export function parseDocument(raw: unknown, itemIndex: number): DocumentFields {
	return parseItem(documentInputSchema, raw, itemIndex);
}

export const documentToSyncSchema = documentInputSchema.superRefine((doc, ctx) => {
	if (doc.crmId === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['crmId'], message: 'Is required for sync' });
});

// ---------------------------------------------------------------- resolution

export interface ResolvedDocument {
	itemIndex: number;
	crmId?: string;
	docType: DocType;
	/** The put_document body (without mk_id), as hashed and stored in the mapping. */
	body: DocumentInput;
}

function toLine(line: DocumentLine, product?: Mapping): DocumentLineInput {
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

// ---------------------------------------------------------------- sync

export interface DocumentSyncOutcome {
	itemIndex: number;
	crmId: string;
	docType?: DocType;
	status?: SyncStatus;
	mkId?: string;
	countCode?: string | null;
	/** The write's answer was lost and the document was found by lookup instead of being written twice. */
	reconciled?: boolean;
	/** No mapping existed; a Metakocka document with the same count_code / buyer_order was adopted. */
	matchedExisting?: boolean;
	/** Metakocka changed the document since the last sync: both versions, and what the policy did. */
	conflict?: Conflict;
	error?: unknown;
}

export type DocumentMatchExisting = 'naturalKey' | 'none';

export interface DocumentSyncOptions {
	/** For a document without a mapping: adopt the Metakocka document with its count_code / buyer_order. Default naturalKey. */
	matchExisting?: DocumentMatchExisting;
	concurrency?: number;
	/** When Metakocka changed a mapped document since the last sync (default: skip and report). */
	conflictPolicy?: ConflictPolicy;
}

interface Deps {
	client: MetakockaClient;
	store: MappingStore;
}

/** A bill's content without the one field Metakocka lets us change on it. */
function withoutStatus(body: unknown): unknown {
	if (!body || typeof body !== 'object') return body;
	const rest: Record<string, unknown> = { ...(body as Record<string, unknown>) };
	delete rest.status_code;
	return rest;
}

async function findByNaturalKey(client: MetakockaClient, body: DocumentInput): Promise<{ mkId: string; countCode: string | null } | undefined> {
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
		if (hits[0]) return { mkId: hits[0].mk_id, countCode: hits[0].count_code ?? countCode };
	}
	if (body.doc_type === 'sales_order' && body.buyer_order) {
		const found = await client.getDocument('sales_order', { buyer_order: body.buyer_order });
		if (found?.mk_id) return { mkId: found.mk_id, countCode: found.count_code ?? null };
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

/**
 * CRM document → Metakocka document, never twice. Unchanged documents (same hash as the last
 * write) cost no Metakocka call; each write runs under a Postgres advisory lock on (company, CRM id)
 * and the mapping is recorded right after it. Mapped → put_document with mk_id (replace); not
 * mapped → put_document without mk_id, whose lost answer the client reconciles by count_code /
 * buyer_order. Issued bills can't be rewritten: only a status change goes through.
 */
export async function syncDocuments({ client, store }: Deps, docs: ResolvedDocument[], options: DocumentSyncOptions = {}): Promise<DocumentSyncOutcome[]> {
	const companyId = client.companyId;
	const matchExisting = options.matchExisting ?? 'naturalKey';
	const missingId = docs.findIndex((d) => !d.crmId);
	if (missingId >= 0) throw new InputError(docs[missingId].itemIndex, 'crmId', 'is required for sync');

	const known = await store.salesDocuments.getByCrmIds(companyId, [...new Set(docs.map((d) => d.crmId!))]);
	const cache: ProductCheckCache = new Map();
	return await syncBatch(docs as Array<ResolvedDocument & { crmId: string }>, (d) => ({ itemIndex: d.itemIndex, crmId: d.crmId, docType: d.docType }) as DocumentSyncOutcome, {
		known,
		isUnchanged: (doc, mapping) => mapping.docType === doc.docType && mapping.contentHash === contentHash(doc.body),
		syncOne: (doc) => syncOne({ client, store }, doc, matchExisting, cache, options.conflictPolicy ?? 'skip'),
		concurrency: options.concurrency,
	});
}

async function syncOne(
	{ client, store }: Deps,
	doc: ResolvedDocument,
	matchExisting: DocumentMatchExisting,
	cache: ProductCheckCache,
	policy: ConflictPolicy,
): Promise<Partial<DocumentSyncOutcome>> {
	const companyId = client.companyId;
	const crm = doc.crmId!;
	const hash = contentHash(doc.body);
	return await store.withLocks(companyId, 'sales_document', [crm], async () => {
		// Read again under the lock: another worker may have synced this document meanwhile.
		const mapping = (await store.salesDocuments.getByCrmIds(companyId, [crm])).get(crm);
		if (mapping && mapping.docType !== doc.docType) {
			throw new InputError(
				doc.itemIndex,
				'doc_type',
				`is ${doc.docType}, but CRM document "${crm}" is already synced as ${mapping.docType} ${mapping.countCode ?? mapping.mkId}; a document cannot change its type`,
			);
		}
		if (mapping && mapping.contentHash === hash) {
			return unchangedOutcome(mapping);
		}
		let conflict: Conflict | undefined;
		// get_document of the target, read at most once (conflict check, status to keep on a replace).
		let current: Promise<MkDocument | null> | undefined;
		const readCurrent = (mkId: string) => (current ??= client.getDocument(doc.docType, { mk_id: mkId }));
		if (mapping) {
			const decision = await checkConflict(mapping, doc.body, policy, async () => {
				const found = await readCurrent(mapping.mkId);
				return found ? documentView(found) : undefined;
			});
			conflict = decision.conflict;
			if (!decision.write) {
				await store.salesDocuments.upsertMany(companyId, [mappingAfterConflict(mapping, decision.conflict, hash)]);
				return { status: 'conflict' as const, mkId: mapping.mkId, countCode: mapping.countCode, reconciled: false, matchedExisting: false, conflict };
			}
		}
		const record = async (mkId: string, countCode: string | null, partnerMkId?: string) =>
			recordAfterWrite({ what: doc.docType, mkId, adoptBy: adoptKey(doc.body, matchExisting) }, () =>
				store.salesDocuments.upsertMany(companyId, [
					{
						crmId: crm,
						mkId,
						docType: doc.docType,
						countCode,
						contentHash: hash,
						mkSnapshot: doc.body,
						extra: compact({ buyer_order: doc.body.buyer_order, partner_mk_id: partnerMkId }),
					},
				]),
			);

		const target = mapping
			? { mkId: mapping.mkId, countCode: mapping.countCode, snapshot: mapping.mkSnapshot }
			: matchExisting === 'naturalKey'
				? await findByNaturalKey(client, doc.body)
				: undefined;

		if (target && DOC_TYPE_INFO[doc.docType].update === 'status') {
			const snapshot = 'snapshot' in target ? target.snapshot : undefined;
			const onlyStatus = snapshot !== undefined && contentHash(withoutStatus(snapshot)) === contentHash(withoutStatus(doc.body));
			if (!onlyStatus) {
				throw new MetakockaError({
					code: 'BILL_NOT_REWRITABLE',
					method: 'put_document',
					description:
						`${doc.docType} ${target.countCode ?? target.mkId} (mk_id ${target.mkId}) for CRM document "${crm}" is already issued; ` +
						'Metakocka cannot rewrite a bill through the API, only change its status. Issue a credit note or change it in Metakocka.',
					retryable: false,
				});
			}
			// An absent status is no instruction: status_code "" would clear the bill's status [DOC].
			if (doc.body.status_code !== undefined) await client.updateDocument(doc.docType, { mk_id: target.mkId, status_code: doc.body.status_code });
			await record(target.mkId, target.countCode, mapping?.extra?.partner_mk_id as string | undefined);
			return { status: 'updated' as const, mkId: target.mkId, countCode: target.countCode, reconciled: false, matchedExisting: !mapping, conflict };
		}

		const body = await prepareForWrite(client, doc, cache);
		if (target) {
			// Inline partner data makes Metakocka add a partner on every write; an unchanged one keeps
			// the partner the document already has (a changed one switches, as documented).
			const previous = mapping?.extra?.partner_mk_id as string | undefined;
			const inline = body.partner && !body.partner.mk_id ? body.partner : undefined;
			const samePartner = inline && previous && contentHash((mapping?.mkSnapshot as DocumentInput | null)?.partner) === contentHash(inline);
			if (samePartner) body.partner = { ...inline, mk_id: previous };
			if (body.status_code === undefined) {
				// put_document with mk_id replaces the whole document, statuses included [DOC:documents_concept.md]:
				// keep the status Metakocka has, or the rewrite would clear it.
				const status = await currentStatus(await readCurrent(target.mkId), doc, target.mkId);
				if (status) body.status_code = status;
			}
			const { result } = await client.putDocument({ ...body, mk_id: target.mkId });
			const countCode = result.count_code ?? target.countCode ?? null;
			await record(target.mkId, countCode, inline ? (result.partner?.mk_id ?? (samePartner ? previous : undefined)) : undefined);
			return { status: 'updated' as const, mkId: target.mkId, countCode, reconciled: false, matchedExisting: !mapping, conflict };
		}
		const { result, reconciled } = await client.putDocument(body);
		const countCode = result.count_code ?? body.count_code ?? null;
		await record(result.mk_id, countCode, body.partner && !body.partner.mk_id ? result.partner?.mk_id : undefined);
		return { status: 'created' as const, mkId: result.mk_id, countCode, reconciled, matchedExisting: false };
	});
}

// ---------------------------------------------------------------- import

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
	for (;;) {
		if (limit !== undefined && documents.length >= limit) break;
		const page = await client.search({
			doc_type: options.docType,
			result_type: 'doc',
			query_advance,
			order_direction: orderDirectionFor(options.docType, 'asc'),
			limit: SEARCH_PAGE_MAX,
			offset,
			flags: options.flags,
		});
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
	return { documents, since, complete, searchCalls };
}

/** Each imported document says whether Metakocka changed it since the last sync and whether the CRM side did. */
async function markSyncState(store: MappingStore, companyId: string, docType: DocType, documents: MkDocument[]): Promise<void> {
	for (let i = 0; i < documents.length; i += 1000) {
		const batch = documents.slice(i, i + 1000);
		const mappings = await store.salesDocuments.getByMkIds(companyId, batch.map((d) => d.mk_id), { docType });
		for (const d of batch) Object.assign(d, { sync: syncMarks(mappings.get(d.mk_id), documentView(d)) });
	}
}

// ---------------------------------------------------------------- update

/** update_document fields as the Update operation's editor names them (errors name the parameter). */
export const UPDATE_FIELD_LABELS: Record<string, string> = {
	status_code: 'Status',
	delivery_type: 'Delivery Type',
	tracking_code: 'Tracking Code',
	tracking_intermediate_code: 'Tracking Intermediate Code',
	shipped_date: 'Shipped Date',
	discount_value: 'Discount Value',
	parcel_shop_id: 'Parcel Shop ID',
	notes: 'Notes',
	notes_header: 'Notes Header',
	warehouse: 'Warehouse Mark',
	title: 'Title',
	product_add: 'Lines To Add (JSON)',
};

/** update_document fields the Update operation offers; which apply depends on the doc_type (doctypes.ts). */
export const documentUpdateSchema = z
	.object({
		// Empty = not given: an empty status_code is Metakocka's "clear the status" [DOC].
		status_code: optionalText(100),
		delivery_type: optionalText(100),
		tracking_code: optionalText(100),
		tracking_intermediate_code: optionalText(100),
		shipped_date: z.preprocess(blankToUndefined, mkDate.optional()),
		discount_value: optionalNumber,
		parcel_shop_id: optionalText(100),
		notes: optionalText(4000),
		notes_header: optionalText(4000),
		warehouse: optionalText(50),
		title: optionalText(255),
		product_add: z.preprocess(blankToUndefined, z.array(documentLineSchema).optional()),
	})
	.strict()
	.superRefine((u, ctx) => {
		const crmLine = u.product_add?.findIndex((l) => l.productCrmId !== undefined) ?? -1;
		if (crmLine >= 0) {
			ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['product_add', crmLine, 'productCrmId'], message: 'Is not supported here: give the product code' });
		}
	})
	.transform(({ product_add, ...rest }) => {
		const out: Record<string, unknown> = compact(rest);
		if (product_add) out.product_add = product_add.map((l) => toLine(l));
		return out;
	});

/**
 * The update_document body for one item, checked against what Metakocka applies to its doc_type
 * before any call: a field the type ignores is an InputError naming the parameter, and warehouse
 * documents get their new lines as product_list (product_add is a sales-order key).
 */
export function parseDocumentUpdate(raw: unknown, itemIndex: number, docType: DocType = 'sales_order'): Record<string, unknown> {
	const fields = parseItem(documentUpdateSchema, raw, itemIndex);
	const info = DOC_TYPE_INFO[docType];
	if (info.update === 'none') {
		throw new InputError(
			itemIndex,
			'docType',
			`is ${docType}, which Metakocka cannot update (no update_document for it); change it in Metakocka, or with Sync, which rewrites the whole document`,
		);
	}
	if (info.group === 'warehouse' && fields.product_add) {
		fields.product_list = fields.product_add;
		delete fields.product_add;
	}
	const refused = unsupportedUpdateFields(docType, fields);
	if (refused.length) {
		const key = refused[0] === 'product_list' ? 'product_add' : refused[0];
		const what = info.update === 'status' ? 'an issued bill changes only its Status' : `Metakocka does not update it on ${docType}`;
		throw new InputError(itemIndex, UPDATE_FIELD_LABELS[key] ?? key, `is not applied: ${what}; nothing was sent`);
	}
	if (!Object.keys(fields).length) throw new InputError(itemIndex, '(item)', 'is empty: give at least one field to update');
	return fields;
}
