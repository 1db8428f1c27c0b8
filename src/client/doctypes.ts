import type { DocType } from './types';

// What each documented doc_type supports (documents_concept.md and the per-type pages), so a node
// can offer only valid operations and the client fails before sending an unsupported one.

export interface DocTypeInfo {
	group: 'sales' | 'purchase' | 'warehouse';
	/** update_document: 'full' = head/lines, 'status' = status_code only (issued bills). */
	update: 'full' | 'status';
	delete: boolean;
	getChangeDocuments: boolean;
	changeDocumentStatus: boolean;
	/** get_document / update_document / change_document_status accept buyer_order. */
	buyerOrder: boolean;
}

const sales = (over: Partial<DocTypeInfo> = {}): DocTypeInfo => ({
	group: 'sales',
	update: 'full',
	delete: false,
	getChangeDocuments: false,
	changeDocumentStatus: false,
	buyerOrder: false,
	...over,
});
const purchase = (): DocTypeInfo => ({ ...sales(), group: 'purchase' });
const warehouse = (over: Partial<DocTypeInfo> = {}): DocTypeInfo => ({
	...sales(),
	group: 'warehouse',
	delete: true,
	getChangeDocuments: true,
	...over,
});

export const DOC_TYPE_INFO: Readonly<Record<DocType, DocTypeInfo>> = Object.freeze({
	sales_offer: sales(),
	sales_order: sales({ delete: true, changeDocumentStatus: true, buyerOrder: true }),
	sales_bill_domestic: sales({ update: 'status' }),
	sales_bill_foreign: sales({ update: 'status' }),
	sales_bill_retail: sales({ update: 'status' }),
	sales_bill_prepaid: sales(),
	sales_bill_credit_note: sales(),
	purchase_order: purchase(),
	purchase_bill_domestic: purchase(),
	purchase_bill_foreign: purchase(),
	purchase_bill_prepaid: purchase(),
	purchase_bill_credit_note: purchase(),
	warehouse_delivery_note: warehouse(),
	warehouse_packing_list: warehouse(),
	warehouse_receiving_note: warehouse({ changeDocumentStatus: true }),
	warehouse_acceptance_note: warehouse(),
});

export const DOC_TYPES: readonly DocType[] = Object.freeze(Object.keys(DOC_TYPE_INFO) as DocType[]);

export function isDocType(value: unknown): value is DocType {
	return typeof value === 'string' && Object.prototype.hasOwnProperty.call(DOC_TYPE_INFO, value);
}
