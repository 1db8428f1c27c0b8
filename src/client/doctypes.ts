import type { DocType } from './types';

// What each doc_type supports, from documents_concept.md and the per-type pages, so a node offers
// only what Metakocka applies and the client refuses, before any call, what it would ignore.
// The one owner of "which doc_type can do what"; the sandbox models the same pages.

export interface DocTypeInfo {
	group: 'sales' | 'purchase' | 'warehouse';
	/** put_document creates it (documents_put_document*.md). purchase_bill_prepaid is get-only. */
	put: boolean;
	/**
	 * update_document: 'fields' = the `updateFields` below (sales order, warehouse documents),
	 * 'status' = status_code only (bills, documents_update_document_bill.md), 'none' = no update page
	 * (offers, purchase orders): a replace through put_document with mk_id is the only way.
	 */
	update: 'fields' | 'status' | 'none';
	/** update_document keys this type documents (identifiers mk_id/buyer_order/count_code excluded). */
	updateFields: readonly string[];
	delete: boolean;
	getChangeDocuments: boolean;
	changeDocumentStatus: boolean;
	/** get_document / update_document / change_document_status accept buyer_order. */
	buyerOrder: boolean;
	/** search query_advance last_change_from/to: documented for sales_order (and complaint) only (search_examples.md). */
	lastChangeFilter: boolean;
	/** search order_direction: documented for sales_order and warehouse documents (search_examples.md). */
	orderDirection: boolean;
	/** put_document head fields of the docs' minimum request for this type (documents_put_document.md). */
	requiredHead: readonly string[];
	/** credit_note_type (+ credit_note_bill for financial/goods) is required (documents_put_document.md). */
	creditNote: boolean;
	/** Report ids known to print this type: 38 = bill report [DOC:report_concept.md], 37 = offer [OBS t4a-admin]. */
	reports: readonly string[];
}

/** documents_update_document_sales_order.md (fields list plus the examples' extra keys). */
const SALES_ORDER_UPDATE = [
	'delivery_type',
	'status_code',
	'tracking_code',
	'shipped_date',
	'discount_value',
	'tracking_intermediate_code',
	'parcel_shop_id',
	'notes',
	'notes_header',
	'warehouse',
	'partner',
	'receiver',
	'product_remove',
	'product_add',
	'product_list',
	'extra_column',
	'create_invoice',
	'clear',
	'count_code_new',
];
/** documents_update_document_whdocs.md: no product_add (lines go in product_list), no notes_header, no tracking. */
const WAREHOUSE_UPDATE = [
	'partner',
	'receiver',
	'client',
	'title',
	'status_code',
	'warehouse',
	'currency_code',
	'buyer_order',
	'commercialist_email',
	'write_off',
	'discount_percent',
	'discount_value',
	'pariteta',
	'profit_center',
	'delivery_type',
	'product_list',
	'notes',
	'order_list',
	'receiving_note_list',
	'offer_list',
	'workorder_list',
	'sales_order_list',
	'delivery_note_list',
	'extra_column',
	'meta_data',
];

const base: DocTypeInfo = {
	group: 'sales',
	put: true,
	update: 'none',
	updateFields: [],
	delete: false,
	getChangeDocuments: false,
	changeDocumentStatus: false,
	buyerOrder: false,
	lastChangeFilter: false,
	orderDirection: false,
	requiredHead: [],
	creditNote: false,
	reports: [],
};
const info = (over: Partial<DocTypeInfo>): DocTypeInfo => Object.freeze({ ...base, ...over });
const salesBill = (over: Partial<DocTypeInfo> = {}): DocTypeInfo =>
	info({ update: 'status', updateFields: ['status_code'], requiredHead: ['service_to_date', 'duo_payment'], reports: ['38'], ...over });
const purchaseBill = (over: Partial<DocTypeInfo> = {}): DocTypeInfo =>
	info({ group: 'purchase', update: 'status', updateFields: ['status_code'], requiredHead: ['duo_payment', 'receive_date'], ...over });
const warehouse = (extra: string[], over: Partial<DocTypeInfo> = {}): DocTypeInfo =>
	info({
		group: 'warehouse',
		update: 'fields',
		updateFields: [...WAREHOUSE_UPDATE, ...extra],
		delete: true,
		getChangeDocuments: true,
		orderDirection: true,
		...over,
	});

export const DOC_TYPE_INFO: Readonly<Record<DocType, DocTypeInfo>> = Object.freeze({
	sales_offer: info({ reports: ['37'] }),
	sales_order: info({
		update: 'fields',
		updateFields: SALES_ORDER_UPDATE,
		delete: true,
		changeDocumentStatus: true,
		buyerOrder: true,
		lastChangeFilter: true,
		orderDirection: true,
	}),
	sales_bill_domestic: salesBill(),
	// 42 = foreign sales invoice [DOC:create_webshop.md]; 38 prints foreign bills too [OBS t4a-admin].
	sales_bill_foreign: salesBill({ reports: ['38', '42'] }),
	sales_bill_retail: salesBill(),
	sales_bill_prepaid: salesBill(),
	// Credit notes print through their own company template (no fixed id) [OBS t4a-admin lib/metakocka.ts].
	sales_bill_credit_note: salesBill({ creditNote: true, reports: [] }),
	purchase_order: info({ group: 'purchase' }),
	purchase_bill_domestic: purchaseBill(),
	purchase_bill_foreign: purchaseBill(),
	// Listed by documents_get_document_bill.md only: no put_document example or type list names it.
	purchase_bill_prepaid: purchaseBill({ put: false, requiredHead: [] }),
	purchase_bill_credit_note: purchaseBill({ creditNote: true, requiredHead: ['service_to_date', 'duo_payment'] }),
	warehouse_delivery_note: warehouse(['sales_pricelist_code']),
	warehouse_packing_list: warehouse(['sales_pricelist_code']),
	warehouse_receiving_note: warehouse(['purchase_pricelist_code'], { changeDocumentStatus: true }),
	warehouse_acceptance_note: warehouse(['purchase_pricelist_code', 'packlist_code', 'packlist_date']),
});

export const DOC_TYPES: readonly DocType[] = Object.freeze(Object.keys(DOC_TYPE_INFO) as DocType[]);

/** Types put_document creates (Create and Sync offer only these). */
export const PUT_DOC_TYPES: readonly DocType[] = Object.freeze(DOC_TYPES.filter((t) => DOC_TYPE_INFO[t].put));

export function isDocType(value: unknown): value is DocType {
	return typeof value === 'string' && Object.prototype.hasOwnProperty.call(DOC_TYPE_INFO, value);
}

/** Keys that find the document rather than change it (update pages of each type). */
function isIdentifier(docType: DocType, key: string): boolean {
	if (key === 'mk_id' || key === 'doc_type') return true;
	if (key === 'buyer_order') return DOC_TYPE_INFO[docType].buyerOrder;
	if (key === 'count_code') return DOC_TYPE_INFO[docType].update === 'status';
	return false;
}

/**
 * The update_document keys of `fields` that Metakocka does not apply to `docType` (it would answer
 * "0" and change nothing): refuse these before any call.
 */
export function unsupportedUpdateFields(docType: DocType, fields: Record<string, unknown>): string[] {
	const allowed = DOC_TYPE_INFO[docType].updateFields;
	return Object.keys(fields ?? {}).filter((k) => !allowed.includes(k) && !isIdentifier(docType, k));
}

/** order_direction for a search of this type, or undefined where it is undocumented (then it is not sent). */
export function orderDirectionFor(docType: string, direction: 'asc' | 'desc'): 'asc' | 'desc' | undefined {
	return isDocType(docType) && DOC_TYPE_INFO[docType].orderDirection ? direction : undefined;
}

/** Which doc types a known report id prints (the docs name 38 "bill report", create_webshop.md 42 "foreign sales invoice"). */
export function docTypesForReport(reportId: string): DocType[] {
	return DOC_TYPES.filter((t) => DOC_TYPE_INFO[t].reports.includes(reportId));
}

/** Report ids whose doc types are known: any other id is the company's own template and is not checked. */
export const KNOWN_REPORT_IDS: readonly string[] = Object.freeze([...new Set(DOC_TYPES.flatMap((t) => DOC_TYPE_INFO[t].reports))]);

/** Whether search filters by last_change_from/to for this type ('complaint' too, search_examples.md). */
export function hasLastChangeFilter(docType: string): boolean {
	return docType === 'complaint' || (isDocType(docType) && DOC_TYPE_INFO[docType].lastChangeFilter);
}
