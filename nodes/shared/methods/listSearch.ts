import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { type DocType, getClient, type MkDocument, type Partner, type PartnerBlock, type SearchDocType, toNodeError } from '../../../src';

const PAGE = 50;
// Whole documents are bigger than bare hits: a shorter page keeps a picker request small.
const DOCUMENT_PAGE = 25;
const PARTNER_RESULTS = 100;
// Metakocka has no partner listing, so before anything is typed the picker shows the partners of
// the latest documents of these types: at most one search per type, one picker request = at most 2 calls.
const RECENT_PARTNER_DOC_TYPES: SearchDocType[] = ['sales_order', 'sales_bill_domestic'];
const RECENT_PARTNERS_WANTED = 20;

/** What a person recognises a partner by: the name, then the place and the tax number. */
function partnerLabel(p: Partner | PartnerBlock): string {
	// get_partner gives the place in the address list, a document's partner block beside the name.
	const place = p.place ?? p.partner_delivery_address_list?.find((a) => a.city)?.city;
	const details = [place, p.tax_id_number].filter((x) => typeof x === 'string' && x.trim() !== '');
	return [p.customer ?? `Partner ${p.mk_id}`, ...details].join(' · ');
}

/** get_partner by what was typed: an email address, a tax number (SI + 8 digits, or 8 digits) or a name. */
function partnerLookupFor(filter: string) {
	if (filter.includes('@')) return { partner_email: filter };
	if (/^(SI)?\s?\d{8}$/i.test(filter)) return { partner_tax_number: filter.replace(/\s/g, '') };
	return { partner_name: filter };
}

export async function searchPartners(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const client = await getClient(this);
	const typed = filter?.trim();
	try {
		if (typed) {
			// One get_partner call; Metakocka answers "no match" as an error, which the client turns into [].
			const partners = await client.getPartners(partnerLookupFor(typed));
			return { results: partners.slice(0, PARTNER_RESULTS).map((p) => ({ name: partnerLabel(p), value: p.mk_id })) };
		}
		const seen = new Map<string, INodeListSearchItems>();
		for (const docType of RECENT_PARTNER_DOC_TYPES) {
			const page = await client.search({ doc_type: docType, result_type: 'doc', limit: 100, order_direction: 'desc' });
			for (const doc of page.records as MkDocument[]) {
				const partner = doc.partner;
				if (!partner?.mk_id || seen.has(partner.mk_id)) continue;
				seen.set(partner.mk_id, { name: partnerLabel(partner), value: partner.mk_id });
			}
			if (seen.size >= RECENT_PARTNERS_WANTED) break;
		}
		return { results: [...seen.values()].slice(0, PARTNER_RESULTS) };
	} catch (error) {
		throw toNodeError(this, error, 0);
	}
}

export async function searchProducts(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const client = await getClient(this);
	const offset = paginationToken ? Number(paginationToken) : 0;
	try {
		const products = await client.listProducts(
			filter?.trim() ? { title: filter.trim(), search_with_like: true } : {},
			{ limit: PAGE, offset },
		);
		return {
			results: products.map((p) => ({ name: `${p.name ?? p.code} (${p.code ?? p.count_code})`, value: p.mk_id })),
			paginationToken: products.length === PAGE ? String(offset + PAGE) : undefined,
		};
	} catch (error) {
		throw toNodeError(this, error, 0);
	}
}

/** 'YYYY-MM-DD+02:00' → 'YYYY-MM-DD' (the day as Metakocka keeps it); anything else as it came. */
function day(value: unknown): string | undefined {
	if (typeof value !== 'string' || !value) return undefined;
	const m = /^(\d{4}-\d{2}-\d{2})/.exec(value);
	return m ? m[1] : value;
}

function money(sum: unknown, currency: unknown): string | undefined {
	if (typeof sum !== 'number' || !Number.isFinite(sum)) return undefined;
	return `${sum.toLocaleString('sl-SI', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${typeof currency === 'string' && currency ? currency : 'EUR'}`;
}

/** What a person recognises a document by: its number, partner, date, total and status. */
export function documentLabel(d: MkDocument): string {
	const parts = [
		d.count_code ? String(d.count_code) : `#${d.mk_id}`,
		d.partner?.customer,
		day(d.doc_date),
		money(d.sum_all, d.currency_code),
		d.status_code ?? d.status_desc,
	];
	return parts.filter((x) => typeof x === 'string' && x.trim() !== '').join(' · ');
}

export async function searchDocuments(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const client = await getClient(this);
	const docType = (this.getCurrentNodeParameter('docType') as DocType | undefined) ?? 'sales_order';
	const offset = paginationToken ? Number(paginationToken) : 0;
	try {
		// One search per picker request (and per page), whole documents, newest first.
		const page = await client.search({
			doc_type: docType as SearchDocType,
			query: filter?.trim() || undefined,
			result_type: 'doc',
			limit: DOCUMENT_PAGE,
			offset,
			order_direction: 'desc',
		});
		return {
			results: (page.records as MkDocument[]).map((d) => ({ name: documentLabel(d), value: String(d.mk_id) })),
			paginationToken: page.records.length > 0 && offset + page.records.length < page.total ? String(offset + page.records.length) : undefined,
		};
	} catch (error) {
		throw toNodeError(this, error, 0);
	}
}

export async function searchWarehouses(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const client = await getClient(this);
	try {
		const needle = filter?.trim().toLowerCase();
		const warehouses = await client.listWarehouses();
		return {
			results: warehouses
				.filter((w) => !needle || `${w.mark} ${w.name}`.toLowerCase().includes(needle))
				.map((w) => ({ name: `${w.name} (${w.mark})`, value: w.mk_id })),
		};
	} catch (error) {
		throw toNodeError(this, error, 0);
	}
}

export const listSearch = { searchPartners, searchProducts, searchDocuments, searchWarehouses };
