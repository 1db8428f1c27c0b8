// Seed data loading. Seeds use the API's own shapes (add_partner, product_add, warehouse_list, put_document).
import { readFileSync } from 'node:fs';
import defaultSeedJson from './seed/default.json';
import path from 'node:path';
import { PROFIT_CENTERS, putDocument } from './documents';
import type { Company, Warehouse } from './model';
import { createPartner } from './partners';
import { createProduct } from './products';
import { warehouseByMark } from './stock';
import { isObj, num, type NumberStyle, type Obj, parseFilterTime, str, stringify, text } from './wire';

export interface SeedStockRow {
	warehouse_mark?: string;
	warehouse_id?: string;
	/** product code (or count_code) */
	code?: string;
	amount: string | number;
	microlocation?: string;
	serial_number?: string;
	exp_date?: string;
}

export interface SeedData {
	/** Users accepted as api_user_email (sync_stock, change_document_status). */
	api_user_emails?: string[];
	/** Profit centers known to the company; put_document rejects others when set. */
	profit_centers?: string[];
	/** add_partner-style partner blocks (+ optional mk_id, count_code, discounts). */
	partners?: Obj[];
	/** product_add-style flat products (+ optional mk_id). */
	products?: Obj[];
	/** warehouse_list-style rows (mark, name, main_warehouse, ...). */
	warehouses?: Obj[];
	stock?: SeedStockRow[];
	/**
	 * put_document bodies. Extra seed-only keys: `created_ts` (timestamp) and `number_format: "sl"`
	 * (sums come back Slovenian-style, e.g. "209,00", as observed live). A partner block holding only
	 * `count_code` or `mk_id` is completed with the partner's main address.
	 */
	documents?: Obj[];
}

export const DEFAULT_API_USER = 'api@sandbox.metakocka.si';

export function loadSeedFile(file: string): SeedData {
	return JSON.parse(readFileSync(path.resolve(file), 'utf8')) as SeedData;
}

export function defaultSeed(): SeedData {
	return structuredClone(defaultSeedJson as unknown as SeedData);
}

function completeBlock(c: Company, block: unknown): unknown {
	if (!isObj(block) || text(block.street) || text(block.mk_address_id)) return block;
	const p = text(block.mk_id) ? c.partner(text(block.mk_id)) : c.partners.find((x) => x.count_code === text(block.count_code));
	return p ? { ...block, mk_id: p.mk_id, mk_address_id: p.addresses[0].mk_id } : block;
}

export function applySeed(c: Company, seed: SeedData): void {
	c.apiUserEmails = [...(seed.api_user_emails ?? [DEFAULT_API_USER])];
	PROFIT_CENTERS.set(c, [...(seed.profit_centers ?? [])]);
	for (const w of seed.warehouses ?? []) {
		const mkId = text(w.mk_id) ?? c.ids.id();
		c.ids.seen(mkId);
		const row = {
			mk_id: mkId,
			same_address_as_company: 'false',
			main_warehouse: 'false',
			include_in_stock_info: 'true',
			active: 'true',
			warehouse_type: 'normal',
			show_product_free_stock: 'false',
			...(stringify(w) as Record<string, string>),
		} as unknown as Warehouse;
		row.mk_id = mkId;
		c.warehouses.push(row);
	}
	for (const p of seed.partners ?? []) createPartner(c, p);
	for (const p of seed.products ?? []) createProduct(c, p);
	for (const s of seed.stock ?? []) {
		const wh = s.warehouse_id ? c.warehouses.find((w) => w.mk_id === s.warehouse_id) : warehouseByMark(c, s.warehouse_mark);
		const p = c.products.find((x) => str(x.fields.code) === s.code || x.count_code === s.code);
		if (!wh || !p) throw new Error(`Seed stock row references unknown warehouse or product: ${JSON.stringify(s)}`);
		c.stock.push({
			warehouse_id: wh.mk_id,
			product_mk_id: p.mk_id,
			amount: num(s.amount) ?? 0,
			microlocation: s.microlocation,
			serial_number: s.serial_number,
			exp_date: s.exp_date,
		});
	}
	for (const [i, d] of (seed.documents ?? []).entries()) {
		const { created_ts, number_format, ...body } = d;
		for (const k of ['partner', 'receiver', 'client']) if (body[k] !== undefined) body[k] = completeBlock(c, body[k]);
		const style: NumberStyle = number_format === 'sl' ? 'sl' : 'dot';
		const res = putDocument(c, body, { numberStyle: style, createdMs: parseFilterTime(created_ts) });
		if (res.opr_code !== '0') throw new Error(`Seed document #${i} rejected: ${String(res.opr_desc)}`);
	}
	c.writes = 0;
}
