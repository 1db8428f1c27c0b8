// Verification of extracted candidates against Metakocka. A candidate is only a string that looks
// like an email, a document number, ...; it becomes an entity only when Metakocka confirms it with
// an exact match. Nothing is ever linked on a guess.

import { hasEmail, normaliseEmail, taxNumberMatch, type MetakockaClient, type SearchDocType } from '../client';
import type { Candidate, CandidateKind, Evidence } from './extract';

export type VerifiedType = 'partner' | 'document' | 'product';

export interface VerifiedEntity {
	type: VerifiedType;
	mk_id: string;
	/** Partner name, document count code (+ title) or product code + name: for humans. */
	label: string;
	doc_type?: string;
	count_code?: string;
	/** The partner's contact email matched (partners found by email). */
	email?: string;
	/** false: found by tax number, but Metakocka's answer carried no tax number to compare (confidence lowered). */
	tax_number_confirmed?: boolean;
	/** 0..1, from how strong the evidence was and how exact the lookup is. */
	confidence: number;
	evidence: Evidence[];
	/** The candidates that led to this entity. */
	matched_by: Array<{ kind: CandidateKind; value: string }>;
}

/** What one lookup found, before the candidate's evidence is attached. */
interface Found {
	type: VerifiedType;
	mk_id: string;
	label: string;
	doc_type?: string;
	count_code?: string;
	email?: string;
	tax_number_confirmed?: boolean;
}

/** How much an unconfirmed tax-number hit keeps of the kind's confidence. */
const UNCONFIRMED_TAX_FACTOR = 0.8;

/** Per-execution cache: one Metakocka lookup per kind+value, shared by every item of the run. */
export type VerifyCache = Map<string, Promise<Found[]>>;

/**
 * Metakocka calls one execution may spend on lookups, shared by all its items (a cached lookup
 * is free). When a lookup would overspend, that candidate is skipped and reported, never retried.
 */
export interface CallBudget {
	max: number;
	used: number;
}

/** Default budget of the Email Enricher: one email costs at most 25 calls with the default caps and document types. */
export const DEFAULT_MAX_CALLS_PER_EXECUTION = 500;

export function createCallBudget(max = DEFAULT_MAX_CALLS_PER_EXECUTION): CallBudget {
	if (!Number.isInteger(max) || max < 1) throw new RangeError(`The call budget must be a whole number of at least 1 (got ${String(max)})`);
	return { max, used: 0 };
}

export interface VerifyOptions {
	/** Document types searched for document numbers (default sales_order, sales_offer, sales_bill_domestic). */
	docTypes?: SearchDocType[];
	cache?: VerifyCache;
	/** Bounds the Metakocka calls; without it every candidate is looked up. */
	budget?: CallBudget;
}

export interface VerifyResult {
	partners: VerifiedEntity[];
	documents: VerifiedEntity[];
	products: VerifiedEntity[];
	/** How many candidates were checked against Metakocka (cached or not). */
	candidatesChecked: number;
	/** Metakocka calls this verification made (cache hits cost none). */
	callsMade: number;
	/** Candidates not looked up because the execution's call budget was spent. */
	skippedByBudget: Array<{ kind: CandidateKind; value: string }>;
}

export const DEFAULT_VERIFY_DOC_TYPES: readonly SearchDocType[] = Object.freeze(['sales_order', 'sales_offer', 'sales_bill_domestic']);

/** How exact each lookup is: an email or tax number names one partner, a product code is the loosest. */
const KIND_CONFIDENCE: Record<CandidateKind, number> = {
	email: 0.95,
	tax_number: 0.95,
	document_number: 0.9,
	buyer_order: 0.85,
	product_code: 0.8,
};
const MAX_EVIDENCE = 10;

export function createVerifyCache(): VerifyCache {
	return new Map();
}

/** Candidate score (sender/subject 3, body 2, quoted history 1) scaled in: strong evidence keeps the kind's confidence. */
export function candidateConfidence(candidate: Pick<Candidate, 'kind' | 'score'>): number {
	const score = Number.isFinite(candidate.score) ? Math.max(0, candidate.score) : 0;
	const factor = Math.min(1, 0.7 + 0.1 * score);
	return Math.round(KIND_CONFIDENCE[candidate.kind] * factor * 100) / 100;
}

function text(value: unknown): string {
	return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

async function lookup(client: MetakockaClient, kind: CandidateKind, value: string, docTypes: readonly SearchDocType[]): Promise<Found[]> {
	switch (kind) {
		case 'email': {
			const email = normaliseEmail(value);
			const partners = await client.getPartners({ partner_email: email });
			// The e-mail search is fuzzy [OBS t4a-admin]: only a partner with exactly this contact e-mail counts.
			return partners
				.filter((p) => hasEmail(p, email))
				.map((p) => ({ type: 'partner', mk_id: text(p.mk_id), label: text(p.customer) || text(p.count_code) || text(p.mk_id), count_code: text(p.count_code) || undefined, email }));
		}
		case 'tax_number': {
			const partners = await client.getPartners({ partner_tax_number: value });
			const same = partners.filter((p) => taxNumberMatch(p, value) === 'same');
			// Answers without tax_id_number (as in the docs' examples) can't confirm the number: the
			// only hit of a lookup whose answers carry no number at all is kept, marked unconfirmed.
			const unknown = partners.filter((p) => taxNumberMatch(p, value) === 'unknown');
			const kept = same.length ? same : partners.length === 1 && unknown.length === 1 ? unknown : [];
			return kept.map((p) => ({
				type: 'partner',
				mk_id: text(p.mk_id),
				label: text(p.customer) || text(p.count_code) || text(p.mk_id),
				count_code: text(p.count_code) || undefined,
				...(same.length ? {} : { tax_number_confirmed: false }),
			}));
		}
		case 'document_number': {
			const found: Found[] = [];
			for (const docType of docTypes) {
				const page = await client.search({ doc_type: docType, query: value, result_type: 'doc' });
				for (const record of page.records) {
					const r = record as unknown as Record<string, unknown>;
					// Search matches loosely (titles, partners, prefixes): only the exact count code counts.
					if (text(r.count_code) !== value || !text(r.mk_id)) continue;
					found.push(documentFound(r, docType));
				}
			}
			return found;
		}
		case 'buyer_order': {
			const doc = await client.getDocument('sales_order', { buyer_order: value });
			if (!doc) return [];
			const r = doc as unknown as Record<string, unknown>;
			const buyerOrder = text(r.buyer_order);
			if (!text(r.mk_id) || (buyerOrder && buyerOrder !== value)) return [];
			return [documentFound(r, 'sales_order')];
		}
		case 'product_code': {
			const product = await client.getProduct({ code: value });
			if (!product || !text(product.mk_id) || text(product.code) !== value) return [];
			const name = text(product.name);
			return [{ type: 'product', mk_id: text(product.mk_id), label: name ? `${value} ${name}` : value, count_code: text(product.count_code) || undefined }];
		}
	}
}

function documentFound(r: Record<string, unknown>, docType: string): Found {
	const countCode = text(r.count_code);
	const title = text(r.title);
	return {
		type: 'document',
		mk_id: text(r.mk_id),
		label: title ? `${countCode} ${title}` : countCode || text(r.mk_id),
		doc_type: text(r.doc_type) || docType,
		count_code: countCode || undefined,
	};
}

function cacheKey(kind: CandidateKind, value: string, docTypes: readonly SearchDocType[]): string {
	const v = kind === 'email' ? normaliseEmail(value) : value;
	return kind === 'document_number' ? `${kind}\u0000${docTypes.join(',')}\u0000${v}` : `${kind}\u0000${v}`;
}

/**
 * Checks every candidate against Metakocka and returns only what Metakocka confirmed, merged per
 * entity (an email and a tax number of the same partner give one partner with both as evidence).
 * Lookup errors propagate: a Metakocka outage must not look like "nothing found".
 */
export async function verifyCandidates(client: MetakockaClient, candidates: Candidate[], options: VerifyOptions = {}): Promise<VerifyResult> {
	const docTypes = options.docTypes?.length ? options.docTypes : DEFAULT_VERIFY_DOC_TYPES;
	const cache = options.cache ?? createVerifyCache();
	const merged = new Map<string, VerifiedEntity>();
	let candidatesChecked = 0;
	let callsMade = 0;
	const skippedByBudget: VerifyResult['skippedByBudget'] = [];
	const budget = options.budget;

	for (const candidate of candidates) {
		const value = typeof candidate?.value === 'string' ? candidate.value.trim() : '';
		if (!value || !(candidate.kind in KIND_CONFIDENCE)) continue;
		const key = cacheKey(candidate.kind, value, docTypes);
		let pending = cache.get(key);
		if (!pending) {
			// A document number is one search per document type; everything else one call.
			const cost = candidate.kind === 'document_number' ? docTypes.length : 1;
			if (budget && budget.used + cost > budget.max) {
				skippedByBudget.push({ kind: candidate.kind, value });
				continue;
			}
			if (budget) budget.used += cost;
			callsMade += cost;
			pending = lookup(client, candidate.kind, value, docTypes);
			cache.set(key, pending);
			// A failed lookup is not remembered: a later item may try again.
			pending.catch(() => cache.delete(key));
		}
		const found = await pending;
		candidatesChecked++;
		const confidence = candidateConfidence(candidate);
		for (const f of found) {
			const own = f.tax_number_confirmed === false ? Math.round(confidence * UNCONFIRMED_TAX_FACTOR * 100) / 100 : confidence;
			const id = `${f.type}\u0000${f.doc_type ?? ''}\u0000${f.mk_id}`;
			const existing = merged.get(id);
			if (!existing) {
				merged.set(id, {
					...f,
					confidence: own,
					evidence: candidate.evidence.slice(0, MAX_EVIDENCE),
					matched_by: [{ kind: candidate.kind, value }],
				});
				continue;
			}
			existing.confidence = Math.max(existing.confidence, own);
			if (f.tax_number_confirmed === undefined) delete existing.tax_number_confirmed;
			existing.evidence = [...existing.evidence, ...candidate.evidence].slice(0, MAX_EVIDENCE);
			existing.matched_by.push({ kind: candidate.kind, value });
			if (!existing.email && f.email) existing.email = f.email;
		}
	}

	const all = [...merged.values()].sort((a, b) => b.confidence - a.confidence);
	return {
		partners: all.filter((e) => e.type === 'partner'),
		documents: all.filter((e) => e.type === 'document'),
		products: all.filter((e) => e.type === 'product'),
		candidatesChecked,
		callsMade,
		skippedByBudget,
	};
}
