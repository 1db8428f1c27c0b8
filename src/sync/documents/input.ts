// Sales documents as the CRM gives them: validated and normalised to put_document's fields.
import { z } from 'zod';

import type { DocType, PartnerInput } from '../../client';
import { DOC_TYPE_INFO, DOC_TYPES, formatMkDate, parseMkNumber, PUT_DOC_TYPES } from '../../client';
import { parseItem } from '../../input';
import { compact, crmId, text } from '../fields';
import { partnerInputSchema } from '../partnerFields';

/** "1,5", "1.895,01", 2 → number; Metakocka and Slovenian CRMs write decimal commas. */
const mkNumber = z
	.union([z.number(), z.string()], { required_error: 'Is required', invalid_type_error: 'Must be a number' })
	.transform((value, ctx) => {
		const n = parseMkNumber(value);
		if (n === undefined) {
			ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'Must be a number' });
			return z.NEVER;
		}
		return n;
	});

/** Empty strings from unmapped n8n fields mean "not given". */
export const blankToUndefined = (v: unknown) => (v === '' || v === null ? undefined : v);
export const optionalNumber = z.preprocess(blankToUndefined, mkNumber.optional());

/** Percent, possibly chained "10;20" as Metakocka documents it. */
const discount = z.preprocess(
	blankToUndefined,
	z
		.union([z.number(), z.string()])
		.transform((value, ctx) => {
			const parts = String(value).split(';').map((p) => parseMkNumber(p));
			if (parts.some((p) => p === undefined || p < 0 || p > 100)) {
				ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'Must be a percent (0-100), or several separated by ";" (e.g. 10;20)' });
				return z.NEVER;
			}
			return parts.join(';');
		})
		.optional(),
);

/** Dates: Date, Luxon DateTime (n8n's $now), ISO or dd.mm.yyyy → Metakocka's 'YYYY-MM-DD+02:00'. */
export const mkDate = z.unknown().transform((value, ctx) => {
	let v = value;
	if (v && typeof v === 'object' && typeof (v as { toJSDate?: unknown }).toJSDate === 'function') {
		v = (v as { toJSDate: () => Date }).toJSDate();
	}
	if (v === undefined || v === null || v === '') {
		ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'Is required (YYYY-MM-DD or dd.mm.yyyy)' });
		return z.NEVER;
	}
	try {
		if (v instanceof Date || typeof v === 'string') return formatMkDate(v);
	} catch {
		// reported below
	}
	// "2026-02-30" has the right form but is no day: say that rather than repeat the formats.
	const wellFormed = typeof v === 'string' && /^\s*(\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4})\b/.test(v);
	ctx.addIssue({ code: z.ZodIssueCode.custom, message: wellFormed ? 'Is not a day in the calendar' : 'Must be a date as YYYY-MM-DD, dd.mm.yyyy or an ISO timestamp' });
	return z.NEVER;
});

export const docTypeSchema = z
	.string({ required_error: 'Is required', invalid_type_error: 'Must be text' })
	.refine((v): v is DocType => (DOC_TYPES as readonly string[]).includes(v), { message: `Must be one of ${DOC_TYPES.join(', ')}` });

/** A type put_document creates (purchase_bill_prepaid is get-only in the docs). */
const putDocTypeSchema = docTypeSchema.refine((v) => (PUT_DOC_TYPES as readonly string[]).includes(v), {
	message: `Must be one of ${PUT_DOC_TYPES.join(', ')}: Metakocka documents no put_document for the others`,
});

/** 'YYYY-MM-DD+02:00' + days, same literal form. */
function addDays(mkDate: string, days: number): string {
	const day = new Date(`${mkDate.slice(0, 10)}T12:00:00Z`);
	day.setUTCDate(day.getUTCDate() + Math.round(days));
	return formatMkDate(day.toISOString().slice(0, 10));
}

/** Display names of the head fields as the node shows them, for errors on a missing one. */
const HEAD_LABELS: Record<string, string> = {
	service_to_date: 'service_to_date (Service Date)',
	duo_payment: 'duo_payment (Payment Due Date, or Payment Due (Days))',
	receive_date: 'receive_date (Receive Date)',
};

export const documentLineSchema = z
	.object({
		code: z.preprocess(blankToUndefined, text(50)),
		count_code: z.preprocess(blankToUndefined, text(30)),
		/** The product's id in the CRM, resolved through the product mappings. */
		productCrmId: z.preprocess(blankToUndefined, crmId.optional()),
		amount: mkNumber,
		price: optionalNumber,
		price_with_tax: optionalNumber,
		tax: z.preprocess(blankToUndefined, text(20)),
		tax_factor: optionalNumber,
		discount,
		name: z.preprocess(blankToUndefined, text(200)),
		doc_desc: z.preprocess(blankToUndefined, text(700)),
		unit: z.preprocess(blankToUndefined, text(20)),
	})
	.strict()
	.superRefine((line, ctx) => {
		const refs = [line.code, line.count_code, line.productCrmId].filter((v) => v !== undefined).length;
		if (refs !== 1) {
			ctx.addIssue({
				code: z.ZodIssueCode.custom,
				path: ['code'],
				message: refs ? 'Give only one of code, count_code or productCrmId' : 'Is required: give the product code, count_code or productCrmId',
			});
		}
		if ((line.price === undefined) === (line.price_with_tax === undefined)) {
			ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['price'], message: 'Give exactly one of price (net) or price_with_tax', params: { oneOf: ['price', 'price_with_tax'] } });
		}
		if ((line.tax === undefined) === (line.tax_factor === undefined)) {
			ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['tax'], message: 'Give exactly one of tax (code, e.g. EX4) or tax_factor (e.g. 0.22)', params: { oneOf: ['tax', 'tax_factor'] } });
		}
	});

export type DocumentLine = z.output<typeof documentLineSchema>;

/** A partner by its Metakocka id; mk_address_id is looked up when missing (Metakocka rejects mk_id alone). */
const partnerRefSchema = z
	.object({ mk_id: z.union([z.string(), z.number()]).transform(String).pipe(z.string().regex(/^\d+$/, 'Must be a Metakocka ID (digits)')), mk_address_id: text(30) })
	.strict();

/** Either {mk_id[, mk_address_id]} or the inline partner fields. */
const documentPartner = z.unknown().transform((value, ctx) => {
	const schema = value && typeof value === 'object' && 'mk_id' in value ? partnerRefSchema : partnerInputSchema;
	const parsed = schema.safeParse(value);
	if (!parsed.success) {
		for (const issue of parsed.error.issues) ctx.addIssue(issue);
		return z.NEVER;
	}
	return compact(parsed.data as PartnerInput);
});

export const optionalText = (max: number) => z.preprocess(blankToUndefined, text(max));

export const documentInputSchema = z
	.object({
		/** The document's id in the CRM; required for sync. */
		crmId: z.preprocess(blankToUndefined, crmId.optional()),
		doc_type: putDocTypeSchema,
		/** The CRM contact id, resolved through the contact mappings. */
		partnerCrmId: z.preprocess(blankToUndefined, crmId.optional()),
		partner: z.preprocess(blankToUndefined, documentPartner.optional()),
		receiver: z.preprocess(blankToUndefined, documentPartner.optional()),
		doc_date: mkDate,
		count_code: optionalText(30),
		buyer_order: optionalText(100),
		title: optionalText(255),
		currency_code: optionalText(3),
		status_code: optionalText(100),
		notes: optionalText(4000),
		notes_header: optionalText(4000),
		warehouse: optionalText(50),
		delivery_type: optionalText(100),
		method_of_payment: optionalText(100),
		/** Not a documented key: turned into the duo_payment date (doc_date + days) and never sent. */
		duo_payment_days: optionalNumber,
		duo_payment: z.preprocess(blankToUndefined, mkDate.optional()),
		service_to_date: z.preprocess(blankToUndefined, mkDate.optional()),
		service_from_date: z.preprocess(blankToUndefined, mkDate.optional()),
		receive_date: z.preprocess(blankToUndefined, mkDate.optional()),
		credit_note_type: z.preprocess(blankToUndefined, z.enum(['financial', 'goods', 'standalone'], { errorMap: () => ({ message: 'Must be financial, goods or standalone' }) }).optional()),
		/** count_code of the invoice a financial/goods credit note corrects. */
		credit_note_bill: optionalText(30),
		discount_percent: optionalNumber,
		lines: z.array(documentLineSchema, { required_error: 'Is required: a document needs at least one line', invalid_type_error: 'Must be a list of lines' }).min(1, 'Must have at least one line'),
	})
	.strict()
	.superRefine((doc, ctx) => {
		const info = DOC_TYPE_INFO[doc.doc_type];
		const issue = (path: string, message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message });
		// A financial/goods credit note takes its partner from the invoice (documents_put_document.md).
		const linkedNote = info?.creditNote && (doc.credit_note_type === 'financial' || doc.credit_note_type === 'goods');
		const partners = [doc.partnerCrmId, doc.partner].filter((v) => v !== undefined).length;
		if (partners > 1) issue('partner', 'Give either partner or partnerCrmId, not both');
		else if (!partners && !linkedNote) issue('partner', 'Is required: give partner (Metakocka ID or fields) or partnerCrmId');
		if (!info) return;
		if (info.creditNote) {
			if (!doc.credit_note_type) issue('credit_note_type', `Is required for ${doc.doc_type}: financial, goods or standalone`);
			else if (linkedNote && !doc.credit_note_bill) issue('credit_note_bill', `Is required for a ${doc.credit_note_type} credit note: the count code of the invoice it corrects`);
		} else {
			if (doc.credit_note_type) issue('credit_note_type', `Is for credit notes only, not ${doc.doc_type}`);
			if (doc.credit_note_bill) issue('credit_note_bill', `Is for credit notes only, not ${doc.doc_type}`);
		}
		for (const key of info.requiredHead) {
			const given = key === 'duo_payment' ? doc.duo_payment ?? doc.duo_payment_days : (doc as Record<string, unknown>)[key];
			if (given === undefined) issue(key, `Is required for ${doc.doc_type} (the docs' minimum request): give ${HEAD_LABELS[key] ?? key}`);
		}
		if (doc.duo_payment !== undefined && doc.duo_payment_days !== undefined) issue('duo_payment_days', 'Give either duo_payment (a date) or duo_payment_days, not both');
	})
	.transform(({ duo_payment_days, ...doc }) =>
		duo_payment_days === undefined ? doc : { ...doc, duo_payment: addDays(doc.doc_date, duo_payment_days) },
	);

export type DocumentFields = z.output<typeof documentInputSchema>;

export function parseDocument(raw: unknown, itemIndex: number): DocumentFields {
	return parseItem(documentInputSchema, raw, itemIndex);
}

export const documentToSyncSchema = documentInputSchema.superRefine((doc, ctx) => {
	if (doc.crmId === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['crmId'], message: 'Is required for sync' });
});
