// Public input/option types. Field names are Metakocka's own; values may be given as numbers,
// booleans and Dates, and wire.ts turns them into the strings Metakocka expects.

import type { MkDocument, MkValue, Partner, SearchHit } from './schemas';

export type { CallKind } from './paths';

export interface MetakockaCredentials {
	companyId: string;
	secretKey: string;
	baseUrl: string;
}

export interface ClientLogger {
	debug(message: string, meta?: Record<string, unknown>): void;
	warn(message: string, meta?: Record<string, unknown>): void;
}

export interface ClientOptions {
	/** Per call, both kinds (overridden by readTimeoutMs / writeTimeoutMs). */
	timeoutMs?: number;
	/** Reads and searches, default 30000. */
	readTimeoutMs?: number;
	/**
	 * Writes, default 120000: Metakocka's slow paths take about 48 s and a write given up early may
	 * still land (it is then reconciled, never resent blindly).
	 */
	writeTimeoutMs?: number;
	/** Reads & searches (and writes that provably never reached the server), default 3. */
	maxRetries?: number;
	/** Exponential backoff with full jitter, default 250. */
	retryBaseDelayMs?: number;
	/** Upper bound of one backoff delay, default 10000. */
	retryMaxDelayMs?: number;
	/**
	 * Upper bound of this client's calls in flight (searches aside), default 32. The actual number is
	 * the adaptive limit shared per base URL + company (see limiter.ts), which starts at 4.
	 */
	maxConcurrency?: number;
	/** @deprecated The old fixed write limit; read as maxConcurrency. */
	writeConcurrency?: number;
	/** Pause before looking up a write whose answer was lost, so a slow server can finish it; default 1000. */
	reconcileDelayMs?: number;
	/** Every message and meta passes redaction: the secret key never appears. */
	logger?: ClientLogger;
}

type Scalar = string | number | boolean;
type DateLike = string | Date;

export interface WriteResult<T> {
	result: T;
	/** The answer was lost/unclear and the object was found by lookup instead of being written again. */
	reconciled: boolean;
}

// ---------- partners ----------

export interface PartnerLookup {
	partner_id?: string;
	partner_name?: string;
	partner_tax_number?: string;
	partner_email?: string;
	partner_phone_number?: string;
}

export interface PartnerContactInput {
	mk_id?: string;
	mk_address_id?: string;
	name?: string;
	phone?: string;
	fax?: string;
	gsm?: string;
	email?: string;
	useCustomerAsContact?: boolean | string;
	[key: string]: unknown;
}

export interface PartnerAddressInput {
	mk_id?: string;
	address_type?: 'Račun' | 'Dobava' | 'Poslovna enota' | string;
	street?: string;
	post_number?: string;
	city?: string;
	province?: string;
	country?: string;
	[key: string]: unknown;
}

export interface PartnerInput {
	/** The partner's name. Required by add_partner. */
	customer?: string;
	business_entity?: boolean | string;
	taxpayer?: boolean | string;
	foreign_county?: boolean | string;
	buyer?: boolean | string;
	supplier?: boolean | string;
	tax_id_number?: string;
	registration_number?: string;
	street?: string;
	street_number?: string;
	post_number?: string;
	place?: string;
	province?: string;
	country?: string;
	count_code?: string;
	mk_id?: string;
	mk_address_id?: string;
	partner_contact?: PartnerContactInput;
	partner_delivery_address?: PartnerAddressInput;
	partner_contact_list?: PartnerContactInput[];
	partner_delivery_address_list?: PartnerAddressInput[];
	[key: string]: unknown;
}

export interface AddPartnerResult {
	mk_id: string;
	mk_contact_id?: string;
	mk_address_id_list: Array<{ mk_id?: string; street?: string; [key: string]: MkValue }>;
	/** add_partner doesn't answer it; present when the result came from a reconcile lookup. */
	count_code?: string;
	/** Present when the result came from a reconcile lookup. */
	partner?: Partner;
	[key: string]: MkValue;
}

// ---------- products ----------

export interface ProductInput {
	count_code?: string;
	code?: string;
	barcode?: string;
	name?: string;
	name_desc?: string;
	unit?: string;
	service?: boolean | string;
	sales?: boolean | string;
	purchasing?: boolean | string;
	activated?: boolean | string;
	eshop_sync?: boolean | string;
	height?: number | string;
	width?: number | string;
	depth?: number | string;
	weight?: number | string;
	min_stock?: number | string;
	localization?: Array<{ language: string; name?: string; name_desc?: string }>;
	categories?: Array<{ category: string | string[] }>;
	extra_column?: Array<{ name: string; value: Scalar }>;
	pricelist?: Array<{ count_code: string; price_def: Array<Record<string, Scalar>> }>;
	[key: string]: unknown;
}

export interface ProductFilter {
	count_code?: string;
	mk_id?: string;
	code?: string;
	title?: string;
	sales?: boolean;
	purchase?: boolean;
	service?: boolean;
	work?: boolean;
	active?: boolean;
	eshop_sync?: boolean;
	category?: string;
	search_with_like?: boolean;
	/** Sic: Metakocka's spelling. Adds amount + amount_detail. */
	return_warehause_stock?: boolean;
	return_free_amount?: boolean;
	return_warehouse_reservation?: boolean;
	return_pricelist?: boolean;
	show_tax_factor?: boolean;
	return_product_compound?: boolean;
	return_category?: boolean;
	return_last_purchase_price?: boolean;
	[key: string]: unknown;
}

export interface StockFilter {
	/** Warehouse mk_ids (array or comma-separated). */
	wh_id_list?: string | string[];
	/** Product `code`s (not count_code). */
	product_code_list?: string | string[];
	product_mk_id_list?: string | string[];
	eshop_sync?: boolean;
	return_expect_order_delivery_date?: boolean;
	return_reservation_without_stock?: boolean;
	[key: string]: unknown;
}

// ---------- documents ----------

export type DocType =
	| 'sales_offer'
	| 'sales_order'
	| 'sales_bill_domestic'
	| 'sales_bill_foreign'
	| 'sales_bill_retail'
	| 'sales_bill_prepaid'
	| 'sales_bill_credit_note'
	| 'purchase_order'
	| 'purchase_bill_domestic'
	| 'purchase_bill_foreign'
	| 'purchase_bill_prepaid'
	| 'purchase_bill_credit_note'
	| 'warehouse_delivery_note'
	| 'warehouse_packing_list'
	| 'warehouse_receiving_note'
	| 'warehouse_acceptance_note';

/** search also serves these types, which have no put_document. */
export type SearchDocType =
	| DocType
	| 'transfer_order'
	| 'workorder'
	| 'complaint'
	| 'purchase_product'
	| 'warehouse_inventory'
	| 'abandoned_cart';

export interface DocumentLineInput {
	code?: string;
	count_code?: string;
	mk_id?: string;
	mk_row_id?: string;
	name?: string;
	name_desc?: string;
	doc_desc?: string;
	amount?: number | string;
	price?: number | string;
	price_with_tax?: number | string;
	/** Percent; chain with ";" ("22;23"). */
	discount?: number | string;
	tax?: string;
	tax_factor?: number | string;
	unit?: string;
	[key: string]: unknown;
}

export interface DocumentInput {
	doc_type: DocType;
	/** Present: replace that document. Absent: insert. */
	mk_id?: string;
	/** Natural key for reconcile; "COUNT_CODE_SELECT#..." asks for auto-numbering and is no key. */
	count_code?: string;
	doc_date?: DateLike;
	buyer_order?: string;
	partner?: PartnerInput;
	receiver?: PartnerInput;
	client?: PartnerInput;
	product_list?: DocumentLineInput[];
	title?: string;
	currency_code?: string;
	status_code?: string;
	warehouse?: string;
	duo_payment?: DateLike;
	duo_payment_days?: number | string;
	service_to_date?: DateLike;
	delivery_deadline?: DateLike;
	order_create_ts?: DateLike;
	notes?: string;
	notes_header?: string;
	extra_column?: Array<{ name: string; value: Scalar }>;
	mark_paid?: Array<{ payment_type?: string; date?: DateLike; amount?: number | string }>;
	[key: string]: unknown;
}

export interface SearchParams {
	doc_type: SearchDocType;
	query?: string;
	/** Values may be Dates: date filters are formatted by their type. */
	query_advance?: Array<{ type: string; value: string | number | boolean | Date }>;
	result_type?: 'doc';
	/** Clamped to 1..100; default 100. */
	limit?: number;
	offset?: number;
	order_direction?: 'asc' | 'desc';
	/** get_document-style flags (show_payment_detail, show_status_code, ...), sent as "true"/"false". */
	flags?: Record<string, boolean>;
}

export interface SearchPage {
	records: Array<MkDocument | SearchHit>;
	/** result_all_records. */
	total: number;
	/** result_count: records on this page. */
	count: number;
	offset: number;
	limit: number;
}

export type { DateLike, Scalar };
