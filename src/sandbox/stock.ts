// Warehouses and stock: warehouse_list, warehouse_stock, sync_stock, and stock derived from documents.
import type { Company, Doc, Product, Warehouse } from './model';
import { RELEASED_ORDER_STATUSES } from './registers';
import { asArray, csv, fail, fmt, num, ok, oneOrList, type Obj, str, stringify, text, bool } from './wire';

export interface StockView {
	warehouse_id: string;
	product_mk_id: string;
	amount: number;
	reserved: number;
	microlocation?: string;
	serial_number?: string;
	exp_date?: string;
	/** false when the row exists only because of a reservation */
	stocked: boolean;
}

export function warehouseByMark(c: Company, mark: string | undefined): Warehouse | undefined {
	return mark === undefined ? undefined : c.warehouses.find((w) => w.mark.toLowerCase() === mark.toLowerCase());
}

/** The document's warehouse; an unknown mark was silently replaced by the default warehouse [OBS]. */
export function docWarehouse(c: Company, doc: Doc): Warehouse | undefined {
	return warehouseByMark(c, str(doc.head.warehouse)) ?? c.mainWarehouse();
}

const isMaterial = (p: Product | undefined): boolean => !!p && str(p.fields.service) !== 'true';

/**
 * Current stock = base rows + document movements: acceptance notes add, packing lists remove [INF: the
 * docs name the types (Prevzemnica, Dobavnica), not their stock effect], open sales orders reserve (a new
 * order raises reserved_amount, not amount [OBS recharge-si/recharge-hub]). Bills do not move stock [INF].
 */
export function computeStock(c: Company): StockView[] {
	const rows: StockView[] = c.stock.map((r) => ({ ...r, reserved: 0, stocked: true }));
	const row = (wh: string, pid: string): StockView => {
		let r = rows.find((x) => x.warehouse_id === wh && x.product_mk_id === pid);
		if (!r) {
			r = { warehouse_id: wh, product_mk_id: pid, amount: 0, reserved: 0, stocked: false };
			rows.push(r);
		}
		return r;
	};
	for (const d of c.docs) {
		const kind =
			d.doc_type === 'warehouse_acceptance_note'
				? 'in'
				: d.doc_type === 'warehouse_packing_list'
					? 'out'
					: d.doc_type === 'sales_order' && !RELEASED_ORDER_STATUSES.has(d.status ?? '')
						? 'reserve'
						: undefined;
		if (!kind) continue;
		const wh = docWarehouse(c, d);
		if (!wh) continue;
		for (const l of d.lines) {
			if (!isMaterial(c.product(l.product_mk_id))) continue;
			const r = row(wh.mk_id, l.product_mk_id);
			if (kind === 'reserve') r.reserved += l.amount;
			else {
				r.amount += kind === 'in' ? l.amount : -l.amount;
				r.stocked = true;
			}
		}
	}
	return rows;
}

export function renderStockRow(c: Company, r: StockView): Obj {
	const p = c.product(r.product_mk_id);
	return stringify({
		warehouse_id: r.warehouse_id,
		mk_id: r.product_mk_id,
		count_code: p?.count_code,
		code: p?.fields.code,
		title: p?.fields.name,
		amount: fmt(r.amount),
		reserved_amount: fmt(r.reserved),
		free_amount: fmt(r.amount - r.reserved),
		microlocation: r.microlocation,
		unit: p?.fields.unit,
	}) as Obj;
}

export function warehouseList(c: Company, body: Obj): Obj {
	const offset = Math.max(0, Math.trunc(num(body.offset) ?? 0));
	const limit = Math.min(1000, Math.max(0, Math.trunc(num(body.limit) ?? 1000)));
	const page = c.warehouses.slice(offset, offset + limit);
	return ok({
		offset: String(offset),
		limit: String(limit),
		warehouse_list_count: String(page.length),
		warehouse_list: page.map((w) => ({ ...w })),
	});
}

export function warehouseStock(c: Company, body: Obj): Obj {
	const offset = Math.max(0, Math.trunc(num(body.offset) ?? 0));
	const limit = Math.min(1000, Math.max(0, Math.trunc(num(body.limit) ?? 1000)));
	const whs = csv(body.wh_id_list);
	// product_code_list matches the product `code`, not count_code [OBS].
	const codes = csv(body.product_code_list).map((x) => x.toLowerCase());
	const ids = csv(body.product_mk_id_list);
	const eshop = bool(body.eshop_sync);
	// The table says ..._without_amount, the example ..._without_stock [DOC]; accept both.
	const withReservations =
		bool(body.return_reservation_without_stock) === true || bool(body.return_reservation_without_amount) === true;
	const rows = computeStock(c).filter((r) => {
		const p = c.product(r.product_mk_id);
		if (!p) return false;
		if (!r.stocked && !withReservations) return false;
		if (whs.length && !whs.includes(r.warehouse_id)) return false;
		if (codes.length && !codes.includes((str(p.fields.code) ?? '').toLowerCase())) return false;
		if (ids.length && !ids.includes(p.mk_id)) return false;
		if (eshop !== undefined && (str(p.fields.eshop_sync) === 'true') !== eshop) return false;
		return true;
	});
	const page = rows.slice(offset, offset + limit);
	const echo: Obj = {};
	for (const k of ['wh_id_list', 'product_code_list', 'product_mk_id_list', 'eshop_sync']) {
		if (body[k] !== undefined) echo[k] = Array.isArray(body[k]) ? csv(body[k]).join(',') : str(body[k]);
	}
	return ok({
		...echo,
		offset: String(offset),
		limit: String(limit),
		stock_list_count: String(page.length),
		stock_list: page.map((r) => renderStockRow(c, r)),
	});
}

/**
 * sync_stock [DOC:warehouse_stock_sync.md]: sets stock per warehouse as an inventory; products of a
 * synced warehouse missing from the request are removed (stock_remove_list, a bare object when one).
 * Row errors go to error_list under opr_code "0"; an empty list is a silent success [OBS].
 */
export function syncStock(c: Company, body: Obj): Obj {
	const rows = asArray(body.stock_list);
	const current = computeStock(c);
	const done: Obj[] = [];
	const errors: Obj[] = [];
	const touched = new Map<string, Set<string>>();
	for (const r of rows) {
		const wh = c.warehouses.find((w) => w.mk_id === text(r.warehouse_id));
		const code = text(r.product_code);
		const p = text(r.product_id) ? c.product(text(r.product_id)) : c.products.find((x) => str(x.fields.code) === code);
		if (!wh) {
			errors.push({ ...(stringify(r) as Obj), error: 'Warehouse not found' });
			continue;
		}
		if (!p) {
			errors.push({ ...(stringify(r) as Obj), error: 'Product not found' });
			continue;
		}
		const target = num(r.amount) ?? 0;
		setStock(c, current, wh.mk_id, p.mk_id, target);
		if (!touched.has(wh.mk_id)) touched.set(wh.mk_id, new Set());
		touched.get(wh.mk_id)!.add(p.mk_id);
		done.push({ product_code: str(p.fields.code), product_id: p.mk_id, warehouse_id: wh.mk_id, amount: fmt(target) });
	}
	const removed: Obj[] = [];
	for (const [wh, kept] of touched) {
		for (const r of current) {
			if (r.warehouse_id !== wh || kept.has(r.product_mk_id) || !r.stocked || r.amount === 0) continue;
			setStock(c, current, wh, r.product_mk_id, 0);
			const p = c.product(r.product_mk_id);
			removed.push({ product_code: str(p?.fields.code), product_id: r.product_mk_id, warehouse_id: wh, amount: '0' });
		}
	}
	if (done.length || removed.length) c.touch();
	const reply: Obj = { opr_code: '0', opr_desc: 'Sync successful', opr_time_ms: '0', stock_list: done };
	if (removed.length) reply.stock_remove_list = oneOrList(removed);
	if (errors.length) reply.error_list = errors;
	return reply;
}

/** Adjust base rows so that the computed amount for (warehouse, product) becomes `target` (sync_stock's inventory) [INF]. */
function setStock(c: Company, current: StockView[], wh: string, pid: string, target: number): void {
	const now = current.filter((r) => r.warehouse_id === wh && r.product_mk_id === pid).reduce((s, r) => s + r.amount, 0);
	const delta = target - now;
	const base = c.stock.find((r) => r.warehouse_id === wh && r.product_mk_id === pid);
	if (base) base.amount += delta;
	else c.stock.push({ warehouse_id: wh, product_mk_id: pid, amount: delta });
	for (const r of current) if (r.warehouse_id === wh && r.product_mk_id === pid) r.amount = 0;
	const first = current.find((r) => r.warehouse_id === wh && r.product_mk_id === pid);
	if (first) first.amount = target;
}

export function syncStockNeedsUser(c: Company, body: Obj): Obj | undefined {
	const email = text(body.api_user_email);
	if (!email) return fail('6', "Cannot find email '' for paramether api_user_email");
	if (!c.apiUserEmails.some((e) => e.toLowerCase() === email.toLowerCase())) {
		return fail('6', `Cannot find email '${email}' for paramether api_user_email`);
	}
	return undefined;
}
