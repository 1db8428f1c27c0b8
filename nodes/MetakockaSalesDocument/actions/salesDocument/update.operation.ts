import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { DOC_TYPE_INFO, getClient, InputError, nodeVersion, parseDocumentUpdate, runItems } from '../../../../src';
import { documentLocator } from '../../../shared/locators';
import { docTypeFor, FULL_UPDATE_TYPES, NO_UPDATE_TYPES, parseJson, STATUS_ONLY_TYPES } from './fields';

const show = { resource: ['salesDocument'], operation: ['update'] };

const text = (displayName: string, name: string, description = ''): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	default: '',
	...(description ? { description } : {}),
});

export const description: INodeProperties[] = [
	documentLocator(show),
	{
		displayName: 'An issued bill can only change its status: Metakocka does not let the API rewrite it.',
		name: 'billNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { ...show, docType: STATUS_ONLY_TYPES } },
	},
	{
		displayName: 'Metakocka has no update for this document type: change it in Metakocka, or with Sync, which rewrites the whole document.',
		name: 'noUpdateNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { ...show, docType: NO_UPDATE_TYPES } },
	},
	{
		displayName: 'Status',
		name: 'statusCode',
		type: 'string',
		default: '',
		displayOptions: { show: { ...show, docType: STATUS_ONLY_TYPES } },
		description: 'Status key from the company\'s register, e.g. open',
	},
	{
		displayName: 'Clear Status',
		name: 'clearStatus',
		type: 'boolean',
		default: false,
		displayOptions: { show: { ...show, docType: STATUS_ONLY_TYPES } },
		description: 'Whether to remove the bill\'s status (sends an empty status, which Metakocka reads as "clear"); an empty Status alone is never sent',
	},
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show: { ...show, docType: FULL_UPDATE_TYPES } },
		description: 'Only the given fields change. Sales orders: all but Title. Warehouse documents: Delivery Type, Discount Value, Lines, Notes, Status, Title, Warehouse Mark. Others are refused before any call.',
		options: [
			text('Delivery Type', 'delivery_type'),
			{ displayName: 'Discount Value', name: 'discount_value', type: 'number', default: 0, description: 'Absolute discount on the whole document' },
			{
				displayName: 'Lines To Add (JSON)',
				name: 'product_add',
				type: 'json',
				default: '[]',
				description: 'Lines to add: each with code or count_code, amount, price or price_with_tax, tax or tax_factor',
			},
			text('Notes', 'notes'),
			text('Notes Header', 'notes_header'),
			text('Parcel Shop ID', 'parcel_shop_id'),
			text('Shipped Date', 'shipped_date', 'YYYY-MM-DD or dd.mm.yyyy; give it with status shipped'),
			text('Status', 'status_code', 'Status key from the company\'s register, e.g. shipped'),
			text('Title', 'title', 'Warehouse documents'),
			text('Tracking Code', 'tracking_code', 'Metakocka accepts it once the order has an invoice'),
			text('Tracking Intermediate Code', 'tracking_intermediate_code'),
			text('Warehouse Mark', 'warehouse'),
		],
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const client = await getClient(this);
	const v2 = nodeVersion(this) >= 2;
	return await runItems(this, {
		writes: true,
		parse: (i) => {
			const docType = docTypeFor(this, i);
			const mkId = String(this.getNodeParameter('document', i, '', { extractValue: true })).trim();
			if (!mkId) throw new InputError(i, 'document', 'is required');
			if (DOC_TYPE_INFO[docType].update === 'status') {
				const status = String(this.getNodeParameter('statusCode', i, '') ?? '').trim();
				const clear = this.getNodeParameter('clearStatus', i, false) === true;
				if (status && clear) throw new InputError(i, 'Clear Status', 'is on while Status is set: give one of them');
				// An empty optional parameter is never sent: status_code "" clears the bill's status [DOC].
				if (!status && !clear) throw new InputError(i, 'Status', 'is empty: give the status key, or turn on Clear Status to remove it; nothing was sent');
				return { docType, mkId, fields: { status_code: status } as Record<string, unknown> };
			}
			const raw = { ...(this.getNodeParameter('updateFields', i, {}) as IDataObject) };
			if (typeof raw.product_add === 'string') raw.product_add = parseJson(raw.product_add, i, 'Lines To Add (JSON)') as IDataObject[];
			if (Array.isArray(raw.product_add) && raw.product_add.length === 0) delete raw.product_add;
			return { docType, mkId, fields: parseDocumentUpdate(raw, i, docType) };
		},
		run: async (_i, update) => {
			await client.updateDocument(update.docType, { ...update.fields, mk_id: update.mkId });
			const doc = await client.getDocument(update.docType, { mk_id: update.mkId });
			return v2
				? { ...(doc ?? {}), status: 'updated', doc_type: update.docType, mk_id: update.mkId }
				: { ...(doc ?? {}), status: 'updated', docType: update.docType, mkId: update.mkId };
		},
	});
}
