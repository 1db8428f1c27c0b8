// Documents: put_document, get_document, update_document, delete_document, change_document_status,
// get_change_documents, put_transaction, mark_orders_as_shipped.
import type { Company, Doc, DocLink, Line, Payment } from './model';
import { resolveBlock } from './partners';
import { codeTooLong, createProduct, findProduct } from './products';
import {
	CHANGE_TRACKED,
	COUNT_PREFIX,
	DELETABLE,
	DOC_SHORT,
	DOC_TYPES,
	PAYMENT_TYPES,
	SALES_BILLS,
	STATUS_CHANGE_TYPES,
	TAX_RATES,
	isBill,
	isWarehouseDoc,
	statusRegister,
} from './registers';
import { warehouseByMark } from './stock';
import {
	asArray,
	bool,
	fail,
	fmt,
	formatTs,
	num,
	ok,
	type NumberStyle,
	type Obj,
	parseDocDate,
	str,
	stringify,
	text,
	todayDate,
} from './wire';

/** Head fields that are dates in the put_document format. */
const DATE_FIELDS = [
	'doc_date',
	'duo_payment',
	'service_to_date',
	'service_from_date',
	'delivery_deadline',
	'finish_date',
	'receive_date',
	'valid_to',
	'delivery_date',
	'shipped_date',
	'shipped_date_expected_seller',
	'packlist_date',
];
/** Keys never stored in the document head. */
const NOT_HEAD = new Set([
	'secret_key',
	'company_id',
	'doc_type',
	'mk_id',
	'count_code',
	'doc_date',
	'partner',
	'receiver',
	'client',
	'product_list',
	'status_code',
	'mark_paid',
	'create_invoice',
	'document_change_log_notes',
	'attachment_list',
	// shown in an example but discarded live; buyer_order is the stored key [OBS]
	'customer_order',
	// No docs page names it (only duo_payment, a date) [INF: ignored]; the package converts days to a date.
	'duo_payment_days',
]);
const LINE_OUT = [
	'name_desc',
	'amount',
	'price',
	'price_with_tax',
	'discount',
	'tax',
	'tax_factor',
	'doc_desc',
	'microlocation',
	'serial_number_value',
	'lot_number_value',
	'expiration_date_value',
];
/** Profit centers of the sandbox company; an unknown one is "6" [OBS]. Empty = no check. */
export const PROFIT_CENTERS = new WeakMap<Company, string[]>();

export const unknownType = (dt: string | undefined): Obj => fail('2', `Unknown document type : ${dt ?? ''}`);
const notFound = (dt: string, id: string | undefined): Obj =>
	fail('2', `Cannot find document type ${dt} with id = ${id ?? 'null'}`);
const invalidValue = (param: string, value: string, valid: string[]): Obj =>
	fail('2', `Paramether '${param}' has invalid value : ${value}. Valid values : ${valid.join(',')}`);
// Live put_document answered "6" for dates it did not accept [OBS]; the wording is ours.
const invalidDate = (param: string, value: unknown): Obj =>
	fail('6', `Paramether '${param}' has invalid date value : ${str(value) ?? ''}. Use yyyy-MM-dd+02:00 or dd.MM.yyyy`);

function docTypeError(dt: string | undefined): Obj | undefined {
	return dt && DOC_TYPES.includes(dt) ? undefined : unknownType(dt);
}

// --- lines and sums ----------------------------------------------------------------------------

function taxKeyForRate(rate: number): string {
	const ex = Object.entries(TAX_RATES).find(([k, r]) => k.startsWith('EX') && Math.abs(r - rate) < 1e-9);
	return ex ? ex[0].toLowerCase() : String(Math.round(rate * 10)).padStart(3, '0');
}

type LinesResult = { lines: Line[] } | { error: Obj };

/**
 * Build document lines. Products are found by count_code, code or mk_id; an unknown product is
 * created when `unit` is given, else the call fails with product_not_found_list [DOC:documents_put_document_whdocs.md].
 */
function buildLines(c: Company, raw: Obj[], keepRowIds: Array<string | undefined> = []): LinesResult {
	const lines: Line[] = [];
	const missing: Obj[] = [];
	let lastMissing = '';
	for (const [i, l] of raw.entries()) {
		const cc = text(l.count_code);
		const code = text(l.code);
		const mk = text(l.mk_id);
		let p = findProduct(c, { count_code: cc }) ?? findProduct(c, { code }) ?? findProduct(c, { mk_id: mk });
		if (!p && text(l.unit)) {
			const longCode = codeTooLong(code ?? cc);
			if (longCode) return { error: longCode };
			p = createProduct(c, {
				count_code: cc,
				code: code ?? cc,
				name: text(l.name) ?? code ?? cc,
				name_desc: text(l.name_desc),
				unit: text(l.unit),
				service: text(l.service),
				sales: text(l.sales),
				purchasing: text(l.purchasing),
				barcode: text(l.barcode),
			});
		}
		if (!p) {
			missing.push(stringify(l) as Obj);
			lastMissing = code ?? cc ?? mk ?? '';
			continue;
		}
		const label = str(p.fields.code) ?? p.count_code;
		const amount = num(l.amount);
		if (amount === undefined) return { error: fail('2', `Paramether amount must be set for product ${label}`) };
		if (amount < 0 && str(p.fields.service) !== 'true') {
			// Negative lines must be services (coupon pattern) [DOC:documents_concept.md].
			return { error: fail('2', `Product ${label} with negative amount must be service`) };
		}
		let rate: number;
		let taxKey: string;
		const tax = text(l.tax);
		const factor = num(l.tax_factor);
		if (tax) {
			const r = TAX_RATES[tax.toUpperCase()];
			if (r === undefined) return { error: invalidValue('tax', tax, Object.keys(TAX_RATES)) };
			rate = r;
			taxKey = tax.toLowerCase();
		} else if (factor !== undefined) {
			rate = factor * 100;
			taxKey = taxKeyForRate(rate);
		} else {
			// Missing tax was rejected live [OBS].
			return { error: fail('2', `Paramether tax or tax_factor must be set for product ${label}`) };
		}
		const price = num(l.price);
		const gross = num(l.price_with_tax);
		if (price === undefined && gross === undefined) {
			return { error: fail('2', `Paramether price or price_with_tax must be set for product ${label}`) };
		}
		let discountFactor = 1;
		const disc = text(l.discount);
		if (disc) {
			// Chained discounts "22;23" [DOC].
			for (const part of disc.split(';')) {
				const d = num(part);
				if (d === undefined) {
					return { error: fail('2', "Paramether discount must be valid number or numbers separate by semicolon (for example : 10;20)") };
				}
				discountFactor *= 1 - d / 100;
			}
		}
		const input = stringify(l) as Obj;
		for (const k of ['mk_id', 'count_code', 'code', 'mk_row_id', 'mark_delete']) delete input[k];
		lines.push({
			mk_row_id: keepRowIds[i] ?? c.ids.id(),
			product_mk_id: p.mk_id,
			input,
			amount,
			netUnit: price ?? gross! / (1 + rate / 100),
			rate,
			taxKey,
			discountFactor,
		});
	}
	if (missing.length) {
		return {
			error: fail('2', `Product with code ${lastMissing} not found - unit must be set to add new product`, {
				product_not_found_list: missing,
			}),
		};
	}
	return { lines };
}

interface Sums {
	values: Obj;
	all: number;
}

/** sum_* are always recalculated from the lines [DOC:documents_concept.md]. */
function computeSums(doc: Doc): Sums {
	const style: NumberStyle = doc.number_style;
	let net = 0;
	let undiscounted = 0;
	const taxes = new Map<string, number>();
	for (const l of doc.lines) {
		const n = l.amount * l.netUnit * l.discountFactor;
		net += n;
		undiscounted += l.amount * l.netUnit * (1 + l.rate / 100);
		taxes.set(l.taxKey, (taxes.get(l.taxKey) ?? 0) + (n * l.rate) / 100);
	}
	const taxTotal = [...taxes.values()].reduce((s, t) => s + t, 0);
	const gross = net + taxTotal;
	let factor = 1;
	const pct = num(doc.head.discount_percent);
	const value = num(doc.head.discount_value);
	// discount_value is an absolute (gross) amount [OBS]; discount_percent a share.
	if (value !== undefined && gross > 0) factor = Math.max(0, (gross - value) / gross);
	else if (pct !== undefined) factor = 1 - pct / 100;
	const all = gross * factor;
	const values: Obj = {};
	if (!doc.lines.length) return { values, all: 0 };
	values.sum_basic = fmt(net * factor, style);
	if (undiscounted - all > 0.005) values.sum_discount = fmt(undiscounted - all, style);
	for (const [k, t] of taxes) values[`sum_tax_${k}`] = fmt(t * factor, style);
	const prePct = num(doc.head.prepayment_percent);
	const preVal = num(doc.head.prepayment_value);
	if (preVal !== undefined || prePct !== undefined) values.sum_prepayment = fmt(preVal ?? (all * prePct!) / 100, style);
	values.sum_all = fmt(all, style);
	const paid = paidAmount(doc);
	if (doc.payments.length) values.sum_paid = fmt(paid, style);
	return { values, all };
}

export function paidAmount(doc: Doc): number {
	return doc.payments.reduce((s, p) => s + (p.payment_mode === 'return' ? -p.amount : p.amount), 0);
}

export function docTotal(doc: Doc): number {
	return computeSums(doc).all;
}

// --- rendering ----------------------------------------------------------------------------------

/** get_document shape: the document at the top level, status_code = label, status_desc = key [DOC]. */
export function renderDoc(c: Company, doc: Doc, flags: Obj = {}): Obj {
	const out: Obj = { mk_id: doc.mk_id, doc_type: doc.doc_type, opr_code: '0', count_code: doc.count_code, doc_date: doc.doc_date };
	if (isBill(doc.doc_type)) out.publish_ts = formatTs(doc.created_ms);
	if (doc.partner) out.partner = doc.partner;
	if (doc.receiver) out.receiver = doc.receiver;
	if (doc.client) out.client = doc.client;
	for (const [k, v] of Object.entries(doc.head)) if (k !== 'extra_column') out[k] = v;
	if (doc.status) {
		out.status_code = statusRegister(doc.doc_type)[doc.status] ?? doc.status;
		out.status_desc = doc.status;
	}
	out.product_list = doc.lines.map((l) => {
		const p = c.product(l.product_mk_id);
		const line: Obj = {
			count_code: p?.count_code,
			mk_id: l.product_mk_id,
			code: p?.fields.code,
			name: l.input.name ?? p?.fields.name,
			unit: p?.fields.unit,
		};
		for (const k of LINE_OUT) if (l.input[k] !== undefined) line[k] = l.input[k];
		if (bool(flags.show_tax_factor)) line.tax_factor = String(l.rate / 100);
		if (bool(flags.show_product_metadata) && l.input.meta_data) line.meta_data = l.input.meta_data;
		if (bool(flags.show_product_detail)) {
			line.type = str(p?.fields.service) === 'true' ? 'service' : 'material';
			line.mk_row_id = l.mk_row_id;
		}
		return line;
	});
	Object.assign(out, computeSums(doc).values);
	if (bool(flags.show_payment_detail) && doc.payments.length) {
		out.mark_paid = doc.payments.map((p) => ({
			payment_type: p.payment_type,
			date: p.date,
			amount: fmt(p.amount, doc.number_style),
			payment_tip: p.payment_mode ?? 'payment',
		}));
	}
	out.created_ts = formatTs(doc.created_ms);
	const billNo = str(doc.head.credit_note_bill);
	if (billNo && doc.doc_type.endsWith('credit_note')) {
		// A credit note names its invoice in bill_for_credit_note [OBS time-4-action/t4a-admin lib/metakocka.ts].
		const group = doc.doc_type.startsWith('purchase') ? 'purchase_bill' : 'sales_bill';
		const bill = c.docs.filter((d) => d.doc_type.startsWith(group) && !d.doc_type.endsWith('credit_note') && d.count_code === billNo).pop();
		if (bill) out.bill_for_credit_note = { mk_id: bill.mk_id, count_code: bill.count_code };
	}
	if (doc.links.length) out.doc_link_list = doc.links;
	if (doc.head.extra_column) out.extra_column = doc.head.extra_column;
	return stringify(out) as Obj;
}

// --- put_document ---------------------------------------------------------------------------------

function nextCountCode(c: Company, dt: string, prefix = COUNT_PREFIX[dt] ?? 'DOC-'): string {
	const key = `${dt}|${prefix}`;
	let code: string;
	do code = `${prefix}${(c.docNumber[key] = (c.docNumber[key] ?? 1000) + 1)}`;
	while (c.docs.some((d) => d.doc_type === dt && d.count_code === code));
	return code;
}

function validateDates(body: Obj): Obj | undefined {
	for (const k of DATE_FIELDS) {
		if (body[k] === undefined || body[k] === null || body[k] === '') continue;
		if (!parseDocDate(body[k])) return invalidDate(k, body[k]);
	}
	return undefined;
}

function validateStatus(dt: string, status: string | undefined): Obj | undefined {
	if (!status) return undefined;
	const reg = statusRegister(dt);
	return status in reg ? undefined : invalidValue('status_code', status, Object.keys(reg));
}

function buildPayments(marks: Obj[], total: number): Payment[] | Obj {
	const out: Payment[] = [];
	for (const m of marks) {
		const type = text(m.payment_type) ?? '';
		if (!PAYMENT_TYPES.includes(type)) return invalidValue('payment_type', type, PAYMENT_TYPES);
		const date = parseDocDate(m.date);
		if (!date) return invalidDate('date', m.date);
		out.push({ payment_type: type, date, amount: num(m.amount) ?? total, payment_mode: 'payment' });
	}
	return out;
}

function headFrom(c: Company, body: Obj): { head: Obj } | { error: Obj } {
	const head: Obj = {};
	for (const [k, v] of Object.entries(body)) {
		if (NOT_HEAD.has(k) || v === null || v === undefined || /^(show|return)_/.test(k)) continue;
		head[k] = DATE_FIELDS.includes(k) ? parseDocDate(v) : stringify(v);
	}
	const pc = text(body.profit_center);
	const centers = PROFIT_CENTERS.get(c) ?? [];
	if (pc && centers.length && !centers.includes(pc)) return { error: fail('6', `Profit center '${pc}' doesn't exist.`) };
	if (text(body.warehouse)) {
		// An unknown warehouse mark is silently replaced by the default warehouse [OBS].
		head.warehouse = warehouseByMark(c, text(body.warehouse))?.mark ?? c.mainWarehouse()?.mark;
	}
	return { head };
}

function linkDocs(c: Company, body: Obj): DocLink[] {
	const sources: Array<[string, string[]]> = [
		['offer_list', ['sales_offer']],
		['order_list', ['purchase_order']],
		['sales_order_list', ['sales_order']],
		['receiving_note_list', ['warehouse_receiving_note']],
		['delivery_note_list', ['warehouse_delivery_note']],
	];
	const links: DocLink[] = [];
	for (const [key, types] of sources) {
		for (const ref of asArray(body[key])) {
			const cc = text(ref.count_code);
			const bo = text(ref.buyer_order);
			const d = c.docs.find((x) => types.includes(x.doc_type) && ((cc && x.count_code === cc) || (bo && str(x.head.buyer_order) === bo)));
			if (d) links.push({ mk_id: d.mk_id, count_code: d.count_code, doc_type: d.doc_type });
		}
	}
	return links;
}

/** put_document types: documents_put_document*.md (bills: the 2.2 list plus the prepaid example). */
const PUT_TYPES = new Set(DOC_TYPES.filter((t) => t !== 'purchase_bill_prepaid'));

/**
 * Head fields of the docs' minimum requests [DOC:documents_put_document.md]: sales bills carry
 * service_to_date and duo_payment, purchase bills duo_payment and receive_date, credit notes
 * credit_note_type (+ credit_note_bill for financial/goods). That Metakocka refuses a bill without
 * them, and the wording, are [INF]: the package sends them either way.
 */
function billHeadError(c: Company, dt: string, body: Obj): Obj | undefined {
	const missing = (k: string): boolean => !text(body[k]);
	const need = (keys: string[]): Obj | undefined => {
		const k = keys.find(missing);
		return k ? fail('2', `Paramether ${k} must be set for document type ${dt}`) : undefined;
	};
	if (dt === 'sales_bill_credit_note' || dt === 'purchase_bill_credit_note') {
		const err = need(['service_to_date', 'duo_payment']);
		if (err) return err;
		const type = text(body.credit_note_type) ?? '';
		const types = ['financial', 'goods', 'standalone'];
		if (!types.includes(type)) return invalidValue('credit_note_type', type, types);
		if (type === 'standalone') return body.partner === undefined ? fail('2', 'Partner data are missing') : undefined;
		const billNo = text(body.credit_note_bill);
		if (!billNo) return fail('2', `Paramether credit_note_bill must be set for credit_note_type ${type}`);
		// "If more than one invoice has this count_code, the last one will be used" [DOC].
		const billType = dt.startsWith('purchase') ? 'purchase_bill' : 'sales_bill';
		const bill = c.docs.filter((d) => d.doc_type.startsWith(billType) && !d.doc_type.endsWith('credit_note') && d.count_code === billNo).pop();
		if (!bill) return fail('2', `Cannot find bill with count_code = ${billNo}`);
		const lines = asArray(body.product_list);
		if (type === 'financial') {
			// "products in product_list must be service, not material type" [DOC].
			for (const l of lines) {
				const p = findProduct(c, { count_code: text(l.count_code) }) ?? findProduct(c, { code: text(l.code) });
				if (p && str(p.fields.service) !== 'true') return fail('2', `Product ${str(p.fields.code) ?? p.count_code} on a financial credit note must be service`);
			}
		} else {
			// "products in product_list must be the same as on linked invoice" [DOC].
			const onBill = new Set(bill.lines.map((l) => l.product_mk_id));
			for (const l of lines) {
				const p = findProduct(c, { count_code: text(l.count_code) }) ?? findProduct(c, { code: text(l.code) });
				if (!p || !onBill.has(p.mk_id)) return fail('2', `Product ${text(l.code) ?? text(l.count_code) ?? ''} is not on bill ${billNo}`);
			}
		}
		return undefined;
	}
	if (SALES_BILLS.includes(dt as (typeof SALES_BILLS)[number])) return need(['service_to_date', 'duo_payment']);
	if (dt === 'purchase_bill_domestic' || dt === 'purchase_bill_foreign') return need(['duo_payment', 'receive_date']);
	return undefined;
}

export interface PutOptions {
	numberStyle?: NumberStyle;
	createdMs?: number;
}

/**
 * put_document: mk_id present ⇒ replace that document (count_code ignored, lines replaced, sums
 * recomputed) [DOC]; absent ⇒ ALWAYS insert, even when count_code exists — then MK numbers it
 * itself [OBS]. That is why clients must never blind-retry a put.
 */
export function putDocument(c: Company, body: Obj, opts: PutOptions = {}): Obj {
	const dt = text(body.doc_type);
	const typeErr = docTypeError(dt);
	if (typeErr || !dt) return typeErr ?? unknownType(dt);
	// documents_put_document.md lists the bill types put_document takes; purchase_bill_prepaid is
	// only named by documents_get_document_bill.md. Refusing it is [INF] (the real answer is unknown).
	if (!PUT_TYPES.has(dt)) return unknownType(dt);
	const mkId = text(body.mk_id);
	const existing = mkId ? c.findDoc(dt, mkId) : undefined;
	if (mkId && !existing) return notFound(dt, mkId);
	const dateErr = validateDates(body);
	if (dateErr) return dateErr;
	const status = text(body.status_code);
	const statusErr = validateStatus(dt, status);
	if (statusErr) return statusErr;
	for (const m of asArray(body.mark_paid)) {
		if (m.payment_type !== undefined && !PAYMENT_TYPES.includes(text(m.payment_type) ?? '')) {
			return invalidValue('payment_type', text(m.payment_type) ?? '', PAYMENT_TYPES);
		}
	}
	const headResult = headFrom(c, body);
	if ('error' in headResult) return headResult.error;
	const billErr = billHeadError(c, dt, body);
	if (billErr) return billErr;

	let partnerBlock: Obj | undefined;
	const creditLinked = ['financial', 'goods'].includes(text(body.credit_note_type) ?? '');
	if (body.partner === undefined && creditLinked) {
		// Credit notes against an invoice take the partner from it [DOC]; the last bill with that number wins.
		const billType = dt.startsWith('purchase') ? 'purchase_bill' : 'sales_bill';
		const bill = c.docs.filter((d) => d.doc_type.startsWith(billType) && d.count_code === text(body.credit_note_bill)).pop();
		if (!bill) return fail('2', `Cannot find bill with count_code = ${text(body.credit_note_bill) ?? 'null'}`);
		partnerBlock = bill.partner;
	} else {
		const r = resolveBlock(c, body.partner);
		if (!r.ok) return r.error;
		partnerBlock = r.block;
	}
	const extraBlocks: Obj = {};
	for (const k of ['receiver', 'client'] as const) {
		if (body[k] === undefined) continue;
		const r = resolveBlock(c, body[k]);
		if (!r.ok) return r.error;
		extraBlocks[k] = r.block;
	}
	const built = buildLines(c, asArray(body.product_list));
	if ('error' in built) {
		// The docs' example error still reports the (already created) partner.
		return { ...built.error, ...(partnerBlock?.mk_id ? { partner: { mk_id: partnerBlock.mk_id } } : {}) };
	}

	const now = Date.now();
	const doc: Doc = existing ?? {
		mk_id: c.ids.id(),
		doc_type: dt,
		count_code: '',
		doc_date: '',
		head: {},
		lines: [],
		statusHistory: [],
		payments: [],
		links: [],
		created_ms: opts.createdMs ?? now,
		change_ms: now,
		change_seq: 0,
		number_style: opts.numberStyle ?? 'dot',
	};
	if (!existing) {
		const cc = text(body.count_code);
		if (cc?.startsWith('COUNT_CODE_SELECT#')) doc.count_code = nextCountCode(c, dt, cc.slice('COUNT_CODE_SELECT#'.length));
		else if (!cc || c.docs.some((d) => d.doc_type === dt && d.count_code === cc)) doc.count_code = nextCountCode(c, dt);
		else doc.count_code = cc;
	}
	// Replace semantics: the whole document is rewritten [DOC]; omitting product_list empties it [OBS].
	doc.doc_date = parseDocDate(body.doc_date) ?? todayDate(opts.createdMs ?? now);
	doc.head = headResult.head;
	doc.partner = partnerBlock;
	doc.receiver = extraBlocks.receiver as Obj | undefined;
	doc.client = extraBlocks.client as Obj | undefined;
	doc.lines = built.lines;
	doc.links = linkDocs(c, body);
	// Replace rewrites the whole document, statuses included [DOC:documents_concept.md "you always change
	// the whole document values"]: a replace without status_code leaves it without status [INF: cleared,
	// not reset to the default; the package always sends the status it wants kept].
	if (existing) setStatus(doc, status, now);
	else setStatus(doc, status ?? defaultStatus(dt), opts.createdMs ?? now);
	// mark_paid replaces payments; omitted or [] keeps them; [{"amount":"0.00"}] clears them [DOC][OBS].
	const marks = asArray(body.mark_paid);
	if (marks.length === 1 && num(marks[0].amount) === 0) doc.payments = [];
	else if (marks.length) {
		const pays = buildPayments(marks, computeSums(doc).all);
		if (!Array.isArray(pays)) return pays;
		doc.payments = pays;
	}
	if (!existing) c.docs.push(doc);
	c.touch(doc);

	const reply = ok({
		document_type_short: DOC_SHORT[dt],
		...(doc.partner?.mk_id ? { partner: { mk_id: doc.partner.mk_id } } : {}),
		mk_id: doc.mk_id,
		count_code: doc.count_code,
	});
	if (dt === 'sales_order' && bool(body.create_invoice)) {
		const bill = createInvoice(c, doc);
		reply.attachment_list = [{ bill_mk_id: bill.mk_id }];
		reply.total_price = computeSums(doc).all.toFixed(2);
	}
	return reply;
}

function defaultStatus(dt: string): string | undefined {
	if (dt === 'sales_order') return 'new_order';
	if (isBill(dt)) return 'created';
	return undefined;
}

function setStatus(doc: Doc, key: string | undefined, ms = Date.now()): void {
	if ((doc.status ?? '') === (key ?? '')) return;
	doc.status = key || undefined;
	if (key) doc.statusHistory.push({ key, ms });
}

/** create_invoice: a domestic sales bill from the order, linked both ways [DOC]. */
function createInvoice(c: Company, order: Doc): Doc {
	const now = Date.now();
	const bill: Doc = {
		...order,
		mk_id: c.ids.id(),
		doc_type: 'sales_bill_domestic',
		count_code: nextCountCode(c, 'sales_bill_domestic'),
		head: { ...order.head, duo_payment: order.head.duo_payment ?? order.doc_date },
		lines: order.lines.map((l) => ({ ...l, mk_row_id: c.ids.id() })),
		statusHistory: [],
		payments: [...order.payments],
		links: [{ mk_id: order.mk_id, count_code: order.count_code, doc_type: order.doc_type }],
		created_ms: now,
		status: undefined,
	};
	setStatus(bill, 'created', now);
	c.docs.push(bill);
	order.links.push({ mk_id: bill.mk_id, count_code: bill.count_code, doc_type: bill.doc_type });
	c.touch(bill);
	c.touch(order);
	return bill;
}

// --- get_document -------------------------------------------------------------------------------

type FindResult = { doc: Doc } | { error: Obj };

/** get_document takes doc_id; update/delete take mk_id (same value) [OBS]. */
function locate(c: Company, dt: string, body: Obj, idKey: 'doc_id' | 'mk_id', allowCountCode: boolean): FindResult {
	const id = text(body[idKey]);
	if (id) {
		const doc = c.findDoc(dt, id);
		return doc ? { doc } : { error: notFound(dt, id) };
	}
	const bo = text(body.buyer_order);
	if (bo && dt === 'sales_order') {
		const doc = c.docsOf(dt).filter((d) => str(d.head.buyer_order) === bo).pop();
		return doc ? { doc } : { error: fail('6', `Cannot find sales order with buyer order '${bo}'`) };
	}
	const cc = allowCountCode ? (text(body.doc_count_code) ?? text(body.count_code)) : text(body.doc_count_code);
	if (cc) {
		const doc = c.docsOf(dt).filter((d) => d.count_code === cc).pop();
		return doc ? { doc } : { error: fail('2', `Cannot find document type ${dt} with count_code = ${cc}`) };
	}
	return { error: notFound(dt, undefined) };
}

export function getDocument(c: Company, body: Obj): Obj {
	const dt = text(body.doc_type);
	const typeErr = docTypeError(dt);
	if (typeErr || !dt) return typeErr ?? unknownType(dt);
	const found = locate(c, dt, body, 'doc_id', false);
	if ('error' in found) return found.error;
	return renderDoc(c, found.doc, body);
}

// --- update_document ----------------------------------------------------------------------------

/** documents_update_document_sales_order.md: head fields applied (status, tracking, lines, partner handled apart). */
const SALES_ORDER_FIELDS = [
	'delivery_type',
	'tracking_intermediate_code',
	'discount_value',
	'parcel_shop_id',
	'notes',
	'notes_header',
	'shipped_date',
];
/** documents_update_document_whdocs.md; pricelist/packlist fields only for the types its table names. */
const WAREHOUSE_ONLY: Record<string, string[]> = {
	sales_pricelist_code: ['warehouse_delivery_note', 'warehouse_packing_list'],
	purchase_pricelist_code: ['warehouse_receiving_note', 'warehouse_acceptance_note'],
	packlist_code: ['warehouse_acceptance_note'],
	packlist_date: ['warehouse_acceptance_note'],
};
const WAREHOUSE_FIELDS = [
	'title',
	'currency_code',
	'buyer_order',
	'commercialist_email',
	'write_off',
	'discount_percent',
	'discount_value',
	'pariteta',
	'profit_center',
	'sales_pricelist_code',
	'purchase_pricelist_code',
	'packlist_code',
	'packlist_date',
	'delivery_type',
	'notes',
	'order_list',
	'receiving_note_list',
	'offer_list',
	'workorder_list',
	'sales_order_list',
	'delivery_note_list',
	'meta_data',
	'doc_created_email',
];

function setExtraColumn(doc: Doc, name: string, value: string | undefined): void {
	const cols = (Array.isArray(doc.head.extra_column) ? (doc.head.extra_column as Obj[]) : []).filter((x) => x.name !== name);
	if (value !== undefined) cols.push({ name, value });
	if (cols.length) doc.head.extra_column = cols;
	else delete doc.head.extra_column;
}

/** Line edits: mk_row_id = update, mark_delete = delete, none = add [DOC]. */
function editLines(c: Company, doc: Doc, items: Obj[], positiveOnly: boolean): Obj | undefined {
	const next = [...doc.lines];
	for (const item of items) {
		const rowId = text(item.mk_row_id);
		if (positiveOnly && !bool(item.mark_delete) && !((num(item.amount) ?? 0) > 0)) {
			// Warehouse docs: amount must be > 0 [DOC:documents_update_document_whdocs.md].
			return fail('2', 'Product amount must be greater than 0');
		}
		if (rowId) {
			const idx = next.findIndex((l) => l.mk_row_id === rowId);
			if (idx < 0) return fail('2', `Cannot find product row with mk_row_id = ${rowId}`);
			if (bool(item.mark_delete)) {
				next.splice(idx, 1);
				continue;
			}
			const old = next[idx];
			const p = c.product(old.product_mk_id);
			const merged: Obj = { mk_id: old.product_mk_id, code: p?.fields.code, ...old.input, ...item };
			if (item.price_with_tax !== undefined && item.price === undefined) delete merged.price;
			if (item.price !== undefined && item.price_with_tax === undefined) delete merged.price_with_tax;
			if (item.tax_factor !== undefined && item.tax === undefined) delete merged.tax;
			const built = buildLines(c, [merged], [rowId]);
			if ('error' in built) return built.error;
			next[idx] = built.lines[0];
			continue;
		}
		if (bool(item.mark_delete)) continue;
		const built = buildLines(c, [item]);
		if ('error' in built) return built.error;
		next.push(...built.lines);
	}
	doc.lines = next;
	return undefined;
}

/** product_remove: by mk_row_id, or all rows with that code/mk_id; `amount` decreases instead [DOC]. */
function removeLines(c: Company, doc: Doc, items: Obj[]): void {
	for (const item of items) {
		const rowId = text(item.mk_row_id);
		const code = text(item.code);
		const mk = text(item.mk_id);
		const matches = (l: Line): boolean =>
			rowId ? l.mk_row_id === rowId : mk ? l.product_mk_id === mk : !!code && str(c.product(l.product_mk_id)?.fields.code) === code;
		let left = num(item.amount);
		if (left === undefined) {
			doc.lines = doc.lines.filter((l) => !matches(l));
			continue;
		}
		for (const l of doc.lines.filter(matches)) {
			if (left <= 0) break;
			const take = Math.min(left, l.amount);
			l.amount -= take;
			l.input.amount = fmt(l.amount);
			left -= take;
		}
		doc.lines = doc.lines.filter((l) => !(matches(l) && l.amount <= 0));
	}
}

export function updateDocument(c: Company, body: Obj): Obj {
	const dt = text(body.doc_type);
	const typeErr = docTypeError(dt);
	if (typeErr || !dt) return typeErr ?? unknownType(dt);
	const dateErr = validateDates(body);
	if (dateErr) return dateErr;
	const status = str(body.status_code);
	const statusErr = validateStatus(dt, status?.trim());
	if (statusErr) return statusErr;

	if (isBill(dt)) {
		// Bills: status_code only ("" clears); by mk_id or count_code [DOC:documents_update_document_bill.md].
		const found = locate(c, dt, body, 'mk_id', true);
		if ('error' in found) return found.error;
		if (status !== undefined && (found.doc.status ?? '') !== status.trim()) {
			setStatus(found.doc, status.trim());
			c.touch(found.doc);
		}
		return ok();
	}
	if (dt !== 'sales_order' && !isWarehouseDoc(dt)) {
		// Offers and purchase orders have no update page [DOC: documents_concept.md's table ticks Update,
		// no page documents a field]. Modelled as the dangerous reading: "0" and nothing changes [INF].
		const found = locate(c, dt, body, 'mk_id', false);
		return 'error' in found ? found.error : ok();
	}
	if (dt !== 'sales_order' && !text(body.mk_id)) return fail('2', 'Paramether mk_id must be set');
	const found = locate(c, dt, body, 'mk_id', false);
	if ('error' in found) return found.error;
	const doc = found.doc;
	const before = JSON.stringify(renderDoc(c, doc, { show_product_detail: 'true' }));
	const snapshot = structuredClone({ head: doc.head, lines: doc.lines, partner: doc.partner, receiver: doc.receiver, client: doc.client });

	const fail_ = (e: Obj): Obj => {
		// Atomic: a failed update leaves the document as it was.
		Object.assign(doc, snapshot);
		return e;
	};
	for (const k of ['partner', 'receiver', ...(dt === 'sales_order' ? [] : ['client'])] as const) {
		if (body[k] === undefined) continue;
		const r = resolveBlock(c, body[k]);
		if (!r.ok) return fail_(r.error);
		doc[k as 'partner'] = r.block;
	}
	if (text(body.warehouse)) doc.head.warehouse = warehouseByMark(c, text(body.warehouse))?.mark ?? c.mainWarehouse()?.mark;
	const fields = dt === 'sales_order' ? SALES_ORDER_FIELDS : WAREHOUSE_FIELDS;
	for (const k of fields) {
		if (body[k] === undefined || body[k] === null) continue;
		if (WAREHOUSE_ONLY[k] && !WAREHOUSE_ONLY[k].includes(dt)) continue;
		doc.head[k] = DATE_FIELDS.includes(k) ? parseDocDate(body[k]) : stringify(body[k]);
	}
	for (const col of asArray(body.extra_column)) if (text(col.name)) setExtraColumn(doc, text(col.name)!, str(col.value));
	if (dt === 'sales_order') {
		// Tracking numbers live in extra_column [DOC:documents_get_document_sales_order.md].
		if (text(body.tracking_code)) setExtraColumn(doc, 'tracking_number', text(body.tracking_code));
		for (const f of Array.isArray(body.clear) ? body.clear : []) {
			if (f === 'tracking_code') setExtraColumn(doc, 'tracking_number', undefined);
			if (f === 'notes' || f === 'notes_header') delete doc.head[f];
		}
		if (text(body.count_code_new)) doc.count_code = text(body.count_code_new)!;
		removeLines(c, doc, asArray(body.product_remove));
	}
	// product_add is documented for sales orders only; warehouse documents take product_list [DOC].
	const items = [...(dt === 'sales_order' ? asArray(body.product_add) : []), ...asArray(body.product_list)];
	const lineErr = editLines(c, doc, items, isWarehouseDoc(dt));
	if (lineErr) return fail_(lineErr);
	if (status !== undefined) setStatus(doc, status.trim());

	// Values change only when different [DOC]: an identical update is not a change.
	const changed = before !== JSON.stringify(renderDoc(c, doc, { show_product_detail: 'true' }));
	if (changed) c.touch(doc);
	if (dt === 'sales_order' && bool(body.create_invoice)) createInvoice(c, doc);
	if (isWarehouseDoc(dt)) return ok({ document_type_short: DOC_SHORT[dt], mk_id: doc.mk_id, count_code: doc.count_code });
	return ok();
}

// --- delete_document ----------------------------------------------------------------------------

export function deleteDocument(c: Company, body: Obj): Obj {
	const dt = text(body.doc_type);
	// No doc_type answered a bare internal error live [OBS].
	if (!dt) return fail('1', 'Internal server error.');
	const typeErr = docTypeError(dt);
	if (typeErr) return typeErr;
	const mkId = text(body.mk_id);
	// doc_id instead of mk_id → this error [OBS].
	if (!mkId) return fail('2', 'Paramether mk_id must be set');
	if (!DELETABLE.has(dt)) return fail('2', `Delete is not supported for document type : ${dt}`);
	const doc = c.findDoc(dt, mkId);
	if (!doc) return notFound(dt, mkId);
	c.docs = c.docs.filter((d) => d !== doc);
	c.touch();
	return ok();
}

// --- change_document_status -----------------------------------------------------------------------

export function changeDocumentStatus(c: Company, body: Obj): Obj {
	const dt = text(body.doc_type);
	if (!dt || !STATUS_CHANGE_TYPES.includes(dt)) return invalidValue('doc_type', dt ?? '', STATUS_CHANGE_TYPES);
	const email = text(body.api_user_email);
	if (email && !c.apiUserEmails.some((e) => e.toLowerCase() === email.toLowerCase())) {
		return fail('6', `Cannot find email '${email}' for paramether api_user_email`);
	}
	const status = text(body.status_code);
	if (!status) return fail('2', 'Paramether status_code must be set');
	const statusErr = validateStatus(dt, status);
	if (statusErr) return statusErr;
	const targets: Doc[] = [];
	const ids = Array.isArray(body.mk_id_list) ? body.mk_id_list.map((x) => str(x) ?? '') : text(body.mk_id) ? [text(body.mk_id)!] : [];
	if (ids.length) {
		for (const id of ids) {
			const d = c.findDoc(dt, id);
			if (!d) return notFound(dt, id);
			targets.push(d);
		}
	} else {
		const found = locate(c, dt, body, 'mk_id', false);
		if ('error' in found) return found.error;
		targets.push(found.doc);
	}
	for (const d of targets) {
		if (d.status === status) continue;
		setStatus(d, status);
		c.touch(d);
	}
	return ok();
}

// --- get_change_documents --------------------------------------------------------------------------

/**
 * [INF] Request/response are undocumented (documents_concept.md only says "documents that change
 * after last call", for the four warehouse types): `{doc_type}` → result list, per company+doc_type cursor.
 */
export function getChangeDocuments(c: Company, body: Obj): Obj {
	const dt = text(body.doc_type);
	const typeErr = docTypeError(dt);
	if (typeErr || !dt) return typeErr ?? unknownType(dt);
	if (!CHANGE_TRACKED.has(dt)) return fail('2', `get_change_documents is not supported for document type : ${dt}`);
	const since = c.cursors.get(dt) ?? 0;
	const changed = c.docsOf(dt).filter((d) => d.change_seq > since).sort((a, b) => a.change_seq - b.change_seq);
	c.cursors.set(dt, c.changeSeq);
	return ok({
		result_count: String(changed.length),
		result: changed.map((d) => ({ mk_id: d.mk_id, count_code: d.count_code, doc_type: d.doc_type })),
	});
}

// --- payments and shipping ------------------------------------------------------------------------

const TRANSACTION_TYPES = ['bill', 'sales_offer', 'sales_order', 'sales_bill_domestic', 'sales_bill_foreign', 'sales_bill_retail', 'purchase_bill_domestic', 'purchase_bill_foreign'];

export function putTransaction(c: Company, body: Obj): Obj {
	const dt = text(body.doc_type);
	if (!dt || !TRANSACTION_TYPES.includes(dt)) return invalidValue('doc_type', dt ?? '', TRANSACTION_TYPES);
	// "bill" means any sales bill [INF].
	const types = dt === 'bill' ? [...SALES_BILLS] : [dt];
	const mkId = text(body.mk_id);
	const cc = text(body.count_code);
	const bo = text(body.buyer_order);
	const doc = c.docs.find(
		(d) =>
			types.includes(d.doc_type) &&
			(mkId ? d.mk_id === mkId : cc ? d.count_code === cc : dt === 'sales_order' && !!bo && str(d.head.buyer_order) === bo),
	);
	if (!mkId && !cc && !bo) return fail('2', 'Paramether mk_id, count_code or buyer_order must be set');
	if (!doc) return fail('2', `Cannot find document type ${dt} with id = ${mkId ?? cc ?? bo}`);
	const mode = text(body.payment_mode) ?? '';
	const modes = ['payment', 'prepayment', 'return'];
	if (!modes.includes(mode)) return invalidValue('payment_mode', mode, modes);
	const type = text(body.payment_type) ?? '';
	// payment_type wants the register value; a bad one lists the valid set [OBS].
	if (!PAYMENT_TYPES.includes(type)) return invalidValue('payment_type', type, PAYMENT_TYPES);
	const date = parseDocDate(body.date);
	if (!date) return invalidDate('date', body.date);
	const price = num(body.price);
	if (price === undefined) return fail('2', 'Paramether price must be set');
	const notes = text(body.notes);
	if (notes && notes.length > 100) return fail('2', 'Paramether notes is too long (max 100 characters)');
	doc.payments.push({ payment_type: type, date, amount: price, payment_mode: mode, notes });
	c.touch(doc);
	return ok();
}

export function markOrdersAsShipped(c: Company, body: Obj): Obj {
	const byId = Array.isArray(body.sales_order_id_list);
	const byOrder = Array.isArray(body.customer_order_list);
	const byCountry = body.country !== undefined || body.status_code !== undefined;
	// Exactly one selection method [DOC:mark_orders_as_shipped.md].
	if (Number(byId) + Number(byOrder) + Number(byCountry) !== 1 || (byCountry && !(text(body.country) && text(body.status_code)))) {
		return fail('2', 'Use exactly one selection method: sales_order_id_list, customer_order_list or country and status_code');
	}
	const orders = c.docsOf('sales_order');
	let targets: Doc[];
	if (byId) {
		const ids = (body.sales_order_id_list as unknown[]).map((x) => str(x));
		targets = orders.filter((d) => ids.includes(d.mk_id));
	} else if (byOrder) {
		const list = (body.customer_order_list as unknown[]).map((x) => str(x));
		targets = orders.filter((d) => list.includes(str(d.head.buyer_order)));
	} else {
		const country = text(body.country)!.toLowerCase();
		targets = orders.filter(
			(d) =>
				d.status === text(body.status_code) &&
				[str(d.partner?.country), str(d.partner?.country_iso_2)].some((x) => x?.toLowerCase() === country),
		);
	}
	for (const d of targets) {
		if (d.status === 'shipped') continue;
		setStatus(d, 'shipped');
		d.head.shipped_date = todayDate();
		c.touch(d);
	}
	return ok();
}

