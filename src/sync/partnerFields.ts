import { z } from 'zod';

import { parseItem } from '../input';
import { crmId, email, flag, requiredText, text } from './fields';

/** A partner as the CRM side gives it, with Metakocka's field names and documented length limits. */
export const partnerInputSchema = z
	.object({
		customer: requiredText(100),
		street: text(150),
		street_number: text(20),
		post_number: text(20),
		place: text(100),
		province: text(50),
		country: text(50),
		tax_id_number: text(50),
		registration_number: text(50),
		count_code: text(30),
		business_entity: flag.optional(),
		taxpayer: flag.optional(),
		foreign_county: flag.optional(),
		buyer: flag.optional(),
		supplier: flag.optional(),
		partner_contact: z
			.object({ name: text(255), email, phone: text(255), gsm: text(255), fax: text(255) })
			.strict()
			.optional(),
	})
	.strict();

export type PartnerFields = z.output<typeof partnerInputSchema>;

export const contactToSyncSchema = z.object({ crmId, partner: partnerInputSchema });

export function parsePartner(raw: unknown, itemIndex: number): PartnerFields {
	return parseItem(partnerInputSchema, raw, itemIndex);
}
