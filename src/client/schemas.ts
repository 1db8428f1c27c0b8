import { z } from 'zod';
import { MetakockaError } from './errors';
import { asArray, parseMkBoolean, parseMkNumber } from './wire';

// Response validation and conversion. Numeric fields become numbers, "true"/"false" booleans, ids and
// codes stay strings; every object is passthrough, so fields this file doesn't know arrive unchanged.

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

export const mkList = <T extends z.ZodTypeAny>(item: T) =>
	z.preprocess((v) => (v === undefined || v === null ? undefined : asArray(v)), z.array(item).optional());

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

/** Validate a response; a mismatch is INVALID_RESPONSE with the offending paths (outcome unknown for writes). */
export function parseResponse<S extends z.ZodTypeAny>(schema: S, data: unknown, method: string): z.output<S> {
	const result = schema.safeParse(data);
	if (result.success) return result.data;
	const issues = result.error.issues
		.slice(0, 5)
		.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
		.join('; ');
	throw new MetakockaError({
		code: 'INVALID_RESPONSE',
		description: `response failed validation (${issues})`,
		method,
		retryable: false,
		delivery: 'unknown',
	});
}
