// Where things are in Metakocka's partner and document records, and the short form of each record
// that the nodes' Simplify switch outputs. get_partner answers the address only inside
// partner_delivery_address_list, the billing one typed "Račun", with `city` (not `place`), and the
// contacts in partner_contact_list [DOC get_partner.md]; the top-level street/post_number of a
// partner are not its billing address [DOC update_partner.md].
import type { MkDocument, Partner, PartnerAddress, PartnerContact } from './schemas';

const isBilling = (type: unknown): boolean => typeof type === 'string' && /^ra[čc]un$/i.test(type.trim());

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

/** The partner's billing (Račun) address entry; `mkId` (kept from an earlier write) wins when it is still there. */
export function billingAddress(p: Partner | undefined, mkId?: string): PartnerAddress | undefined {
	const addresses = p?.partner_delivery_address_list ?? [];
	return (mkId ? addresses.find((a) => a.mk_id === mkId) : undefined) ?? addresses.find((a) => isBilling(a.address_type));
}

/** The partner's main contact: `mkId` when still there, else the first of the list, else the singular block. */
export function mainContact(p: Partner | undefined, mkId?: string): PartnerContact | undefined {
	const contacts = p?.partner_contact_list ?? [];
	return (mkId ? contacts.find((c) => c.mk_id === mkId) : undefined) ?? contacts[0] ?? p?.partner_contact;
}

// A type (not an interface) so it passes as n8n item JSON.
export type SimplePartner = {
	mk_id: string;
	count_code: string | null;
	name: string | null;
	tax_id_number: string | null;
	registration_number: string | null;
	business_entity: boolean | null;
	taxpayer: boolean | null;
	email: string | null;
	phone: string | null;
	street: string | null;
	post_number: string | null;
	city: string | null;
	country: string | null;
	contacts: number;
	addresses: number;
};

/**
 * A partner as one flat record: the fields a person looks a partner up by, the billing address and
 * the main contact. Every key is present (null when Metakocka left it out), so the items of a run
 * line up in n8n's table view.
 */
export function simplePartner(p: Partner): SimplePartner {
	const address = billingAddress(p);
	const contact = mainContact(p);
	return {
		mk_id: p.mk_id,
		count_code: text(p.count_code) ?? null,
		name: text(p.customer) ?? null,
		tax_id_number: text(p.tax_id_number) ?? null,
		registration_number: text(p.registration_number) ?? null,
		business_entity: p.business_entity ?? null,
		taxpayer: p.taxpayer ?? null,
		email: text(contact?.email) ?? null,
		phone: text(contact?.phone) ?? text(contact?.gsm) ?? null,
		street: text(address?.street) ?? null,
		post_number: text(address?.post_number) ?? null,
		city: text(address?.city) ?? text(address?.place) ?? null,
		country: text(address?.country) ?? text(p.country_iso_2) ?? null,
		contacts: (p.partner_contact_list ?? []).length,
		addresses: (p.partner_delivery_address_list ?? []).length,
	};
}

// A type (not an interface) so it passes as n8n item JSON.
export type SimpleDocument = {
	mk_id: string;
	doc_type: string | null;
	count_code: string | null;
	doc_date: string | null;
	title: string | null;
	buyer_order: string | null;
	status_code: string | null;
	status_desc: string | null;
	partner_mk_id: string | null;
	partner_name: string | null;
	currency_code: string | null;
	sum_basic: number | null;
	sum_all: number | null;
	sum_paid: number | null;
	lines: number;
};

/**
 * A document as one flat record: number, partner, date, totals and status, without the lines and the
 * partner and receiver blocks; status_code is the key Change Status takes, status_desc the text
 * Metakocka shows. Totals are numbers (parseMkNumber ran in the
 * schema); sum_all falls back to total_price, which some types answer instead.
 */
export function simpleDocument(d: MkDocument, docType?: string): SimpleDocument {
	return {
		mk_id: d.mk_id,
		doc_type: text(d.doc_type) ?? docType ?? null,
		count_code: text(d.count_code) ?? null,
		doc_date: text(d.doc_date) ?? null,
		title: text(d.title) ?? null,
		buyer_order: text(d.buyer_order) ?? null,
		status_code: text(d.status_code) ?? null,
		status_desc: text(d.status_desc) ?? null,
		partner_mk_id: text(d.partner?.mk_id) ?? null,
		partner_name: text(d.partner?.customer) ?? null,
		currency_code: text(d.currency_code) ?? null,
		sum_basic: d.sum_basic ?? null,
		sum_all: d.sum_all ?? d.total_price ?? null,
		sum_paid: d.sum_paid ?? null,
		lines: (d.product_list ?? []).length,
	};
}
