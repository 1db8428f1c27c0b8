import type { Partner } from './schemas';
import { asArray } from './wire';

// get_partner matches loosely: a name finds every partner whose name contains it [DOC:get_partner.md],
// the e-mail search is fuzzy [OBS t4a-admin]. A hit is a candidate; these decide whether it is the
// partner asked for. Tax numbers are compared without spacing, punctuation, case and the two-letter
// country prefix ("SI 1234 5678" = "12345678"); e-mails without case and surrounding space.

/** "SI 12.345-678" -> "12345678": the form two tax numbers are compared in. */
export function normaliseTaxNumber(value: unknown): string {
	const text = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
	return text.replace(/[\s.\-/]/g, '').toUpperCase().replace(/^[A-Z]{2}(?=\d)/, '');
}

export function sameTaxNumber(a: unknown, b: unknown): boolean {
	const x = normaliseTaxNumber(a);
	return x !== '' && x === normaliseTaxNumber(b);
}

export function normaliseEmail(value: unknown): string {
	return typeof value === 'string' ? value.trim().toLowerCase() : '';
}

/** Every contact e-mail of a partner as get_partner returns it (a one-contact list may be a bare object). */
export function partnerEmails(partner: Pick<Partner, 'partner_contact_list' | 'partner_contact'> & { email?: unknown }): string[] {
	const contacts = [...asArray<Record<string, unknown>>(partner.partner_contact_list), ...asArray<Record<string, unknown>>(partner.partner_contact)];
	return [partner.email, ...contacts.map((c) => c?.email)].map(normaliseEmail).filter((e) => e !== '');
}

export type TaxMatch = 'same' | 'different' | 'unknown';

/**
 * Whether a get_partner hit has the tax number asked for. The docs' answers carry no tax_id_number
 * while live answers were seen with it: without it the hit can be neither confirmed nor ruled out.
 */
export function taxNumberMatch(partner: Pick<Partner, 'tax_id_number'>, taxNumber: string): TaxMatch {
	if (normaliseTaxNumber(partner.tax_id_number) === '') return 'unknown';
	return sameTaxNumber(partner.tax_id_number, taxNumber) ? 'same' : 'different';
}

export function hasEmail(partner: Parameters<typeof partnerEmails>[0], email: string): boolean {
	const wanted = normaliseEmail(email);
	return wanted !== '' && partnerEmails(partner).includes(wanted);
}
