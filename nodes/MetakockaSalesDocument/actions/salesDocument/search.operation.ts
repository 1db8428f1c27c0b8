import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getClient, hasLastChangeFilter, InputError, type MkDocument, orderDirectionFor, runPerItem, type SearchParams, simpleDocument, simplifyOn } from '../../../../src';
import { returnAllOrLimit, simplifyParameter } from '../../../shared/descriptions';
import { docTypeFor } from './fields';

const show = { resource: ['salesDocument'], operation: ['search'] };

// query_advance types from search_concept.md; dates are formatted by type.
const ADVANCED_TYPES: Array<[string, string]> = [
	['Customer Order (Buyer Order)', 'customer_order'],
	['Delivery Type', 'delivery_type'],
	['Document Date From', 'doc_date_from'],
	['Document Date To', 'doc_date_to'],
	['Last Change From', 'last_change_from'],
	['Last Change To', 'last_change_to'],
	['Paid (True/False)', 'payment_status'],
	['Partner Code', 'partner_code'],
	['Partner Country', 'partner_country'],
	['Partner Metakocka ID', 'partner_mk_id'],
	['Partner Tax Number', 'partner_tax_num'],
	['Product Codes (Comma-Separated)', 'product_code_list'],
	['Product IDs (Comma-Separated)', 'product_id_list'],
	['Profit Center', 'profit_center'],
	['Recipient Email', 'partner_recipient_email'],
	['Recipient Name', 'partner_recipient_name'],
	['Recipient Phone', 'partner_recipient_phone'],
	['Show Only Open', 'show_only_open'],
	['Status Change From', 'status_change_from'],
	['Status Change List', 'status_change_list'],
	['Status Change To', 'status_change_to'],
	['Status IDs', 'status_id_list'],
	['Statuses', 'status_list'],
	['Tracking Last Event From', 'tracking_last_event_date_from'],
	['Tracking Last Event To', 'tracking_last_event_date_to'],
];

export const description: INodeProperties[] = [
	{
		displayName: 'Query',
		name: 'query',
		type: 'string',
		default: '',
		displayOptions: { show },
		description: 'Free text, as in the Metakocka search box (number, partner, title…); empty matches all',
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show },
		options: [
			{ displayName: 'Date From', name: 'doc_date_from', type: 'dateTime', default: '', description: 'Document date on or after' },
			{ displayName: 'Date To', name: 'doc_date_to', type: 'dateTime', default: '', description: 'Document date on or before' },
			{ displayName: 'Status', name: 'status_list', type: 'string', default: '', placeholder: 'draft,ready_to_ship', description: 'Status keys, comma-separated' },
		],
	},
	{
		displayName: 'Advanced Filters',
		name: 'advancedFilters',
		type: 'fixedCollection',
		placeholder: 'Add Advanced Filter',
		typeOptions: { multipleValues: true },
		default: {},
		displayOptions: { show },
		description: 'Metakocka query_advance filters',
		options: [
			{
				displayName: 'Filter',
				name: 'filter',
				values: [
					{
						displayName: 'Type',
						name: 'type',
						type: 'options',
						options: ADVANCED_TYPES.map(([name, value]) => ({ name, value })),
						default: 'partner_mk_id',
					},
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	...returnAllOrLimit(show),
	simplifyParameter(show),
	{
		displayName: 'Options',
		name: 'searchOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Order',
				name: 'order_direction',
				type: 'options',
				options: [
					{ name: 'Oldest First', value: 'asc' },
					{ name: 'Newest First', value: 'desc' },
				],
				default: 'asc',
				description: 'By Metakocka ID',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const client = await getClient(this);
	return await runPerItem(this, async (i) => {
		const docType = docTypeFor(this, i);
		const query = String(this.getNodeParameter('query', i, '')).trim();
		const filters = this.getNodeParameter('filters', i, {}) as IDataObject;
		const advanced = this.getNodeParameter('advancedFilters.filter', i, []) as Array<{ type: string; value: string }>;
		const { order_direction } = this.getNodeParameter('searchOptions', i, {}) as { order_direction?: 'asc' | 'desc' };
		const returnAll = this.getNodeParameter('returnAll', i) as boolean;
		const limit = returnAll ? undefined : (this.getNodeParameter('limit', i) as number);

		const simple = simplifyOn(this, i);

		const query_advance: NonNullable<SearchParams['query_advance']> = [];
		for (const type of ['doc_date_from', 'doc_date_to'] as const) {
			if (!filters[type]) continue;
			// The calendar day as picked: converting through Date would shift it by the server's time zone.
			const day = /^\d{4}-\d{2}-\d{2}/.exec(String(filters[type]))?.[0];
			if (!day) throw new InputError(i, `filters.${type}`, `must be a date (got ${JSON.stringify(filters[type])})`);
			query_advance.push({ type, value: day });
		}
		if (String(filters.status_list ?? '').trim()) query_advance.push({ type: 'status_list', value: String(filters.status_list).trim() });
		// Documented for sales orders (and warehouse documents) only: elsewhere Metakocka may ignore them (search_examples.md).
		if (order_direction && !orderDirectionFor(docType, order_direction)) {
			throw new InputError(i, 'Order', `is documented for sales orders and warehouse documents only, not ${docType}; leave it out`);
		}
		advanced.forEach((f, n) => {
			if (!String(f.value ?? '').trim()) throw new InputError(i, `advancedFilters.filter.${n}.value`, `is required for filter ${f.type}`);
			if (/^last_change_(from|to)$/.test(f.type) && !hasLastChangeFilter(docType)) {
				throw new InputError(i, `advancedFilters.filter.${n}.type`, `is ${f.type}, documented for sales orders only (not ${docType}): Metakocka may ignore it and answer every document`);
			}
			query_advance.push({ type: f.type, value: String(f.value).trim() });
		});

		const documents: IDataObject[] = [];
		for await (const doc of client.iterateSearch({
			doc_type: docType,
			query: query || undefined,
			query_advance,
			result_type: 'doc',
			order_direction,
			limit: limit === undefined ? undefined : Math.min(limit, 100),
		})) {
			documents.push(simple ? { ...simpleDocument(doc as MkDocument, docType) } : { ...doc });
			if (limit !== undefined && documents.length >= limit) break;
		}
		return documents;
	});
}
