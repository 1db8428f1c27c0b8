import type { INodePropertyOptions } from 'n8n-workflow';

import { DOC_TYPE_INFO, DOC_TYPES, hasLastChangeFilter, type DocType } from '../../src';

/** How the editor names each Metakocka document type. */
export const DOC_TYPE_LABELS: Record<DocType, string> = {
	sales_offer: 'Sales Offer',
	sales_order: 'Sales Order',
	sales_bill_domestic: 'Sales Bill (Domestic Invoice)',
	sales_bill_foreign: 'Sales Bill (Foreign Invoice)',
	sales_bill_retail: 'Sales Bill (Retail)',
	sales_bill_prepaid: 'Sales Bill (Prepayment)',
	sales_bill_credit_note: 'Sales Credit Note',
	purchase_order: 'Purchase Order',
	purchase_bill_domestic: 'Purchase Bill (Domestic)',
	purchase_bill_foreign: 'Purchase Bill (Foreign)',
	purchase_bill_prepaid: 'Purchase Bill (Prepayment)',
	purchase_bill_credit_note: 'Purchase Credit Note',
	warehouse_delivery_note: 'Warehouse Delivery Note (Nalog Za Odpremo)',
	warehouse_packing_list: 'Warehouse Packing List (Dobavnica)',
	warehouse_receiving_note: 'Warehouse Receiving Note (Nalog Za Prevzem)',
	warehouse_acceptance_note: 'Warehouse Acceptance Note (Prevzemnica)',
};

export const docTypeOptions: INodePropertyOptions[] = DOC_TYPES.map((value) => ({ name: DOC_TYPE_LABELS[value], value })).sort((a, b) =>
	a.name.localeCompare(b.name),
);

/** Types whose update_document changes the status only (issued bills). */
export const STATUS_ONLY_TYPES = DOC_TYPES.filter((t) => DOC_TYPE_INFO[t].update === 'status');
export const FULL_UPDATE_TYPES = DOC_TYPES.filter((t) => DOC_TYPE_INFO[t].update === 'fields');
/** Offers and purchase orders: no update_document page. */
export const NO_UPDATE_TYPES = DOC_TYPES.filter((t) => DOC_TYPE_INFO[t].update === 'none');
/** Types whose search documents last_change_from: Import works for these only. */
export const IMPORT_TYPES = DOC_TYPES.filter((t) => hasLastChangeFilter(t));
/** Types put_document creates: Create and Sync offer these only. */
export const PUT_TYPES = DOC_TYPES.filter((t) => DOC_TYPE_INFO[t].put);
export const DELETABLE_TYPES = DOC_TYPES.filter((t) => DOC_TYPE_INFO[t].delete);
export const STATUS_CHANGE_TYPES = DOC_TYPES.filter((t) => DOC_TYPE_INFO[t].changeDocumentStatus);
