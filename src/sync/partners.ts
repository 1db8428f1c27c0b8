import { z } from 'zod';

import type { MetakockaClient, Partner } from '../client';
import { MetakockaError } from '../client';
import type { Mapping, MappingStore } from '../store';
import { contentHash } from '../store';
import { parseItem } from '../input';
import { syncBatch, unchangedOutcome } from './batch';
import { checkConflict, mappingAfterConflict, partnerView, type Conflict, type ConflictPolicy } from './conflict';
import { crmId, email, flag, requiredText, text } from './fields';
import { recordAfterWrite } from './record';

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

/** Drops absent values so the hash and the request carry only what the CRM said. */
export function compact<T extends object>(value: T): T {
	const out: Record<string, unknown> = {};
	for (const [key, v] of Object.entries(value)) {
		if (v === undefined) continue;
		if (v && typeof v === 'object' && !Array.isArray(v)) {
			const inner = compact(v as object);
			if (Object.keys(inner).length) out[key] = inner;
			continue;
		}
		out[key] = v;
	}
	return out as T;
}

export type SyncStatus = 'created' | 'updated' | 'unchanged' | 'conflict';

export interface ContactToSync {
	itemIndex: number;
	crmId: string;
	partner: PartnerFields;
}

export interface PartnerSyncOutcome {
	itemIndex: number;
	crmId: string;
	status?: SyncStatus;
	mkId?: string;
	countCode?: string | null;
	/** The write's answer was lost and the partner was found by lookup instead of being written twice. */
	reconciled?: boolean;
	/** No mapping existed; an existing Metakocka partner with the same tax number or email was adopted. */
	matchedExisting?: boolean;
	/** Metakocka changed the partner since the last sync: both versions, and what the policy did. */
	conflict?: Conflict;
	error?: unknown;
}

export type MatchExisting = 'taxNumberOrEmail' | 'taxNumber' | 'none';

export interface PartnerSyncOptions {
	matchExisting?: MatchExisting;
	concurrency?: number;
	/** When Metakocka changed a mapped partner since the last sync (default: skip and report). */
	conflictPolicy?: ConflictPolicy;
}

interface Deps {
	client: MetakockaClient;
	store: MappingStore;
}

function mappingExtra(partner: Partner | undefined, contactId?: string, addressId?: string) {
	return {
		mk_contact_id: contactId ?? partner?.partner_contact_list?.[0]?.mk_id,
		mk_address_id: addressId ?? partner?.partner_contact_list?.[0]?.mk_address_id ?? partner?.partner_delivery_address_list?.[0]?.mk_id,
	};
}

async function findExisting(client: MetakockaClient, partner: PartnerFields, how: MatchExisting): Promise<Partner | undefined> {
	if (how === 'none') return undefined;
	const lookups: Array<Parameters<MetakockaClient['getPartners']>[0]> = [];
	if (partner.tax_id_number) lookups.push({ partner_tax_number: partner.tax_id_number });
	if (how === 'taxNumberOrEmail' && partner.partner_contact?.email) lookups.push({ partner_email: partner.partner_contact.email });
	for (const lookup of lookups) {
		const found = await client.getPartners(lookup);
		if (found.length === 1) return found[0];
		if (found.length > 1) {
			const [field, value] = Object.entries(lookup)[0];
			throw new MetakockaError({
				code: 'AMBIGUOUS_MATCH',
				method: 'get_partner',
				description: `${found.length} partners in Metakocka match ${field} "${value}" (mk_id ${found.map((p) => p.mk_id).join(', ')}); link one by hand or set "Match Existing Partners" to None`,
				retryable: false,
			});
		}
	}
	return undefined;
}

/** The update body: contact and address carry their mk_id, or Metakocka would add a second one. */
async function updateBody(client: MetakockaClient, mapping: Pick<Mapping, 'mkId' | 'extra'>, partner: PartnerFields) {
	const { partner_contact: contact, ...head } = partner;
	const body: Record<string, unknown> = { ...head, mk_id: mapping.mkId };
	let contactId = mapping.extra?.mk_contact_id as string | undefined;
	let addressId = mapping.extra?.mk_address_id as string | undefined;
	if (contact && !contactId) {
		const [current] = await client.getPartners({ partner_id: mapping.mkId });
		contactId = current?.partner_contact_list?.[0]?.mk_id;
		addressId = addressId ?? current?.partner_contact_list?.[0]?.mk_address_id;
	}
	if (contact) {
		body.partner_contact_list = [compact({ ...contact, mk_id: contactId, mk_address_id: contactId ? undefined : addressId })];
	}
	return { body, contactId, addressId };
}

/**
 * CRM contact → Metakocka partner. Unchanged contacts (same hash as the last write) cost no call;
 * each create/update runs under a Postgres advisory lock on (company, CRM id) so that two workers
 * syncing the same contact never both create it, and the mapping is recorded right after the write.
 */
export async function syncPartners(
	{ client, store }: Deps,
	contacts: ContactToSync[],
	options: PartnerSyncOptions = {},
): Promise<PartnerSyncOutcome[]> {
	const companyId = client.companyId;
	const matchExisting = options.matchExisting ?? 'taxNumberOrEmail';
	const known = await store.contacts.getByCrmIds(companyId, [...new Set(contacts.map((c) => c.crmId))]);
	return await syncBatch<ContactToSync, PartnerSyncOutcome>(contacts, (c) => ({ itemIndex: c.itemIndex, crmId: c.crmId }), {
		known,
		isUnchanged: (contact, mapping) => mapping.contentHash === contentHash(compact(contact.partner)),
		syncOne: (contact) => syncOne({ client, store }, contact, matchExisting, options.conflictPolicy ?? 'skip'),
		concurrency: options.concurrency,
	});
}

async function syncOne(
	{ client, store }: Deps,
	contact: ContactToSync,
	matchExisting: MatchExisting,
	policy: ConflictPolicy,
): Promise<Partial<PartnerSyncOutcome>> {
	const companyId = client.companyId;
	const partner = compact(contact.partner);
	const hash = contentHash(partner);
	return await store.withLocks(companyId, 'contact', [contact.crmId], async () => {
		// Read again under the lock: another worker may have synced this contact meanwhile.
		const mapping = (await store.contacts.getByCrmIds(companyId, [contact.crmId])).get(contact.crmId);
		if (mapping && mapping.contentHash === hash) {
			return unchangedOutcome(mapping);
		}
		let conflict: Conflict | undefined;
		if (mapping) {
			const decision = await checkConflict(mapping, partner, policy, async () => {
				const [current] = await client.getPartners({ partner_id: mapping.mkId });
				return current ? partnerView(current, mapping.mkSnapshot as Record<string, unknown>) : undefined;
			});
			conflict = decision.conflict;
			if (!decision.write) {
				await store.contacts.upsertMany(companyId, [mappingAfterConflict(mapping, decision.conflict, hash)]);
				return { status: 'conflict' as const, mkId: mapping.mkId, countCode: mapping.countCode, reconciled: false, matchedExisting: false, conflict };
			}
		}
		const target = mapping ?? (await adopt(client, partner, matchExisting));
		if (target) {
			const { body, contactId, addressId } = await updateBody(client, target, partner);
			const updated = await client.updatePartner(body as Parameters<MetakockaClient['updatePartner']>[0]);
			const written = { what: 'partner', mkId: target.mkId, adoptBy: adoptKey(partner, matchExisting) };
			await recordAfterWrite(written, () =>
				store.contacts.upsertMany(companyId, [
					{
						crmId: contact.crmId,
						mkId: target.mkId,
						countCode: updated?.count_code ?? target.countCode ?? null,
						contentHash: hash,
						mkSnapshot: partner,
						extra: mappingExtra(updated, contactId, addressId),
					},
				]),
			);
			return { status: 'updated' as const, mkId: target.mkId, countCode: updated?.count_code ?? target.countCode, reconciled: false, matchedExisting: !mapping, conflict };
		}
		const { result, reconciled } = await client.addPartner(partner);
		const addressId = result.mk_address_id_list?.[0]?.mk_id;
		const written = { what: 'partner', mkId: result.mk_id, adoptBy: adoptKey(partner, matchExisting) };
		await recordAfterWrite(written, () =>
			store.contacts.upsertMany(companyId, [
				{
					crmId: contact.crmId,
					mkId: result.mk_id,
					countCode: result.count_code ?? null,
					contentHash: hash,
					mkSnapshot: partner,
					extra: { mk_contact_id: result.mk_contact_id, mk_address_id: addressId },
				},
			]),
		);
		return { status: 'created' as const, mkId: result.mk_id, countCode: result.count_code ?? null, reconciled, matchedExisting: false };
	});
}

/** What the next Sync would adopt this partner by, when its mapping is missing (as findExisting looks). */
function adoptKey(partner: PartnerFields, how: MatchExisting): string | undefined {
	const keys: string[] = [];
	if (how !== 'none' && partner.tax_id_number) keys.push('tax number');
	if (how === 'taxNumberOrEmail' && partner.partner_contact?.email) keys.push('email');
	return keys.length ? keys.join(' or ') : undefined;
}

async function adopt(client: MetakockaClient, partner: PartnerFields, how: MatchExisting) {
	const existing = await findExisting(client, partner, how);
	if (!existing) return undefined;
	return {
		mkId: existing.mk_id,
		countCode: existing.count_code ?? null,
		extra: mappingExtra(existing) as Record<string, unknown>,
	};
}

