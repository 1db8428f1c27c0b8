import { MetakockaError } from './errors';

// The one place that knows which URL family serves which Metakocka method. A method posted under the
// wrong family answers an HTML 404, so the table is exhaustive for documented methods and an unknown
// name fails before anything is sent.

export type CallKind = 'read' | 'search' | 'write';

export type UrlFamily = 'v1' | 'v1/json' | 'eshop';

export interface MethodInfo {
	family: UrlFamily;
	kind: CallKind;
}

const v1 = (kind: CallKind): MethodInfo => ({ family: 'v1', kind });
const json = (kind: CallKind): MethodInfo => ({ family: 'v1/json', kind });
const eshop = (kind: CallKind): MethodInfo => ({ family: 'eshop', kind });

export const METHODS: Readonly<Record<string, MethodInfo>> = Object.freeze({
	// /rest/eshop/v1/<m>
	put_document: v1('write'),
	get_document: v1('read'),
	update_document: v1('write'),
	delete_document: v1('write'),
	// Moves a server-side cursor, but a lost answer is lost either way, so retrying is no worse.
	get_change_documents: v1('read'),
	search: v1('search'),
	search_query_advance_discovery: v1('read'),
	search_tracking_code: v1('search'),
	search_blacklist_partner: v1('search'),
	import_blacklist_partner: v1('write'),
	get_partner: v1('read'),
	add_partner: v1('write'),
	update_partner: v1('write'),
	change_document_status: v1('write'),
	mark_orders_as_shipped: v1('write'),
	put_transaction: v1('write'),
	generate_sticker: v1('write'),
	report: v1('read'),
	source_stock: v1('read'),
	put_document_transfer_order: v1('write'),
	put_document_workorder: v1('write'),
	update_document_workorder: v1('write'),
	update_workorder_perform_operation: v1('write'),
	abandoned_cart_update: v1('write'),
	add_webshop_terms_of_use: v1('write'),
	get_bank_statement_status: v1('read'),
	get_delivery_service_pricelist: v1('read'),
	get_order_change_warehouse: v1('read'),
	replace_order_change_warehouse: v1('write'),
	get_order_forbidden_products: v1('read'),
	replace_order_forbidden_products: v1('write'),
	// /rest/eshop/v1/json/<m>
	product_list: json('read'),
	product_add: json('write'),
	product_update: json('write'),
	product_delete: json('write'),
	put_product_partner_code: json('write'),
	update_product_partner_code: json('write'),
	delete_product_partner_code: json('write'),
	warehouse_list: json('read'),
	warehouse_stock: json('read'),
	get_bank_statement: json('read'),
	get_bank_compensation: json('read'),
	cash_register_journal: json('read'),
	add_payment: json('write'),
	put_sales_bill: json('write'),
	// /rest/eshop/<m> (no v1)
	add_attachment: eshop('write'),
	send_message: eshop('write'),
	get_message: eshop('read'),
	create_complaint: eshop('write'),
	update_complaint: eshop('write'),
	import_inventory: eshop('write'),
	accounting_export: eshop('read'),
	get_proof_of_delivery: eshop('read'),
	sync_stock: eshop('write'),
	create_webshop: eshop('write'),
	get_email_events: eshop('read'),
});

const FAMILY_PREFIX: Record<UrlFamily, string> = {
	v1: '/rest/eshop/v1/',
	'v1/json': '/rest/eshop/v1/json/',
	eshop: '/rest/eshop/',
};

export function methodInfo(method: string): MethodInfo {
	const info = Object.prototype.hasOwnProperty.call(METHODS, method) ? METHODS[method] : undefined;
	if (!info) {
		throw new MetakockaError({
			code: 'UNKNOWN_METHOD',
			description: 'it has no URL family in the client method table (src/client/paths.ts)',
			method,
			retryable: false,
		});
	}
	return info;
}

export function normaliseBaseUrl(baseUrl: string): string {
	const trimmed = (baseUrl ?? '').trim().replace(/\/+$/, '');
	if (!/^https?:\/\/[^/]/i.test(trimmed)) {
		throw new MetakockaError({
			code: 'INVALID_INPUT',
			description: `base URL "${baseUrl}" is not an http(s) URL, expected e.g. https://main.metakocka.si`,
			method: 'configuration',
			retryable: false,
		});
	}
	return trimmed;
}

export function methodUrl(baseUrl: string, method: string): string {
	return `${normaliseBaseUrl(baseUrl)}${FAMILY_PREFIX[methodInfo(method).family]}${method}`;
}
