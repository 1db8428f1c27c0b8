// Static registers: URL families, document types, statuses, tax codes. One table per quirk.

/** The three URL families are not interchangeable [OBS]; a method under the wrong one is an HTML 404. */
export const URL_FAMILIES: Record<string, readonly string[]> = {
	'/rest/eshop/v1/': [
		'put_document',
		'get_document',
		'update_document',
		'delete_document',
		'get_change_documents',
		'search',
		'search_query_advance_discovery',
		'search_tracking_code',
		'get_partner',
		'add_partner',
		'update_partner',
		'change_document_status',
		'mark_orders_as_shipped',
		'put_transaction',
		'generate_sticker',
		'report',
		'source_stock',
		'put_document_transfer_order',
		'put_document_workorder',
		'update_document_workorder',
		'abandoned_cart_update',
		'order_change_warehouse',
		'order_forbidden_products',
		'search_blacklist_partner',
		'import_blacklist_partner',
		'get_bank_statement',
		'get_bank_statement_status',
		'get_bank_compensation',
		'cash_register_journal',
		'add_webshop_terms_of_use',
		'create_webshop',
		'delivery_service_pricelists',
	],
	'/rest/eshop/v1/json/': [
		'product_list',
		'product_add',
		'product_update',
		'product_delete',
		'put_product_partner_code',
		'update_product_partner_code',
		'delete_product_partner_code',
		'warehouse_list',
		'warehouse_stock',
		'put_sales_bill',
		// put_transaction is documented under both /v1/ and /v1/json/ (add_payment.md) [DOC]
		'put_transaction',
	],
	'/rest/eshop/': [
		'add_attachment',
		'add_file',
		'send_message',
		'get_message',
		'create_complaint',
		'update_complaint',
		'get_complaint',
		'import_inventory',
		'accounting_export',
		'get_proof_of_delivery',
		'sync_stock',
		'get_email_events',
	],
};

/** Resolve a path to its Metakocka method name, or undefined (→ HTML 404). */
export function resolveMethod(path: string): string | undefined {
	for (const [prefix, methods] of Object.entries(URL_FAMILIES)) {
		if (!path.startsWith(prefix)) continue;
		const rest = path.slice(prefix.length).replace(/\/+$/, '');
		if (rest.includes('/')) continue;
		if (methods.includes(rest)) return rest;
	}
	return undefined;
}

/** Methods that change data: used for applied_lost and random faults. */
export const WRITE_METHODS = new Set([
	'put_document',
	'update_document',
	'delete_document',
	'change_document_status',
	'mark_orders_as_shipped',
	'put_transaction',
	'add_partner',
	'update_partner',
	'product_add',
	'product_update',
	'product_delete',
	'sync_stock',
	'send_message',
]);

export const SALES_BILLS = [
	'sales_bill_domestic',
	'sales_bill_foreign',
	'sales_bill_retail',
	'sales_bill_prepaid',
	'sales_bill_credit_note',
] as const;
export const PURCHASE_BILLS = [
	'purchase_bill_domestic',
	'purchase_bill_foreign',
	'purchase_bill_prepaid',
	'purchase_bill_credit_note',
] as const;
export const WAREHOUSE_DOCS = [
	'warehouse_delivery_note',
	'warehouse_packing_list',
	'warehouse_receiving_note',
	'warehouse_acceptance_note',
] as const;

export const DOC_TYPES: readonly string[] = [
	'sales_offer',
	'sales_order',
	...SALES_BILLS,
	'purchase_order',
	...PURCHASE_BILLS,
	...WAREHOUSE_DOCS,
];

export const isBill = (t: string): boolean =>
	(SALES_BILLS as readonly string[]).includes(t) || (PURCHASE_BILLS as readonly string[]).includes(t);
export const isWarehouseDoc = (t: string): boolean => (WAREHOUSE_DOCS as readonly string[]).includes(t);

/** delete_document is documented for sales_order and the four warehouse types only [DOC]. */
export const DELETABLE = new Set(['sales_order', ...WAREHOUSE_DOCS]);
/** get_change_documents is marked for the four warehouse types only [DOC:documents_concept.md]. */
export const CHANGE_TRACKED = new Set<string>(WAREHOUSE_DOCS);
/** change_document_status supports these two [DOC:change_document_status.md]. */
export const STATUS_CHANGE_TYPES = ['sales_order', 'warehouse_receiving_note'];

/** document_type_short as in put/update replies (PR_SO, SK_DO seen in docs; rest [INF]). */
export const DOC_SHORT: Record<string, string> = {
	sales_offer: 'PR_OF',
	sales_order: 'PR_SO',
	sales_bill_domestic: 'PR_RD',
	sales_bill_foreign: 'PR_RT',
	sales_bill_retail: 'PR_RM',
	sales_bill_prepaid: 'PR_AV',
	sales_bill_credit_note: 'PR_DB',
	purchase_order: 'NA_NA',
	purchase_bill_domestic: 'NA_RD',
	purchase_bill_foreign: 'NA_RT',
	purchase_bill_prepaid: 'NA_AV',
	purchase_bill_credit_note: 'NA_DB',
	warehouse_delivery_note: 'SK_DO',
	warehouse_packing_list: 'SK_DN',
	warehouse_receiving_note: 'SK_NP',
	warehouse_acceptance_note: 'SK_PR',
};

/** Auto-numbering prefixes, shaped like the docs' examples (PP-18495, 1-MK-1406, SK_1337) [INF]. */
export const COUNT_PREFIX: Record<string, string> = {
	sales_offer: 'PON-',
	sales_order: 'PP-',
	sales_bill_domestic: '1-MK-',
	sales_bill_foreign: '2-MK-',
	sales_bill_retail: '3-MK-',
	sales_bill_prepaid: 'AV-',
	sales_bill_credit_note: 'DB-',
	purchase_order: 'NAR-',
	purchase_bill_domestic: 'NR-',
	purchase_bill_foreign: 'NRT-',
	purchase_bill_prepaid: 'NAV-',
	purchase_bill_credit_note: 'NDB-',
	warehouse_delivery_note: 'NO_',
	warehouse_packing_list: 'SK_',
	warehouse_receiving_note: 'NP_',
	warehouse_acceptance_note: 'PRE_',
};

/**
 * Status registers: key ("description" in the MK register, what requests send) → localized label
 * (what get_document returns as status_code; the key comes back as status_desc) [DOC].
 * Statuses are company-defined in MK; these are the values seen in the docs and live.
 */
const SALES_ORDER_STATUSES: Record<string, string> = {
	new_order: 'Novo naročilo',
	created: 'Novo',
	draft: 'Osnutek',
	in_progress: 'V obdelavi',
	ready_to_ship: 'Pripravljen za odpremo',
	shipped: 'Odpremljen',
	canceled: 'Preklican',
	lost: 'Izgubljen',
	damaged: 'Poškodovan',
};
const BILL_STATUSES: Record<string, string> = {
	draft: 'Osnutek',
	created: 'Izdelan',
	open: 'Odprt',
	sent: 'Poslan',
	closed: 'Zaključen',
};
const OFFER_STATUSES: Record<string, string> = {
	draft: 'Osnutek',
	created: 'Izdelana',
	test: 'Test',
	sent: 'Poslana',
	accepted: 'Sprejeta',
	rejected: 'Zavrnjena',
};
const PURCHASE_ORDER_STATUSES: Record<string, string> = {
	draft: 'Osnutek',
	created: 'Izdelana',
	ordered: 'Naročeno',
	received: 'Prejeto',
};
// The docs show both the English error list (active,finished,deleted) and Slovene values (delno_aktiven).
const WAREHOUSE_STATUSES: Record<string, string> = {
	active: 'Aktiven',
	finished: 'Zaključen',
	deleted: 'Izbrisan',
	aktiven: 'Aktiven',
	delno_aktiven: 'Delno aktiven',
};

export function statusRegister(docType: string): Record<string, string> {
	if (docType === 'sales_order') return SALES_ORDER_STATUSES;
	if (docType === 'sales_offer') return OFFER_STATUSES;
	if (docType === 'purchase_order') return PURCHASE_ORDER_STATUSES;
	if (isWarehouseDoc(docType)) return WAREHOUSE_STATUSES;
	return BILL_STATUSES;
}

/** Numeric ids for status_id_list filters [INF]; "-2" means "no status" [DOC]. */
export function statusId(docType: string, key: string): string {
	const keys = Object.keys(statusRegister(docType));
	return String(1600900000 + keys.indexOf(key));
}

/** Orders in these statuses hold no stock reservation [INF]. */
export const RELEASED_ORDER_STATUSES = new Set(['shipped', 'canceled', 'lost', 'damaged']);

/**
 * Tax codes → rate in %. EX4 = 22 % and EX1 = 25 % follow the docs' example sums; numeric codes
 * ("085", "200", "220") read as per mille; EX2/EX3 are the other Slovenian rates [INF].
 */
export const TAX_RATES: Record<string, number> = {
	EX1: 25,
	EX2: 5,
	EX3: 9.5,
	EX4: 22,
	'000': 0,
	'050': 5,
	'085': 8.5,
	'095': 9.5,
	'200': 20,
	'220': 22,
	'250': 25,
};

/** Payment types (register values) for put_transaction and mark_paid [INF]. */
export const PAYMENT_TYPES = [
	'Transakcijski račun',
	'Transaction bill',
	'PayPal',
	'Po povzetju',
	'Kartica',
	'Gotovina',
	'Kompenzacija',
];

const COUNTRIES: Array<[string, string[]]> = [
	['SI', ['slovenia', 'slovenija', 'si']],
	['HR', ['croatia', 'hrvaška', 'hrvaska', 'hr']],
	['AT', ['austria', 'avstrija', 'at']],
	['IT', ['italy', 'italija', 'it']],
	['DE', ['germany', 'nemčija', 'nemcija', 'de']],
	['HU', ['hungary', 'madžarska', 'madzarska', 'hu']],
	['RO', ['romania', 'romunija', 'ro']],
	['RS', ['serbia', 'srbija', 'rs']],
	['BA', ['bosnia and herzegovina', 'bosna in hercegovina', 'ba']],
	['XI', ['united kingdom - northern ireland', 'združeno kraljestvo (uk) - severna irska', 'xi']],
	['GB', ['united kingdom', 'združeno kraljestvo', 'gb', 'uk']],
];

export function countryIso(country: string | undefined): string | undefined {
	const c = country?.trim().toLowerCase();
	if (!c) return undefined;
	return COUNTRIES.find(([, names]) => names.includes(c))?.[0];
}
