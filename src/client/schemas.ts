import { z } from 'zod';
import { MetakockaError } from './errors';
import { asArray, parseMkBoolean, parseMkNumber } from './wire';

// Response validation and conversion. Numeric fields become numbers, "true"/"false" booleans, ids and
// codes stay strings; every object is passthrough, so fields this file doesn't know arrive unchanged.
// The zod schemas below are the one definition (and the types); parseResponse runs them through a
// lean compiled form that converts Metakocka's answer in place instead of building a copy of every
// object (zod 3 allocates per field: an import of 10,000 orders spent most of its time and memory
// there), and only touches the fields named here.

const blank = (v: unknown): boolean => v === undefined || v === null || v === '';

/** "10,52" -> 10.52; "" -> absent; unparseable -> validation error naming the field. */
export const mkNumber = z.preprocess((v) => (blank(v) ? undefined : (parseMkNumber(v) ?? v)), z.number().optional());
export const mkBoolean = z.preprocess((v) => (blank(v) ? undefined : (parseMkBoolean(v) ?? v)), z.boolean().optional());
/** Ids and codes: strings even if a sender used a JSON number. */
export const mkString = z.preprocess(
	(v) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v === null ? undefined : v),
	z.string().optional(),
);
export const mkId = z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().min(1));
/**
 * Type of fields this file doesn't know. `object` rather than `unknown` keeps the result types
 * assignable to n8n's IDataObject without the client importing n8n.
 */
export type MkValue = string | number | boolean | null | undefined | object;
// Unknown fields pass through unchanged.
const rest = z.custom<MkValue>(() => true);

/** mkList schemas → their item schema, for the lean compiler. */
const LIST_ITEM = new WeakMap<z.ZodTypeAny, z.ZodTypeAny>();

export const mkList = <T extends z.ZodTypeAny>(item: T) => {
	const list = z.preprocess((v) => (v === undefined || v === null ? undefined : asArray(v)), z.array(item).optional());
	LIST_ITEM.set(list, item);
	return list;
};

// ---------- partners ----------

export const partnerContactSchema = z
	.object({
		mk_id: mkString,
		mk_address_id: mkString,
		name: mkString,
		contact: mkString,
		contact_address: mkString,
		email: mkString,
		phone: mkString,
		gsm: mkString,
		fax: mkString,
		useCustomerAsContact: mkBoolean,
	})
	.catchall(rest);

export const partnerAddressSchema = z
	.object({
		mk_id: mkString,
		address_type: mkString,
		street: mkString,
		post_number: mkString,
		city: mkString,
		place: mkString,
		province: mkString,
		country: mkString,
		payment_due_days: mkNumber,
	})
	.catchall(rest);

export const partnerDiscountSchema = z
	.object({
		categories: z.union([z.string(), z.array(z.string())]).optional(),
		discount_percent: mkNumber,
		override_existing: mkBoolean,
	})
	.catchall(rest);

const partnerFields = {
		mk_address_id: mkString,
		count_code: mkString,
		customer: mkString,
		business_entity: mkBoolean,
		taxpayer: mkBoolean,
		foreign_county: mkBoolean,
		buyer: mkBoolean,
		supplier: mkBoolean,
		tax_id_number: mkString,
		registration_number: mkString,
		street: mkString,
		street_number: mkString,
		post_number: mkString,
		place: mkString,
		province: mkString,
		country: mkString,
		country_iso_2: mkString,
		partner_contact: partnerContactSchema.optional(),
		partner_contact_list: mkList(partnerContactSchema),
		partner_delivery_address_list: mkList(partnerAddressSchema),
		discounts: mkList(partnerDiscountSchema),
};

/** A partner read from get_partner/update_partner: always has its mk_id. */
export const partnerSchema = z.object({ mk_id: mkId, ...partnerFields }).catchall(rest);
/** partner/receiver block inside a document: ids may be absent. */
export const partnerBlockSchema = z.object({ mk_id: mkString, ...partnerFields }).catchall(rest);

export const partnerListResponseSchema = z
	.object({ partner_list_count: mkNumber, partner_list: mkList(partnerSchema) })
	.catchall(rest);

export const addPartnerResponseSchema = z
	.object({
		mk_id: mkId,
		mk_contact_id: mkString,
		mk_address_id_list: mkList(z.object({ mk_id: mkString, street: mkString }).catchall(rest)),
	})
	.catchall(rest);

// ---------- products, warehouses, stock ----------

export const priceDefSchema = z
	.object({
		amount_from: mkNumber,
		amount_to: mkNumber,
		discount: mkNumber,
		tax: mkString,
		tax_factor: mkNumber,
		price: mkNumber,
		price_with_tax: mkNumber,
		lowest_price_30_days: mkNumber,
	})
	.catchall(rest);

export const productSchema = z
	.object({
		mk_id: mkId,
		count_code: mkString,
		code: mkString,
		barcode: mkString,
		name: mkString,
		name_desc: mkString,
		unit: mkString,
		service: mkBoolean,
		sales: mkBoolean,
		purchasing: mkBoolean,
		activated: mkBoolean,
		active: mkBoolean,
		eshop_sync: mkBoolean,
		compound: mkBoolean,
		norm: mkBoolean,
		work: mkBoolean,
		height: mkNumber,
		width: mkNumber,
		depth: mkNumber,
		weight: mkNumber,
		min_stock: mkNumber,
		amount: mkNumber,
		free_amount: mkNumber,
		reserved_amount: mkNumber,
		last_purchase_price: mkNumber,
		amount_detail: mkList(
			z
				.object({
					warehouse_mark: mkString,
					warehouse_name: mkString,
					serial_number: mkString,
					exp_date: mkString,
					amount: mkNumber,
				})
				.catchall(rest),
		),
		localization: mkList(z.object({ language: mkString, name: mkString, name_desc: mkString }).catchall(rest)),
		categories: mkList(z.unknown()),
		extra_column: mkList(z.object({ name: mkString, value: mkString }).catchall(rest)),
		// price_def is an object in reads and an array in writes: always an array here.
		pricelist: mkList(z.object({ count_code: mkString, price_def: mkList(priceDefSchema) }).catchall(rest)),
	})
	.catchall(rest);

// Only the rows: product_list echoes the request filters at top level, which are ignored.
export const productListResponseSchema = z.object({
	product_list_count: mkNumber,
	product_list: mkList(productSchema),
});

export const productWriteResponseSchema = z.object({ mk_id: mkId, count_code: mkString }).catchall(rest);

export const warehouseSchema = z
	.object({
		mk_id: mkId,
		mark: mkString,
		name: mkString,
		same_address_as_company: mkBoolean,
		main_warehouse: mkBoolean,
		street: mkString,
		post: mkString,
		place: mkString,
		country: mkString,
		default_microloc_id: mkString,
		include_in_stock_info: mkBoolean,
		active: mkBoolean,
		warehouse_type: mkString,
		show_product_free_stock: mkBoolean,
	})
	.catchall(rest);

export const warehouseListResponseSchema = z.object({
	warehouse_list_count: mkNumber,
	warehouse_list: mkList(warehouseSchema),
});

export const stockRowSchema = z
	.object({
		warehouse_id: mkString,
		mk_id: mkString,
		count_code: mkString,
		code: mkString,
		title: mkString,
		amount: mkNumber,
		reserved_amount: mkNumber,
		free_amount: mkNumber,
		microlocation: mkString,
		unit: mkString,
	})
	.catchall(rest);

export const stockResponseSchema = z.object({
	stock_list_count: mkNumber,
	limit: mkNumber,
	stock_list: mkList(stockRowSchema),
});

// ---------- documents ----------

export const documentLineSchema = z
	.object({
		mk_id: mkString,
		mk_row_id: mkString,
		code: mkString,
		count_code: mkString,
		name: mkString,
		name_desc: mkString,
		doc_desc: mkString,
		unit: mkString,
		amount: mkNumber,
		price: mkNumber,
		price_with_tax: mkNumber,
		price_base: mkNumber,
		tax: mkString,
		tax_factor: mkNumber,
		// Percent, possibly chained ("22;23"), so it stays a string.
		discount: mkString,
		service: mkBoolean,
		sales: mkBoolean,
		purchasing: mkBoolean,
	})
	.catchall(rest);

export const markPaidSchema = z
	.object({ payment_type: mkString, date: mkString, amount: mkNumber, payment_tip: mkString })
	.catchall(rest);

// sum_tax_<code> keys vary per tax code, so every sum_* string is converted before validation.
const convertSums = (v: unknown): unknown => {
	if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
	const out: Record<string, unknown> = { ...(v as Record<string, unknown>) };
	for (const [k, val] of Object.entries(out)) {
		if (k.startsWith('sum_') && typeof val === 'string') {
			const n = parseMkNumber(val);
			if (n !== undefined) out[k] = n;
			else if (val === '') delete out[k];
		}
	}
	return out;
};

/** Schemas whose sum_* keys are converted first (convertSums). */
const WITH_SUMS = new WeakSet<z.ZodTypeAny>();

export const documentSchema = z.preprocess(
	convertSums,
	z
		.object({
			mk_id: mkId,
			doc_type: mkString,
			count_code: mkString,
			doc_date: mkString,
			buyer_order: mkString,
			title: mkString,
			currency_code: mkString,
			status_code: mkString,
			status_desc: mkString,
			partner: partnerBlockSchema.optional(),
			receiver: partnerBlockSchema.optional(),
			product_list: mkList(documentLineSchema),
			sum_basic: mkNumber,
			sum_discount: mkNumber,
			sum_prepayment: mkNumber,
			sum_all: mkNumber,
			sum_paid: mkNumber,
			total_price: mkNumber,
			discount_percent: mkNumber,
			discount_value: mkNumber,
			prepayment_percent: mkNumber,
			prepayment_value: mkNumber,
			mark_paid: mkList(markPaidSchema),
			doc_link_list: mkList(z.object({ mk_id: mkString, count_code: mkString, doc_type: mkString }).catchall(rest)),
			extra_column: mkList(z.object({ name: mkString, value: mkString }).catchall(rest)),
		})
		.catchall(rest),
);
WITH_SUMS.add(documentSchema);

export const putDocumentResponseSchema = z
	.object({
		mk_id: mkId,
		count_code: mkString,
		document_type_short: mkString,
		total_price: mkNumber,
		partner: z.object({ mk_id: mkString }).catchall(rest).optional(),
	})
	.catchall(rest);

export const searchHitSchema = z
	.object({ mk_id: mkId, count_code: mkString, opr_code: mkString, status_code: mkString })
	.catchall(rest);

export const searchResponseSchema = z.object({
	result_all_records: mkNumber,
	result_count: mkNumber,
	offset: mkNumber,
	limit: mkNumber,
	result: mkList(z.unknown()),
	result_product: mkList(z.unknown()),
});

export const changeDocumentsResponseSchema = z.object({
	result: mkList(z.object({ mk_id: mkId, count_code: mkString, doc_type: mkString }).catchall(rest)),
});

// Envelope keys: get_document and put_document answer with the object at top level, beside these.
export const ENVELOPE_KEYS = ['opr_code', 'opr_desc', 'opr_time', 'opr_time_ms', 'opr_time_no_lock_ms'];

export function withoutEnvelope(envelope: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = { ...envelope };
	for (const key of ENVELOPE_KEYS) delete out[key];
	return out;
}

export type Partner = z.infer<typeof partnerSchema>;
export type PartnerBlock = z.infer<typeof partnerBlockSchema>;
export type PartnerContact = z.infer<typeof partnerContactSchema>;
export type PartnerAddress = z.infer<typeof partnerAddressSchema>;
export type Product = z.infer<typeof productSchema>;
export type Warehouse = z.infer<typeof warehouseSchema>;
export type StockRow = z.infer<typeof stockRowSchema>;
export type MkDocument = z.infer<typeof documentSchema>;
export type MkDocumentLine = z.infer<typeof documentLineSchema>;
export type PutDocumentResult = z.infer<typeof putDocumentResponseSchema>;
export type SearchHit = z.infer<typeof searchHitSchema>;

// ---------- lean compiled form ----------

type Lean =
	| 'string'
	| 'id'
	| 'number'
	| 'boolean'
	| 'any'
	| { kind: 'optional'; inner: Lean }
	| { kind: 'list'; item: Lean }
	| { kind: 'object'; fields: Array<[string, Lean]>; strip: boolean; sums: boolean }
	| { kind: 'zod'; schema: z.ZodTypeAny };

interface Issue {
	path: Array<string | number>;
	message: string;
}

const COMPILED = new WeakMap<z.ZodTypeAny, Lean>();

function compile(schema: z.ZodTypeAny): Lean {
	const known = COMPILED.get(schema);
	if (known) return known;
	let out: Lean;
	if (schema === mkNumber) out = 'number';
	else if (schema === mkBoolean) out = 'boolean';
	else if (schema === mkString) out = 'string';
	else if (schema === mkId) out = 'id';
	else if (schema === rest || schema instanceof z.ZodUnknown || schema instanceof z.ZodAny) out = 'any';
	else if (LIST_ITEM.has(schema)) out = { kind: 'list', item: compile(LIST_ITEM.get(schema)!) };
	else if (schema instanceof z.ZodOptional) out = { kind: 'optional', inner: compile(schema.unwrap() as z.ZodTypeAny) };
	else if (WITH_SUMS.has(schema) && schema instanceof z.ZodEffects) out = objectOf(schema.innerType(), true) ?? { kind: 'zod', schema };
	else if (schema instanceof z.ZodObject) out = objectOf(schema, false) ?? { kind: 'zod', schema };
	// Anything else (unions, refinements) is left to zod itself.
	else out = { kind: 'zod', schema };
	COMPILED.set(schema, out);
	return out;
}

function objectOf(schema: z.ZodTypeAny, sums: boolean): Lean | undefined {
	if (!(schema instanceof z.ZodObject)) return undefined;
	const def = schema._def as { catchall: z.ZodTypeAny; unknownKeys: string };
	const keepsRest = def.catchall === rest || def.unknownKeys === 'passthrough';
	if (!keepsRest && !(def.catchall instanceof z.ZodNever)) return undefined;
	const shape = schema.shape as Record<string, z.ZodTypeAny>;
	return { kind: 'object', fields: Object.entries(shape).map(([k, v]) => [k, compile(v)]), strip: !keepsRest && def.unknownKeys === 'strip', sums };
}

const typeName = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** Converts v in place where it can (objects, arrays) and returns the converted value. */
function leanValue(v: unknown, t: Lean, path: Array<string | number>, issues: Issue[]): unknown {
	const fail = (message: string) => {
		issues.push({ path, message });
		return v;
	};
	switch (t) {
		case 'any':
			return v;
		case 'string':
			if (v === undefined || typeof v === 'string') return v;
			if (typeof v === 'number' || typeof v === 'boolean') return String(v);
			if (v === null) return undefined;
			return fail(`Expected string, received ${typeName(v)}`);
		case 'id':
			if (typeof v === 'number') return String(v);
			if (typeof v === 'string') return v.length >= 1 ? v : fail('String must contain at least 1 character(s)');
			return fail(v === undefined ? 'Required' : `Expected string, received ${typeName(v)}`);
		case 'number': {
			if (v === undefined || v === null || v === '') return undefined;
			const n = parseMkNumber(v);
			return n !== undefined ? n : fail(`Expected number, received ${typeName(v)}`);
		}
		case 'boolean': {
			if (v === undefined || v === null || v === '') return undefined;
			const b = parseMkBoolean(v);
			return b !== undefined ? b : fail(`Expected boolean, received ${typeName(v)}`);
		}
	}
	switch (t.kind) {
		case 'optional':
			return v === undefined ? undefined : leanValue(v, t.inner, path, issues);
		case 'list': {
			if (v === undefined || v === null) return undefined;
			const list = asArray(v);
			for (let i = 0; i < list.length; i++) list[i] = leanValue(list[i], t.item, [...path, i], issues);
			return list;
		}
		case 'object': {
			if (v === undefined) return fail('Required');
			if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(`Expected object, received ${typeName(v)}`);
			const obj = v as Record<string, unknown>;
			if (t.sums) {
				// sum_tax_<code> keys vary per tax code: every sum_* string is converted.
				for (const k of Object.keys(obj)) {
					const val = obj[k];
					if (!k.startsWith('sum_') || typeof val !== 'string') continue;
					const n = parseMkNumber(val);
					if (n !== undefined) obj[k] = n;
					else if (val === '') delete obj[k];
				}
			}
			for (const [k, ft] of t.fields) {
				if (k in obj) obj[k] = leanValue(obj[k], ft, [...path, k], issues);
				else if (ft === 'id' || (typeof ft === 'object' && ft.kind === 'object')) issues.push({ path: [...path, k], message: 'Required' });
			}
			if (t.strip) {
				const wanted = new Set(t.fields.map(([k]) => k));
				for (const k of Object.keys(obj)) if (!wanted.has(k)) delete obj[k];
			}
			return obj;
		}
		case 'zod': {
			const r = t.schema.safeParse(v);
			if (r.success) return r.data;
			for (const i of r.error.issues) issues.push({ path: [...path, ...i.path], message: i.message });
			return v;
		}
	}
}

/**
 * Validate a response; a mismatch is INVALID_RESPONSE with the offending paths (outcome unknown for
 * writes). The data is converted in place and returned: the caller's object becomes the result.
 */
export function parseResponse<S extends z.ZodTypeAny>(schema: S, data: unknown, method: string): z.output<S> {
	const issues: Issue[] = [];
	const out = leanValue(data, compile(schema), [], issues);
	if (issues.length === 0) return out as z.output<S>;
	const described = issues
		.slice(0, 5)
		.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
		.join('; ');
	throw new MetakockaError({
		code: 'INVALID_RESPONSE',
		description: `response failed validation (${described})`,
		method,
		retryable: false,
		delivery: 'unknown',
	});
}

/** The same validation through zod itself: the reference the lean form is tested against. */
export function parseResponseWithZod<S extends z.ZodTypeAny>(schema: S, data: unknown): z.SafeParseReturnType<unknown, z.output<S>> {
	return schema.safeParse(data);
}
