import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { getClient, toNodeError } from '../../../src/n8n';
import type { DocType } from '../../../src/client';

const PAGE = 50;

export async function searchPartners(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	// get_partner needs a criterion: an empty box shows nothing rather than guessing a listing.
	if (!filter?.trim()) return { results: [] };
	const client = await getClient(this);
	try {
		const byEmail = filter.includes('@');
		const partners = await client.getPartners(byEmail ? { partner_email: filter.trim() } : { partner_name: filter.trim() });
		return {
			results: partners.slice(0, 100).map((p) => ({
				name: [p.customer, p.count_code ? `(${p.count_code})` : ''].filter(Boolean).join(' '),
				value: p.mk_id,
			})),
		};
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

export async function searchDocuments(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const client = await getClient(this);
	const docType = (this.getCurrentNodeParameter('docType') as DocType | undefined) ?? 'sales_order';
	const offset = paginationToken ? Number(paginationToken) : 0;
	try {
		const page = await client.search({
			doc_type: docType,
			query: filter?.trim() || undefined,
			limit: PAGE,
			offset,
			order_direction: 'desc',
		});
		return {
			results: page.records.map((d) => ({ name: String(d.count_code ?? d.mk_id), value: String(d.mk_id) })),
			paginationToken: offset + page.records.length < page.total ? String(offset + PAGE) : undefined,
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
