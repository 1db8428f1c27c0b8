import type { MkDocument, Partner, Product } from '../client';
import { billingAddress, mainContact, parseMkNumber } from '../client';
import type { Mapping, MappingUpsert } from '../store';

/** What Sync does when the Metakocka record changed since it was last written. */
export type ConflictPolicy = 'skip' | 'crmWins' | 'metakockaWins';

export interface Conflict {
	policy: ConflictPolicy;
	/** Fields whose Metakocka value no longer matches what Sync last wrote. */
	fields: string[];
	crm: unknown;
	metakocka: Record<string, unknown>;
	lastSynced: unknown;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const omit = (value: Obj, keys: string[]): Obj => Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));

// Metakocka echoes what it stores in its own form (upper-cased cities, "209,00", "true"): compare
// meaning, not spelling.
export function norm(value: unknown): string | number | boolean | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'boolean') return value;
	if (typeof value === 'number') return value;
	const text = String(value).trim().replace(/\s+/g, ' ');
	if (text === 'true' || text === 'false') return text === 'true';
	const number = /^-?[\d.,]+$/.test(text) ? parseMkNumber(text) : undefined;
	return number ?? text.toLowerCase();
}

/**
 * The paths of `snapshot` (what Sync last wrote) whose value in `current` (Metakocka now) differs.
 * A field Metakocka does not return is not evidence of a change and is skipped.
 */
export function changedFields(snapshot: unknown, current: unknown, path = ''): string[] {
	if (Array.isArray(snapshot)) {
		if (!Array.isArray(current)) return current === undefined ? [] : [path];
		if (snapshot.length !== current.length) return [path];
		return snapshot.flatMap((item, i) => changedFields(item, current[i], `${path}[${i}]`));
	}
	if (isObj(snapshot)) {
		if (!isObj(current)) return current === undefined ? [] : [path];
		return Object.keys(snapshot).flatMap((key) => changedFields(snapshot[key], current[key], path ? `${path}.${key}` : key));
	}
	const was = norm(snapshot);
	const now = norm(current);
	if (now === undefined && current === undefined) return [];
	return was === now ? [] : [path];
}

/**
 * A partner as get_partner returns it, in the shape Sync writes (PartnerFields). The address is the
 * billing (Račun) entry of partner_delivery_address_list (top-level street/post_number are not the
 * billing address [DOC:update_partner.md]), the contact the one Sync writes; `ids` from the mapping
 * pick them by mk_id where known.
 */
export function partnerView(p: Partner, snapshot?: Obj, ids: { contactId?: string; billingAddressId?: string } = {}): Obj {
	const address = billingAddress(p, ids.billingAddressId);
	const contact = mainContact(p, ids.contactId);
	const wroteIso = typeof snapshot?.country === 'string' && snapshot.country.length === 2;
	// Address lists spell countries as names ("Slovenija"): an ISO-2 the CRM wrote is compared with
	// country_iso_2 when Metakocka gives it, else not at all (a spelling is no evidence of a change).
	const country = wroteIso ? p.country_iso_2 : (address?.country ?? p.country);
	return {
		...p,
		street: address?.street,
		post_number: address?.post_number,
		place: address?.city ?? address?.place,
		province: address?.province,
		country,
		partner_contact: contact ? { name: contact.name, email: contact.email, phone: contact.phone, gsm: contact.gsm, fax: contact.fax } : undefined,
	};
}

export function productView(p: Product): Obj {
	return { ...p };
}

/** A document as get_document returns it; status_desc is the key Sync writes as status_code. */
export function documentView(d: MkDocument): Obj {
	return { ...omit(d as Obj, ['partner', 'receiver']), status_code: (d as Obj).status_desc ?? (d as Obj).status_code };
}

/** The part of the snapshot conflict detection compares: partner blocks change by design on documents. */
function comparable(snapshot: unknown): unknown {
	if (!isObj(snapshot)) return snapshot;
	return omit(snapshot, ['partner', 'receiver', 'mk_id']);
}

export type ConflictDecision =
	| { write: true; conflict?: Conflict }
	| { write: false; conflict: Conflict };

/**
 * Before overwriting a mapped record: has Metakocka changed it since the last sync? Reads the
 * current record only when a write is due anyway, so unchanged items still cost nothing.
 */
export async function checkConflict(
	mapping: Mapping,
	crm: unknown,
	policy: ConflictPolicy,
	readCurrent: () => Promise<Obj | undefined>,
): Promise<ConflictDecision> {
	const lastSynced = mapping.mkSnapshot;
	if (!isObj(lastSynced)) return { write: true };
	const current = await readCurrent();
	if (!current) return { write: true };
	const fields = changedFields(comparable(lastSynced), current);
	if (!fields.length) return { write: true };
	const conflict: Conflict = { policy, fields, crm, metakocka: current, lastSynced };
	return policy === 'crmWins' ? { write: true, conflict } : { write: false, conflict };
}

/**
 * The mapping after a conflict that was not written: "Metakocka wins" takes Metakocka's values as
 * the new baseline (so the CRM can catch up without a second conflict); "skip" keeps the baseline
 * and marks the mapping so Import can tell that the CRM side changed too.
 */
export function mappingAfterConflict(mapping: Mapping, conflict: Conflict, crmHash: string): MappingUpsert {
	const kept = { crmId: mapping.crmId, mkId: mapping.mkId, docType: mapping.docType ?? undefined, countCode: mapping.countCode };
	if (conflict.policy === 'metakockaWins') {
		const baseline = pick(comparable(conflict.lastSynced) as Obj, conflict.metakocka);
		const extra = omit(mapping.extra ?? {}, ['pendingConflict']);
		return { ...kept, contentHash: crmHash, mkSnapshot: { ...(conflict.lastSynced as Obj), ...baseline }, extra };
	}
	const pendingConflict = { at: new Date().toISOString(), fields: conflict.fields };
	return { ...kept, contentHash: mapping.contentHash, mkSnapshot: mapping.mkSnapshot, extra: { ...mapping.extra, pendingConflict } };
}

/** Metakocka's values for the keys Sync writes. */
function pick(shape: Obj, source: Obj): Obj {
	const out: Obj = {};
	for (const key of Object.keys(shape)) {
		if (source[key] === undefined) continue;
		out[key] = isObj(shape[key]) && isObj(source[key]) ? pick(shape[key] as Obj, source[key] as Obj) : source[key];
	}
	return out;
}

/** How Import marks a record: changed in Metakocka since the last sync, and/or waiting CRM changes. */
export function syncMarks(mapping: Mapping | undefined, view: Obj) {
	if (!mapping) return { crmId: null, metakockaChanged: false, crmChanged: false };
	const metakockaChanged = isObj(mapping.mkSnapshot) && changedFields(comparable(mapping.mkSnapshot), view).length > 0;
	return { crmId: mapping.crmId, metakockaChanged, crmChanged: Boolean(mapping.extra?.pendingConflict) };
}
