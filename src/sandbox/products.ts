// Products (/rest/eshop/v1/json/...): product_list, product_add, product_update, product_delete.
import type { Company, Product } from './model';
import { computeStock } from './stock';
import { bool, fail, fmt, isObj, num, ok, oneOrList, type Obj, str, stringify, text } from './wire';

const CONTROL_KEYS = new Set(['secret_key', 'company_id', 'mk_id', 'count_code', 'pricelist_remove_product_before_add']);
const REMOVE = '$REMOVE_STRING_VALUE$';
const READ_ONLY_FLAGS = ['asset', 'compound', 'expiration_dates', 'lot_numbers', 'norm', 'serial_numbers', 'work'];

export function nextProductCode(c: Company): string {
	let code: string;
	do code = `PA-${++c.productNumber}`;
	while (c.products.some((p) => p.count_code === code));
	return code;
}

export function findProduct(c: Company, by: { mk_id?: string; count_code?: string; code?: string }): Product | undefined {
	if (by.count_code) return c.products.find((p) => p.count_code === by.count_code);
	if (by.code) return c.products.find((p) => str(p.fields.code) === by.code);
	if (by.mk_id) return c.product(by.mk_id);
	return undefined;
}

/** Create a product from flat fields (product_add, or a document line with `unit` [DOC:documents_put_document_whdocs.md]); service/sales/purchasing default false [DOC:product_concept.md]. */
export function createProduct(c: Company, src: Obj): Product {
	const fields: Obj = { service: 'false', sales: 'false', purchasing: 'false', activated: 'true', eshop_sync: 'false' };
	for (const [k, v] of Object.entries(src)) if (!CONTROL_KEYS.has(k) && v !== null && v !== undefined) fields[k] = stringify(v);
	const mkId = text(src.mk_id) ?? c.ids.id();
	c.ids.seen(mkId);
	const p: Product = { mk_id: mkId, count_code: text(src.count_code) ?? nextProductCode(c), fields };
	c.products.push(p);
	c.touch();
	return p;
}

/** product `code` is char 20 [DOC:product_concept.md] (product_list.md's filter table says 50); the refusal's wording is [INF]. */
export const PRODUCT_CODE_MAX = 20;
export function codeTooLong(code: string | undefined): Obj | undefined {
	return code && code.length > PRODUCT_CODE_MAX ? fail('2', `Paramether code is too long (max ${PRODUCT_CODE_MAX} characters) : ${code}`) : undefined;
}

export function productAdd(c: Company, body: Obj): Obj {
	for (const k of ['code', 'name', 'unit']) if (!text(body[k])) return fail('2', `Paramether ${k} must be set`);
	const longCode = codeTooLong(text(body.code));
	if (longCode) return longCode;
	const cc = text(body.count_code);
	const code = text(body.code);
	// Same count_code and code = the same product → error [DOC:product.md]; count_code is the unique id [DOC].
	const dup = cc ? c.products.find((p) => p.count_code === cc) : undefined;
	if (dup && str(dup.fields.code) === code) return fail('2', `Product with count_code '${cc}' and code '${code}' already exists`);
	if (dup) return fail('2', `Product with count_code '${cc}' already exists`);
	const p = createProduct(c, { ...body, mk_id: undefined });
	return ok({ mk_id: p.mk_id, count_code: p.count_code });
}

function identify(c: Company, body: Obj): { product: Product } | { error: Obj } {
	const mkId = text(body.mk_id);
	const cc = text(body.count_code);
	if (!mkId && !cc) return { error: fail('2', 'Paramether count_code or mk_id must be set') };
	const p = mkId ? c.product(mkId) : c.products.find((x) => x.count_code === cc);
	return p ? { product: p } : { error: fail('6', `Cannot find product with ${mkId ? `mk_id = ${mkId}` : `count_code = ${cc}`}`) };
}

const onDocuments = (c: Company, p: Product, filter: (docType: string) => boolean = () => true): boolean =>
	c.docs.some((d) => filter(d.doc_type) && d.lines.some((l) => l.product_mk_id === p.mk_id));

const isSalesDoc = (t: string): boolean =>
	t.startsWith('sales_') || t === 'warehouse_delivery_note' || t === 'warehouse_packing_list';

export function productUpdate(c: Company, body: Obj): Obj {
	const found = identify(c, body);
	if ('error' in found) return found.error;
	const product = found.product;
	const longCode = codeTooLong(text(body.code));
	if (longCode) return longCode;
	// UI rules apply: a product on a sales document can't lose `sales` [DOC:product_concept.md].
	if (bool(body.sales) === false && onDocuments(c, product, isSalesDoc)) {
		return fail('2', `Product ${product.count_code} is used on sales documents, flag sales cannot be removed`);
	}
	for (const [k, v] of Object.entries(body)) {
		if (CONTROL_KEYS.has(k)) continue;
		// Empty or null leaves the value; $REMOVE_STRING_VALUE$ clears name_desc/barcode [DOC:product_update.md].
		if (v === null || v === undefined || v === '') continue;
		if (v === REMOVE) {
			if (k === 'name_desc' || k === 'barcode') delete product.fields[k];
			continue;
		}
		if (k === 'pricelist' && Array.isArray(v) && bool(body.pricelist_remove_product_before_add) !== true) {
			// Pricelist rows change in place by pricelist count_code [DOC].
			const old = Array.isArray(product.fields.pricelist) ? (product.fields.pricelist as Obj[]) : [];
			const incoming = stringify(v) as Obj[];
			const keep = old.filter((o) => !incoming.some((n) => isObj(n) && n.count_code === o.count_code));
			product.fields.pricelist = [...keep, ...incoming];
			continue;
		}
		product.fields[k] = stringify(v);
	}
	c.touch();
	return ok({ mk_id: product.mk_id, count_code: product.count_code });
}

export function productDelete(c: Company, body: Obj): Obj {
	const found = identify(c, body);
	if ('error' in found) return found.error;
	const product = found.product;
	// A product used on a document can't be deleted [DOC:product_concept.md].
	if (onDocuments(c, product)) return fail('2', `Product ${product.count_code} is used on documents and cannot be deleted`);
	c.products = c.products.filter((x) => x !== product);
	c.stock = c.stock.filter((r) => r.product_mk_id !== product.mk_id);
	c.touch();
	return ok({ mk_id: product.mk_id, count_code: product.count_code });
}

const FIELD_ORDER = [
	'count_code',
	'mk_id',
	'code',
	'barcode',
	'name',
	'name_desc',
	'unit',
	'service',
	'sales',
	'activated',
	'purchasing',
	'eshop_sync',
	'height',
	'width',
	'depth',
	'weight',
];

export function renderProduct(c: Company, p: Product, body: Obj = {}): Obj {
	const out: Obj = { count_code: p.count_code, mk_id: p.mk_id };
	const f = p.fields;
	for (const k of FIELD_ORDER) if (f[k] !== undefined && !(k in out)) out[k] = f[k];
	for (const [k, v] of Object.entries(f)) {
		if (k in out || k === 'pricelist' || k === 'categories' || k === 'attachment_list') continue;
		// localization comes back as a bare object when it has one entry [DOC:product_list.md].
		out[k] = k === 'localization' && Array.isArray(v) ? oneOrList(v) : v;
	}
	for (const k of READ_ONLY_FLAGS) if (out[k] === undefined) out[k] = 'false';
	if (bool(body.return_warehause_stock) || bool(body.return_free_amount) || bool(body.return_warehouse_reservation)) {
		const rows = computeStock(c).filter((r) => r.product_mk_id === p.mk_id);
		const inInfo = rows.filter((r) => c.warehouses.find((w) => w.mk_id === r.warehouse_id)?.include_in_stock_info !== 'false');
		const wh = (id: string): Obj => {
			const w = c.warehouses.find((x) => x.mk_id === id);
			return { warehouse_mark: w?.mark, warehouse_name: w?.name };
		};
		// `return_warehause_stock` (sic) adds amount, "0" when never stocked [DOC].
		if (bool(body.return_warehause_stock)) {
			out.amount = fmt(inInfo.reduce((s, r) => s + r.amount, 0));
			const detail = inInfo.filter((r) => r.amount !== 0);
			if (detail.length) {
				out.amount_detail = detail.map((r) =>
					stringify({ ...wh(r.warehouse_id), serial_number: r.serial_number, exp_date: r.exp_date, amount: fmt(r.amount) }),
				);
			}
		}
		if (bool(body.return_free_amount)) out.free_amount = fmt(inInfo.reduce((s, r) => s + r.amount - r.reserved, 0));
		if (bool(body.return_warehouse_reservation)) {
			out.reservation_detail = rows.filter((r) => r.reserved).map((r) => ({ ...wh(r.warehouse_id), amount: fmt(r.reserved) }));
		}
	}
	if (bool(body.return_pricelist) && Array.isArray(f.pricelist)) {
		// price_def is an array in writes, one object per entry in reads [DOC].
		out.pricelist = (f.pricelist as Obj[]).flatMap((pl) => {
			const defs = Array.isArray(pl.price_def) ? pl.price_def : [pl.price_def ?? {}];
			return defs.map((d) => ({ ...pl, price_def: d }));
		});
	}
	if (bool(body.return_category) && Array.isArray(f.categories)) {
		out.category_tree_list = (f.categories as Obj[]).map((cat) => {
			const path = Array.isArray(cat.category) ? (cat.category as string[]) : [str(cat.category) ?? ''];
			return path.reduceRight<Obj | undefined>(
				(child, label) => ({ tree_node_label: label, ...(child ? { tree_node_list: [child] } : {}) }),
				undefined,
			);
		});
	}
	return stringify(out) as Obj;
}

const FILTERS: Array<[string, string]> = [
	['sales', 'sales'],
	['purchase', 'purchasing'],
	['service', 'service'],
	['work', 'work'],
	['active', 'activated'],
	['eshop_sync', 'eshop_sync'],
];

export function productList(c: Company, body: Obj): Obj {
	// ≤1000 per call; next window with offset [DOC].
	const limit = Math.min(1000, Math.max(0, Math.trunc(num(body.limit) ?? 1000)));
	const offset = Math.max(0, Math.trunc(num(body.offset) ?? 0));
	const like = bool(body.search_with_like) === true;
	const match = (value: unknown, filter: string | undefined, alwaysLike = false): boolean => {
		if (filter === undefined) return true;
		const v = (str(value) ?? '').toLowerCase();
		return like || alwaysLike ? v.includes(filter.toLowerCase()) : v === filter.toLowerCase();
	};
	const mkId = text(body.mk_id);
	const category = text(body.category)?.toLowerCase();
	const hits = c.products.filter((p) => {
		if (mkId && p.mk_id !== mkId) return false;
		if (!match(p.count_code, text(body.count_code))) return false;
		if (!match(p.fields.code, text(body.code))) return false;
		// title is documented only as a LIKE field (product_list.md 1.8) [DOC]; t4a-admin saw name filters
		// ignored altogether [OBS time-4-action/t4a-admin lib/metakocka.ts]. Modelled as LIKE, with or without search_with_like.
		if (!match(p.fields.name, text(body.title), true)) return false;
		for (const [param, field] of FILTERS) {
			const want = bool(body[param]);
			if (want !== undefined && (str(p.fields[field]) === 'true') !== want) return false;
		}
		if (category) {
			const cats = Array.isArray(p.fields.categories) ? (p.fields.categories as Obj[]) : [];
			if (!cats.some((x) => JSON.stringify(x.category ?? '').toLowerCase().includes(category))) return false;
		}
		return true;
	});
	const page = hits.slice(offset, offset + limit).map((p) => renderProduct(c, p, body));
	// The head echoes the request's attributes [DOC:product_list.md].
	const echo: Obj = {};
	for (const [k, v] of Object.entries(body)) {
		if (k === 'secret_key' || k === 'company_id' || k === 'limit' || k === 'offset') continue;
		if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') echo[k] = String(v);
	}
	return ok({
		...echo,
		limit: String(limit),
		offset: String(offset),
		// Rows in this response, not a total [DOC].
		product_list_count: String(page.length),
		// A single hit comes back as an object, not an array [DOC].
		product_list: oneOrList(page),
	});
}
