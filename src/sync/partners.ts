import { settle } from '../client/errors';
import type { MetakockaClient, Partner, PartnerInput } from '../client';
import { ADD_PARTNER_ADDRESS_FIELDS, billingAddress, hasEmail, MetakockaError, normaliseTaxNumber, taxNumberMatch } from '../client';
import { InputError } from '../input';
import { partnerView } from './conflict';
import { compact } from './fields';
import type { PartnerFields } from './partnerFields';
import { previewPipeline, runPipeline, type DryRunOutcome, type EntityDescription, type PipelineOptions, type SyncDeps, type SyncOutcome } from './pipeline';

export type { SyncStatus } from './pipeline';

export interface ContactToSync {
	itemIndex: number;
	crmId: string;
	partner: PartnerFields;
}

export type PartnerSyncOutcome = SyncOutcome;

export type MatchExisting = 'taxNumberOrEmail' | 'taxNumber' | 'none';

export interface PartnerSyncOptions extends PipelineOptions {
	matchExisting?: MatchExisting;
}

type Deps = SyncDeps;

/** add_partner expects street, post number, place and country [DOC:add_partner.md]: refused before any write. */
export function requireNewPartnerAddress(partner: PartnerFields, itemIndex: number): void {
	const missing = ADD_PARTNER_ADDRESS_FIELDS.find((key) => !partner[key]);
	if (!missing) return;
	// The field by its Metakocka name: the n8n adapter shows it as the editor labels it ("place" -> "City").
	throw new InputError(itemIndex, missing, 'is required to create a partner: Metakocka expects street, post number, city and country on a new partner');
}

/** The Metakocka ids a partner update needs: without them Metakocka adds a second contact or address. */
export interface PartnerIds {
	/** The contact Sync writes (add_partner's mk_contact_id). */
	contactId?: string;
	/** The billing address: the Račun entry of partner_delivery_address_list (add_partner's first mk_address_id_list entry). */
	billingAddressId?: string;
}

function idsOf(p: Partner | undefined): PartnerIds {
	return { contactId: p?.partner_contact_list?.[0]?.mk_id, billingAddressId: billingAddress(p)?.mk_id };
}

/** The ids kept in a mapping row's extra (rows written before the billing id was kept have only mk_contact_id). */
export function idsFromMapping(extra: Record<string, unknown> | null | undefined): PartnerIds {
	const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
	return { contactId: text(extra?.mk_contact_id), billingAddressId: text(extra?.mk_billing_address_id) };
}

function mappingExtra(ids: PartnerIds, contactAddressId?: string) {
	return compact({ mk_contact_id: ids.contactId, mk_billing_address_id: ids.billingAddressId, mk_address_id: contactAddressId ?? ids.billingAddressId });
}

function ambiguous(field: string, value: string, found: Partner[], why = ''): MetakockaError {
	return new MetakockaError({
		code: 'AMBIGUOUS_MATCH',
		method: 'get_partner',
		description: `${found.length} partners in Metakocka match ${field} "${value}"${why} (mk_id ${found.map((p) => p.mk_id).join(', ')}); link one by hand or set "Match Existing Partners" to None`,
		retryable: false,
	});
}

const sameName = (a: unknown, b: unknown) => String(a ?? '').trim().replace(/\s+/g, ' ').toLowerCase() === String(b ?? '').trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * An existing Metakocka partner to adopt. get_partner matches loosely ("janez" finds "BAJEC JANEZ"
 * [DOC], the e-mail search is fuzzy [OBS]), so a hit is adopted only when its tax number or contact
 * e-mail is the same (normalised). An answer without tax_id_number (as in the docs' examples) can't
 * confirm the number: such a hit is adopted only when it is the only hit and has the same name.
 */
async function findExisting(client: MetakockaClient, partner: PartnerFields, how: MatchExisting): Promise<{ partner: Partner; by: string } | undefined> {
	if (how === 'none') return undefined;
	const tax = partner.tax_id_number;
	const email = partner.partner_contact?.email;
	// Both lookups at once (a new contact needs both answers); they are still judged in order below,
	// and a lookup that failed is never read as "no match".
	const [byTax, byEmail] = await Promise.all([
		tax && normaliseTaxNumber(tax) !== '' ? settle(() => client.getPartners({ partner_tax_number: tax })) : undefined,
		how === 'taxNumberOrEmail' && email ? settle(() => client.getPartners({ partner_email: email })) : undefined,
	]);
	let unconfirmed: Partner[] = [];
	if (byTax && tax) {
		if (!byTax.ok) throw byTax.error;
		const hits = byTax.value;
		const same = hits.filter((p) => taxNumberMatch(p, tax) === 'same');
		if (same.length === 1) return { partner: same[0], by: `tax number "${tax}"` };
		if (same.length > 1) throw ambiguous('tax number', tax, same);
		unconfirmed = hits.filter((p) => taxNumberMatch(p, tax) === 'unknown');
		if (hits.length === 1 && unconfirmed.length === 1 && sameName(unconfirmed[0].customer, partner.customer)) {
			return { partner: unconfirmed[0], by: `tax number "${tax}" and the same name (Metakocka's answer shows no tax number)` };
		}
	}
	if (byEmail && email) {
		if (!byEmail.ok) throw byEmail.error;
		const hits = byEmail.value;
		// A partner whose tax number is known to differ is another company sharing the address.
		const same = hits.filter((p) => hasEmail(p, email) && !(tax && taxNumberMatch(p, tax) === 'different'));
		if (same.length === 1) return { partner: same[0], by: `email "${email}"` };
		if (same.length > 1) throw ambiguous('email', email, same);
	}
	if (unconfirmed.length) throw ambiguous('tax number', tax!, unconfirmed, ' but Metakocka\'s answer shows no tax number to confirm it');
	return undefined;
}

const ADDRESS_KEYS = ['street', 'post_number', 'place', 'province', 'country'] as const;

/**
 * The update_partner body for a partner. The address goes into the billing (Račun) entry of
 * partner_delivery_address_list with its mk_id: top-level street/post_number do not change it
 * [DOC:update_partner.md]. The contact carries its mk_id too. Entries without mk_id are ADDED, so
 * ids missing from `known` (old mapping rows, the Update operation) are read once with get_partner.
 */
export async function partnerUpdateBody(
	client: MetakockaClient,
	mkId: string,
	partner: PartnerFields,
	known: PartnerIds = {},
): Promise<{ body: PartnerInput & { mk_id: string }; ids: PartnerIds }> {
	const { partner_contact: contact, ...rest } = partner;
	const head: Record<string, unknown> = { ...rest };
	for (const key of ADDRESS_KEYS) delete head[key];
	const address = compact({ street: partner.street, post_number: partner.post_number, city: partner.place, province: partner.province, country: partner.country });
	const hasAddress = Object.keys(address).length > 0;
	let ids: PartnerIds = { ...known };
	if ((contact && !ids.contactId) || (hasAddress && !ids.billingAddressId)) {
		const [current] = await client.getPartners({ partner_id: mkId });
		const found = idsOf(current?.mk_id === mkId ? current : undefined);
		ids = { contactId: ids.contactId ?? found.contactId, billingAddressId: ids.billingAddressId ?? found.billingAddressId };
	}
	const body: PartnerInput & { mk_id: string } = { ...head, mk_id: mkId };
	if (hasAddress) {
		// Without a billing entry (none found), one is added: the answer then gives its id.
		body.partner_delivery_address_list = [ids.billingAddressId ? { mk_id: ids.billingAddressId, ...address } : { address_type: 'Račun', ...address }];
	}
	if (contact) {
		body.partner_contact_list = [compact({ ...contact, mk_id: ids.contactId, mk_address_id: ids.contactId ? undefined : ids.billingAddressId })];
	}
	return { body, ids };
}

/** Writes a partner update and returns the answer plus the ids to keep (filled from the answer where they were missing). */
export async function updatePartnerFields(client: MetakockaClient, mkId: string, partner: PartnerFields, known: PartnerIds = {}) {
	const { body, ids } = await partnerUpdateBody(client, mkId, partner, known);
	const updated = await client.updatePartner(body);
	const after = idsOf(updated);
	return { updated, ids: { contactId: ids.contactId ?? after.contactId, billingAddressId: ids.billingAddressId ?? after.billingAddressId } };
}

/**
 * How Sync writes a partner: adopt by tax number or email (exact matches only), update through the
 * contact's and billing address's mk_id, create otherwise. The pipeline (pipeline.ts) does the rest.
 */
export function partnerEntity(matchExisting: MatchExisting = 'taxNumberOrEmail'): EntityDescription<ContactToSync> {
	return {
		entity: 'contact',
		what: () => 'partner',
		content: (contact) => compact(contact.partner),
		readCurrent: async ({ client }, _contact, mapping) => {
			const [current] = await client.getPartners({ partner_id: mapping.mkId });
			return current ? partnerView(current, mapping.mkSnapshot as Record<string, unknown>, idsFromMapping(mapping.extra)) : undefined;
		},
		findExisting: async ({ client }, contact) => {
			const partner = compact(contact.partner);
			const found = await findExisting(client, partner, matchExisting);
			if (!found) return undefined;
			return {
				mkId: found.partner.mk_id,
				countCode: found.partner.count_code ?? null,
				extra: mappingExtra(idsOf(found.partner)) as Record<string, unknown>,
				foundBy: found.by,
				view: partnerView(found.partner, partner, idsOf(found.partner)),
			};
		},
		adoptBy: (contact) => adoptKey(compact(contact.partner), matchExisting),
		prepare: async (_deps, contact, target) => {
			if (!target) requireNewPartnerAddress(compact(contact.partner), contact.itemIndex);
		},
		write: async ({ client }, contact, target) => {
			const partner = compact(contact.partner);
			if (target) {
				const { updated, ids } = await updatePartnerFields(client, target.mkId, partner, idsFromMapping(target.extra));
				return {
					status: 'updated',
					mkId: target.mkId,
					countCode: updated?.count_code ?? target.countCode ?? null,
					extra: { ...omitIds(target.extra), ...mappingExtra(ids) },
				};
			}
			const { result, reconciled } = await client.addPartner(partner);
			// The main address is stored as the Račun (billing) address [DOC:add_partner.md]; Sync sends no other.
			const billing = result.partner ? billingAddress(result.partner)?.mk_id : result.mk_address_id_list?.[0]?.mk_id;
			return {
				status: 'created',
				mkId: result.mk_id,
				countCode: result.count_code ?? null,
				reconciled,
				extra: mappingExtra({ contactId: result.mk_contact_id, billingAddressId: billing }),
			};
		},
	};
}

/**
 * CRM contact → Metakocka partner. Unchanged contacts (same hash as the last write) cost no call;
 * each create/update runs under a Postgres advisory lock on (company, CRM id) so that two workers
 * syncing the same contact never both create it, and the mapping is recorded right after the write.
 */
export async function syncPartners(deps: Deps, contacts: ContactToSync[], options: PartnerSyncOptions = {}): Promise<PartnerSyncOutcome[]> {
	return await runPipeline(deps, partnerEntity(options.matchExisting), contacts, options);
}

/** Dry Run of syncPartners: what it would do to each contact, from the same reads, without a write. */
export async function previewPartners(deps: Deps, contacts: ContactToSync[], options: PartnerSyncOptions = {}): Promise<DryRunOutcome[]> {
	return await previewPipeline(deps, partnerEntity(options.matchExisting), contacts, options);
}

/** What the next Sync would adopt this partner by, when its mapping is missing (as findExisting looks). */
function adoptKey(partner: PartnerFields, how: MatchExisting): string | undefined {
	const keys: string[] = [];
	if (how !== 'none' && partner.tax_id_number) keys.push('tax number');
	if (how === 'taxNumberOrEmail' && partner.partner_contact?.email) keys.push('email');
	return keys.length ? keys.join(' or ') : undefined;
}

/** The mapping's other extra keys (e.g. pendingConflict is dropped by a successful write). */
function omitIds(extra: Record<string, unknown> | null | undefined): Record<string, unknown> {
	const rest = { ...(extra ?? {}) };
	for (const key of ['mk_contact_id', 'mk_billing_address_id', 'mk_address_id', 'pendingConflict']) delete rest[key];
	return rest;
}

