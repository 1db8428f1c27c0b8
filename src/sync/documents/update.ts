// Update: update_document's fields for an existing document.
import { z } from 'zod';

import type { DocType } from '../../client';
import { DOC_TYPE_INFO, unsupportedUpdateFields } from '../../client';
import { InputError, parseItem } from '../../input';
import { compact } from '../fields';
import { blankToUndefined, documentLineSchema, mkDate, optionalNumber, optionalText } from './input';
import { toLine } from './resolve';

/** update_document fields as the Update operation's editor names them (errors name the parameter). */
export const UPDATE_FIELD_LABELS: Record<string, string> = {
	status_code: 'Status',
	delivery_type: 'Delivery Type',
	tracking_code: 'Tracking Code',
	tracking_intermediate_code: 'Tracking Intermediate Code',
	shipped_date: 'Shipped Date',
	discount_value: 'Discount Value',
	parcel_shop_id: 'Parcel Shop ID',
	notes: 'Notes',
	notes_header: 'Notes Header',
	warehouse: 'Warehouse Mark',
	title: 'Title',
	product_add: 'Lines To Add (JSON)',
};

/** update_document fields the Update operation offers; which apply depends on the doc_type (doctypes.ts). */
export const documentUpdateSchema = z
	.object({
		// Empty = not given: an empty status_code is Metakocka's "clear the status" [DOC].
		status_code: optionalText(100),
		delivery_type: optionalText(100),
		tracking_code: optionalText(100),
		tracking_intermediate_code: optionalText(100),
		shipped_date: z.preprocess(blankToUndefined, mkDate.optional()),
		discount_value: optionalNumber,
		parcel_shop_id: optionalText(100),
		notes: optionalText(4000),
		notes_header: optionalText(4000),
		warehouse: optionalText(50),
		title: optionalText(255),
		product_add: z.preprocess(blankToUndefined, z.array(documentLineSchema).optional()),
	})
	.strict()
	.superRefine((u, ctx) => {
		const crmLine = u.product_add?.findIndex((l) => l.productCrmId !== undefined) ?? -1;
		if (crmLine >= 0) {
			ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['product_add', crmLine, 'productCrmId'], message: 'Is not supported here: give the product code' });
		}
	})
	.transform(({ product_add, ...rest }) => {
		const out: Record<string, unknown> = compact(rest);
		if (product_add) out.product_add = product_add.map((l) => toLine(l));
		return out;
	});

/**
 * The update_document body for one item, checked against what Metakocka applies to its doc_type
 * before any call: a field the type ignores is an InputError naming the parameter, and warehouse
 * documents get their new lines as product_list (product_add is a sales-order key).
 */
export function parseDocumentUpdate(raw: unknown, itemIndex: number, docType: DocType = 'sales_order'): Record<string, unknown> {
	const fields = parseItem(documentUpdateSchema, raw, itemIndex);
	const info = DOC_TYPE_INFO[docType];
	if (info.update === 'none') {
		throw new InputError(
			itemIndex,
			'docType',
			`is ${docType}, which Metakocka cannot update (no update_document for it); change it in Metakocka, or with Sync, which rewrites the whole document`,
		);
	}
	if (info.group === 'warehouse' && fields.product_add) {
		fields.product_list = fields.product_add;
		delete fields.product_add;
	}
	const refused = unsupportedUpdateFields(docType, fields);
	if (refused.length) {
		const key = refused[0] === 'product_list' ? 'product_add' : refused[0];
		const what = info.update === 'status' ? 'an issued bill changes only its Status' : `Metakocka does not update it on ${docType}`;
		throw new InputError(itemIndex, UPDATE_FIELD_LABELS[key] ?? key, `is not applied: ${what}; nothing was sent`);
	}
	if (!Object.keys(fields).length) throw new InputError(itemIndex, '(item)', 'is empty: give at least one field to update');
	return fields;
}
