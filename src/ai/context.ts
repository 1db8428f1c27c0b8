// Gathers what Metakocka knows about an email (partner, documents, open offers, products with stock)
// into structured JSON and a text block that fits a budget, most relevant first. Read-only: only
// get/search/list calls are made here.

import type { DocType, MetakockaClient, MkDocument, Partner, Product, SearchDocType, StockRow, Warehouse } from '../client';
import { billingAddress, isDocType } from '../client';
import { fitToBudget, type ContextSection } from '../email/context';
import { normalizeEmail } from '../email/normalize';

/** A Metakocka entity as the Email Enricher outputs it (or as mapped by the user). */
export interface EntityRef {
	mk_id?: string;
	doc_type?: string;
	count_code?: string;
	code?: string;
	label?: string;
}

export interface ContextEmail {
	from?: string;
	subject?: string;
	text?: string;
	date?: string;
	messageId?: string;
}

export interface ContextRequest {
	/** Verified partners, most confident first: the first one is the email's partner. */
	partners?: EntityRef[];
	/** Documents referenced in the email. */
	documents?: EntityRef[];
	/** Products referenced in the email. */
	products?: EntityRef[];
	email?: ContextEmail | null;
}

/** Per-execution memo of Metakocka reads, so items about the same partner cost one call. */
export type ContextCache = Map<string, Promise<unknown>>;

export interface BuildContextOptions {
	maxChars?: number;
	maxTokens?: number;
	/** Recent documents of the partner (default 5). */
	recentDocuments?: number;
	/** Document types searched for recent documents (default sales_order, sales_offer, sales_bill_domestic). */
	docTypes?: SearchDocType[];
	/** Open offers of the partner (default 5). */
	openOffers?: number;
	/** Products with stock (default 10). */
	maxProducts?: number;
	/** Lines shown per document (default 30). */
	maxLinesPerDocument?: number;
	/** Put the email (fenced as untrusted) in the text as its last section (default true). */
	includeEmail?: boolean;
	cache?: ContextCache;
}

export interface PartnerSummary {
	mk_id: string;
	count_code?: string;
	name?: string;
	tax_id_number?: string;
	registration_number?: string;
	taxpayer?: boolean;
	business_entity?: boolean;
	address?: string;
	country?: string;
	contacts: Array<{ name?: string; email?: string; phone?: string; gsm?: string }>;
	discounts: Array<{ categories?: string | string[]; discount_percent?: number }>;
}

export interface DocumentLineSummary {
	/** The product's Metakocka ID. */
	mk_id?: string;
	code?: string;
	count_code?: string;
	name?: string;
	amount?: number;
	unit?: string;
	price?: number;
	price_with_tax?: number;
	discount?: string;
}

export interface DocumentSummary {
	mk_id: string;
	doc_type: string;
	count_code?: string;
	doc_date?: string;
	title?: string;
	buyer_order?: string;
	/** As Metakocka returns them: status_code is the register label, status_desc its key. */
	status_code?: string;
	status_desc?: string;
	currency_code?: string;
	sum_all?: number;
	sum_paid?: number;
	partner_mk_id?: string;
	/** Mentioned in the email (as opposed to found as recent or open). */
	referenced: boolean;
	lines: DocumentLineSummary[];
	/** Lines left out of `lines` (documents with more than maxLinesPerDocument lines). */
	linesOmitted: number;
}

export interface StockSummary {
	warehouse_id?: string;
	warehouse?: string;
	amount?: number;
	reserved_amount?: number;
	free_amount?: number;
}

export interface ProductSummary {
	mk_id: string;
	code?: string;
	count_code?: string;
	name?: string;
	unit?: string;
	service?: boolean;
	/** Mentioned in the email (else it came from a referenced document's lines). */
	referenced: boolean;
	stock: StockSummary[];
	total_amount?: number;
	total_free_amount?: number;
}

export interface ContextJson {
	partner: PartnerSummary | null;
	documents: DocumentSummary[];
	openOffers: DocumentSummary[];
	products: ProductSummary[];
	/** References that Metakocka no longer knows (deleted since the email was enriched). */
	notFound: Array<{ type: 'partner' | 'document' | 'product'; mk_id?: string; doc_type?: string; count_code?: string }>;
}

export interface BuiltContext {
	json: ContextJson;
	text: string;
	/** Section titles in the text, in order. */
	included: string[];
	/** Sections shortened to fit. */
	truncated: string[];
	/** Sections left out to fit. */
	omitted: string[];
}

export const SECTION = {
	partner: 'Partner',
	referenced: 'Documents mentioned in the email',
	openOffers: 'Open offers',
	recent: 'Recent documents',
	products: 'Products and stock',
	email: 'Email (untrusted)',
} as const;

export const DEFAULT_CONTEXT_DOC_TYPES: readonly SearchDocType[] = Object.freeze(['sales_order', 'sales_offer', 'sales_bill_domestic']);
export const DEFAULT_MAX_CHARS = 12000;

// Offers in these states are decided; anything else (draft, created, sent, no status) is open.
// Status registers are company-defined, so both English keys and Slovene labels are listed.
const CLOSED_OFFER_STATUSES = new Set([
	'accepted',
	'rejected',
	'canceled',
	'cancelled',
	'closed',
	'expired',
	'lost',
	'realized',
	'sprejeta',
	'zavrnjena',
	'preklicana',
	'zaključena',
	'realizirana',
	'izgubljena',
	'potekla',
]);
/** How many offers are read to find the open ones. */
const OFFER_SCAN = 50;

export class ContextInputError extends Error {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(message);
		this.name = 'ContextInputError';
	}
}

export function createContextCache(): ContextCache {
	return new Map();
}

const str = (v: unknown): string | undefined => {
	if (typeof v === 'string') return v.trim() || undefined;
	if (typeof v === 'number' && Number.isFinite(v)) return String(v);
	return undefined;
};
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function refs(value: unknown): EntityRef[] {
	if (!Array.isArray(value)) return [];
	return value.filter(isObject).map((r) => ({
		mk_id: str(r.mk_id),
		doc_type: str(r.doc_type),
		count_code: str(r.count_code),
		code: str(r.code),
		label: str(r.label),
	}));
}

/**
 * The request for an item the Email Enricher produced: its verified entities, and the email itself
 * read back from the trigger fields the Enricher keeps. An item without `metakocka` is rejected.
 */
export function contextRequestFromEnriched(item: Record<string, unknown>): ContextRequest {
	const meta = item?.metakocka;
	if (!isObject(meta)) {
		throw new ContextInputError('metakocka', 'has no Metakocka entities: run the Metakocka Email Enricher (Enrich) before this node, or use "Metakocka IDs" as input');
	}
	let email: ContextEmail | null = null;
	try {
		const n = normalizeEmail(item, 'auto');
		const from = n.from.name ? `${n.from.name} <${n.from.address}>` : n.from.address;
		email = { from, subject: n.subject, text: n.text, date: n.date, messageId: n.messageId };
	} catch {
		// Enriched from mapped fields: the original item need not look like an email. Context without it.
		email = null;
	}
	return { partners: refs(meta.partners), documents: refs(meta.documents), products: refs(meta.products), email };
}

function memo<T>(cache: ContextCache, key: string, load: () => Promise<T>): Promise<T> {
	let pending = cache.get(key) as Promise<T> | undefined;
	if (!pending) {
		pending = load();
		cache.set(key, pending);
		// A failure is not remembered: the next item may try again.
		pending.catch(() => cache.delete(key));
	}
	return pending;
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
	if (value === undefined || value === null) return fallback;
	if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
		throw new ContextInputError(name, `must be a non-negative number (got ${String(value)})`);
	}
	return Math.floor(value);
}

// ---------------------------------------------------------------- summaries

function partnerSummary(p: Partner): PartnerSummary {
	const contactList = p.partner_contact_list ?? (p.partner_contact ? [p.partner_contact] : []);
	// The billing (Račun) entry; a partner without one shows its first address, else the top-level fields.
	const a = billingAddress(p) ?? p.partner_delivery_address_list?.[0] ?? { street: p.street, post_number: p.post_number, city: p.place, country: p.country };
	const place = [str(a.post_number), str(a.city)].filter(Boolean).join(' ');
	const address = [[str(a.street), str(p.street_number)].filter(Boolean).join(' '), place, str(a.country)].filter(Boolean).join(', ');
	return {
		mk_id: p.mk_id,
		count_code: str(p.count_code),
		name: str(p.customer),
		tax_id_number: str(p.tax_id_number),
		registration_number: str(p.registration_number),
		taxpayer: p.taxpayer,
		business_entity: p.business_entity,
		address: address || undefined,
		country: str(a.country),
		contacts: contactList
			.map((c) => ({ name: str(c.name), email: str(c.email), phone: str(c.phone), gsm: str(c.gsm) }))
			.filter((c) => c.name || c.email || c.phone || c.gsm),
		discounts: (p.discounts ?? []).map((d) => ({ categories: d.categories, discount_percent: d.discount_percent })),
	};
}

function documentSummary(d: MkDocument, fallbackType: string, referenced: boolean, maxLines: number): DocumentSummary {
	const lines = (d.product_list ?? []).map((l) => ({
		mk_id: str(l.mk_id),
		code: str(l.code),
		count_code: str(l.count_code),
		name: str(l.name),
		amount: l.amount,
		unit: str(l.unit),
		price: l.price,
		price_with_tax: l.price_with_tax,
		discount: str(l.discount),
	}));
	return {
		mk_id: d.mk_id,
		doc_type: str(d.doc_type) ?? fallbackType,
		count_code: str(d.count_code),
		doc_date: str(d.doc_date),
		title: str(d.title),
		buyer_order: str(d.buyer_order),
		status_code: str(d.status_code),
		status_desc: str(d.status_desc),
		currency_code: str(d.currency_code),
		sum_all: d.sum_all ?? d.total_price,
		sum_paid: d.sum_paid,
		partner_mk_id: str(d.partner?.mk_id),
		referenced,
		lines: lines.slice(0, maxLines),
		linesOmitted: Math.max(0, lines.length - maxLines),
	};
}

function isOpenOffer(d: DocumentSummary): boolean {
	return ![d.status_desc, d.status_code].some((s) => s !== undefined && CLOSED_OFFER_STATUSES.has(s.toLowerCase()));
}

/** Newest first: by document date, then by mk_id (increasing digit strings). */
function byNewest(a: DocumentSummary, b: DocumentSummary): number {
	const da = (a.doc_date ?? '').slice(0, 10);
	const db = (b.doc_date ?? '').slice(0, 10);
	if (da !== db) return da < db ? 1 : -1;
	if (a.mk_id.length !== b.mk_id.length) return b.mk_id.length - a.mk_id.length;
	return a.mk_id < b.mk_id ? 1 : a.mk_id > b.mk_id ? -1 : 0;
}

// ---------------------------------------------------------------- text

const fmt = (n: number | undefined): string | undefined =>
	n === undefined ? undefined : Number.isInteger(n) ? String(n) : String(Math.round(n * 10000) / 10000);

function docTypeLabel(docType: string): string {
	const words = docType.replace(/_/g, ' ');
	return words.charAt(0).toUpperCase() + words.slice(1);
}

function partnerText(p: PartnerSummary | null): string {
	if (!p) return 'No Metakocka partner was verified for this email. Do not assume who the sender is.';
	const out = [`Name: ${p.name ?? '(no name)'}`, `Metakocka ID: ${p.mk_id}${p.count_code ? `; partner code: ${p.count_code}` : ''}`];
	if (p.tax_id_number) out.push(`Tax number: ${p.tax_id_number}${p.taxpayer === undefined ? '' : p.taxpayer ? ' (VAT payer)' : ' (not a VAT payer)'}`);
	if (p.address) out.push(`Address: ${p.address}`);
	for (const c of p.contacts) {
		const parts = [c.name, c.email && `<${c.email}>`, c.phone && `phone ${c.phone}`, c.gsm && `mobile ${c.gsm}`].filter(Boolean);
		out.push(`Contact: ${parts.join(', ')}`);
	}
	for (const d of p.discounts) {
		const cats = Array.isArray(d.categories) ? d.categories.join(', ') : d.categories;
		if (d.discount_percent !== undefined) out.push(`Discount: ${fmt(d.discount_percent)} %${cats ? ` on ${cats}` : ''}`);
	}
	return out.join('\n');
}

function documentText(d: DocumentSummary): string {
	const status = d.status_code || d.status_desc;
	const head = [
		`${docTypeLabel(d.doc_type)} ${d.count_code ?? `(Metakocka ID ${d.mk_id})`}`,
		d.doc_date && `date ${d.doc_date.slice(0, 10)}`,
		status && `status ${d.status_code && d.status_desc && d.status_code !== d.status_desc ? `${d.status_code} (${d.status_desc})` : status}`,
		d.sum_all !== undefined && `total ${fmt(d.sum_all)}${d.currency_code ? ` ${d.currency_code}` : ''}`,
		d.sum_paid !== undefined && `paid ${fmt(d.sum_paid)}`,
		d.buyer_order && `buyer order ${d.buyer_order}`,
		d.title && `title "${d.title}"`,
	].filter(Boolean);
	const lines = d.lines.map((l) => {
		const what = [l.code, l.name].filter(Boolean).join(' ') || l.count_code || '(line)';
		const price = l.price !== undefined ? ` × ${fmt(l.price)}` : '';
		const discount = l.discount && l.discount !== '0' ? ` (discount ${l.discount} %)` : '';
		return `  - ${what}: ${fmt(l.amount) ?? '?'}${l.unit ? ` ${l.unit}` : ''}${price}${discount}`;
	});
	if (d.linesOmitted) lines.push(`  - … ${d.linesOmitted} more lines`);
	return [head.join(', '), ...lines].join('\n');
}

function productText(p: ProductSummary): string {
	const head = `${[p.code, p.name].filter(Boolean).join(' ') || p.count_code || p.mk_id}${p.unit ? ` (unit ${p.unit})` : ''}${p.service ? ', service' : ''}`;
	if (p.service) return head;
	if (!p.stock.length) return `${head}: no stock in any warehouse`;
	const rows = p.stock.map(
		(s) =>
			`  - ${s.warehouse ?? s.warehouse_id ?? 'warehouse'}: ${fmt(s.amount) ?? '?'} in stock` +
			(s.reserved_amount ? `, ${fmt(s.reserved_amount)} reserved` : '') +
			(s.free_amount !== undefined ? `, ${fmt(s.free_amount)} free` : ''),
	);
	return [head, ...rows].join('\n');
}

function emailText(email: ContextEmail): string {
	return [
		email.from && `From: ${email.from}`,
		email.date && `Date: ${email.date}`,
		email.subject !== undefined && `Subject: ${email.subject}`,
		'',
		email.text ?? '',
	]
		.filter((l) => l !== undefined && l !== false)
		.join('\n');
}

// ---------------------------------------------------------------- build

/**
 * Reads the partner, the documents the email mentions, the partner's open offers and recent
 * documents, and the products with stock per warehouse, and packs them into a budget (default
 * 12,000 characters). Metakocka errors propagate: an outage must not look like "nothing known".
 */
export async function buildContext(
	client: MetakockaClient,
	request: ContextRequest | Record<string, unknown>,
	options: BuildContextOptions = {},
): Promise<BuiltContext> {
	const req: ContextRequest = isObject((request as Record<string, unknown>)?.metakocka)
		? contextRequestFromEnriched(request as Record<string, unknown>)
		: (request as ContextRequest);
	const recentCount = positiveInt('recentDocuments', options.recentDocuments, 5);
	const offerCount = positiveInt('openOffers', options.openOffers, 5);
	const maxProducts = positiveInt('maxProducts', options.maxProducts, 10);
	const maxLines = positiveInt('maxLinesPerDocument', options.maxLinesPerDocument, 30);
	const docTypes = options.docTypes?.length ? options.docTypes : DEFAULT_CONTEXT_DOC_TYPES;
	const budget =
		options.maxChars === undefined && options.maxTokens === undefined
			? { maxChars: DEFAULT_MAX_CHARS }
			: {
					maxChars: options.maxChars === undefined ? undefined : positiveInt('maxChars', options.maxChars, 0),
					maxTokens: options.maxTokens === undefined ? undefined : positiveInt('maxTokens', options.maxTokens, 0),
				};
	const cache = options.cache ?? createContextCache();
	const notFound: ContextJson['notFound'] = [];

	// Documents mentioned in the email.
	const referenced: DocumentSummary[] = [];
	const seenDocs = new Set<string>();
	for (const ref of req.documents ?? []) {
		if (!ref.mk_id || seenDocs.has(ref.mk_id)) continue;
		if (!isDocType(ref.doc_type)) {
			// search-only types (workorder, complaint, ...) have no get_document.
			notFound.push({ type: 'document', mk_id: ref.mk_id, doc_type: ref.doc_type, count_code: ref.count_code });
			continue;
		}
		const docType: DocType = ref.doc_type;
		const doc = await memo(cache, `doc\u0000${docType}\u0000${ref.mk_id}`, () => client.getDocument(docType, { mk_id: ref.mk_id }));
		if (!doc) {
			notFound.push({ type: 'document', mk_id: ref.mk_id, doc_type: docType, count_code: ref.count_code });
			continue;
		}
		seenDocs.add(doc.mk_id);
		referenced.push(documentSummary(doc, docType, true, maxLines));
	}

	// The partner: the most confident verified one, else the partner on the first mentioned document.
	const partnerRef = (req.partners ?? []).find((p) => p.mk_id);
	const partnerId = partnerRef?.mk_id ?? referenced.find((d) => d.partner_mk_id)?.partner_mk_id;
	let partner: PartnerSummary | null = null;
	if (partnerId) {
		const rows = await memo(cache, `partner\u0000${partnerId}`, () => client.getPartners({ partner_id: partnerId }));
		const hit = rows.find((p) => p.mk_id === partnerId) ?? (rows.length === 1 ? rows[0] : undefined);
		if (hit) partner = partnerSummary(hit);
		else notFound.push({ type: 'partner', mk_id: partnerId, count_code: partnerRef?.count_code });
	}

	const partnerDocs = async (docType: SearchDocType, limit: number): Promise<DocumentSummary[]> => {
		if (!partner || limit <= 0) return [];
		const mkId = partner.mk_id;
		const page = await memo(cache, `search\u0000${docType}\u0000${mkId}\u0000${limit}`, () =>
			client.search({
				doc_type: docType,
				query_advance: [{ type: 'partner_mk_id', value: mkId }],
				result_type: 'doc',
				order_direction: 'desc',
				limit,
			}),
		);
		return page.records
			.filter((r): r is MkDocument => typeof r.mk_id === 'string')
			.map((r) => documentSummary(r as MkDocument, docType, false, maxLines))
			.filter((d) => !d.partner_mk_id || d.partner_mk_id === mkId);
	};

	const openOffers = offerCount
		? (await partnerDocs('sales_offer', OFFER_SCAN))
				.filter((d) => isOpenOffer(d) && !seenDocs.has(d.mk_id))
				.sort(byNewest)
				.slice(0, offerCount)
		: [];
	for (const d of openOffers) seenDocs.add(d.mk_id);

	const recentAll: DocumentSummary[] = [];
	if (recentCount) for (const docType of docTypes) recentAll.push(...(await partnerDocs(docType, recentCount)));
	const recent = recentAll
		.filter((d) => !seenDocs.has(d.mk_id) && (seenDocs.add(d.mk_id), true))
		.sort(byNewest)
		.slice(0, recentCount);

	const products = await productSummaries(client, cache, req.products ?? [], referenced, maxProducts, notFound);

	const json: ContextJson = { partner, documents: [...referenced, ...recent], openOffers, products, notFound };

	const sections: ContextSection[] = [{ title: SECTION.partner, priority: 0, text: partnerText(partner) }];
	if (referenced.length) sections.push({ title: SECTION.referenced, priority: 1, text: referenced.map(documentText).join('\n\n') });
	if (openOffers.length) sections.push({ title: SECTION.openOffers, priority: 2, text: openOffers.map(documentText).join('\n\n') });
	if (recent.length) sections.push({ title: SECTION.recent, priority: 3, text: recent.map(documentText).join('\n\n') });
	if (products.length) sections.push({ title: SECTION.products, priority: 4, text: products.map(productText).join('\n') });
	if (options.includeEmail !== false && req.email && (req.email.text || req.email.subject)) {
		sections.push({ title: SECTION.email, priority: 5, text: emailText(req.email), untrusted: true });
	}
	const fit = fitToBudget(sections, budget);
	return { json, text: fit.text, included: fit.included, truncated: fit.truncated, omitted: fit.omitted };
}

async function productSummaries(
	client: MetakockaClient,
	cache: ContextCache,
	productRefs: EntityRef[],
	referenced: DocumentSummary[],
	max: number,
	notFound: ContextJson['notFound'],
): Promise<ProductSummary[]> {
	if (max <= 0) return [];
	const out: ProductSummary[] = [];
	const seen = new Set<string>();
	// Products mentioned in the email first: read from the catalogue (name, unit, service).
	for (const ref of productRefs) {
		if (out.length >= max) break;
		const by = ref.mk_id ? { mk_id: ref.mk_id } : ref.count_code ? { count_code: ref.count_code } : ref.code ? { code: ref.code } : undefined;
		if (!by) continue;
		const key = `product\u0000${JSON.stringify(by)}`;
		const product: Product | null = await memo(cache, key, () => client.getProduct(by));
		if (!product) {
			notFound.push({ type: 'product', mk_id: ref.mk_id, count_code: ref.count_code });
			continue;
		}
		if (seen.has(product.mk_id)) continue;
		seen.add(product.mk_id);
		out.push({
			mk_id: product.mk_id,
			code: str(product.code),
			count_code: str(product.count_code),
			name: str(product.name),
			unit: str(product.unit),
			service: product.service,
			referenced: true,
			stock: [],
		});
	}
	// Then the lines of the documents the email mentions: the line already says what the product is.
	for (const line of referenced.flatMap((d) => d.lines)) {
		if (out.length >= max) break;
		if (!line.mk_id || seen.has(line.mk_id)) continue;
		seen.add(line.mk_id);
		out.push({ mk_id: line.mk_id, code: line.code, count_code: line.count_code, name: line.name, unit: line.unit, referenced: false, stock: [] });
	}
	const stocked = out.filter((p) => !p.service);
	if (!stocked.length) return out;
	const ids = stocked.map((p) => p.mk_id).sort();
	const [rows, warehouses] = await Promise.all([
		memo<StockRow[]>(cache, `stock\u0000${ids.join(',')}`, () => client.getStock({ product_mk_id_list: ids })),
		memo<Warehouse[]>(cache, 'warehouses', () => client.listWarehouses()),
	]);
	const whName = new Map(warehouses.map((w) => [w.mk_id, [w.mark, w.name].filter(Boolean).join(' ')]));
	for (const p of stocked) {
		// One row per warehouse: Metakocka lists microlocations and serial numbers as separate rows.
		const perWarehouse = new Map<string, StockSummary>();
		for (const r of rows.filter((row) => row.mk_id === p.mk_id)) {
			const key = str(r.warehouse_id) ?? '';
			const s = perWarehouse.get(key) ?? { warehouse_id: str(r.warehouse_id), warehouse: (r.warehouse_id && whName.get(r.warehouse_id)) || undefined };
			const add = (k: 'amount' | 'reserved_amount' | 'free_amount') => {
				if (r[k] !== undefined) s[k] = Math.round(((s[k] ?? 0) + (r[k] as number)) * 1e6) / 1e6;
			};
			add('amount');
			add('reserved_amount');
			add('free_amount');
			perWarehouse.set(key, s);
		}
		p.stock = [...perWarehouse.values()];
		const sum = (k: 'amount' | 'free_amount') =>
			p.stock.some((s) => s[k] !== undefined) ? p.stock.reduce((t, s) => t + (s[k] ?? 0), 0) : undefined;
		p.total_amount = sum('amount');
		p.total_free_amount = sum('free_amount');
	}
	return out;
}
