import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getClient, InputError, runPerItem, simpleDocument, simplifyOn } from '../../../../src';
import { simplifyParameter } from '../../../shared/descriptions';
import { documentLocator } from '../../../shared/locators';
import { docTypeFor } from './fields';

const show = { resource: ['salesDocument'], operation: ['get'] };

export const readFlags: INodeProperties['options'] = [
	{ displayName: 'Include Attachments', name: 'show_attachments', type: 'boolean', default: false, description: 'Whether to list the document\'s attachments' },
	{ displayName: 'Include Line Details', name: 'show_product_detail', type: 'boolean', default: false, description: 'Whether to add each line\'s type and row ID (mk_row_id, needed to edit a line)' },
	{ displayName: 'Include Payments', name: 'show_payment_detail', type: 'boolean', default: false, description: 'Whether to add the payments (mark_paid)' },
	{ displayName: 'Include Tax Factor', name: 'show_tax_factor', type: 'boolean', default: false, description: 'Whether to add each line\'s tax factor' },
];

export const description: INodeProperties[] = [
	{
		displayName: 'Find By',
		name: 'findBy',
		type: 'options',
		displayOptions: { show },
		options: [
			{ name: 'Metakocka ID', value: 'mkId' },
			{ name: 'Buyer Order (Sales Orders Only)', value: 'buyerOrder' },
		],
		default: 'mkId',
	},
	documentLocator({ ...show, findBy: ['mkId'] }),
	{
		displayName: 'Buyer Order',
		name: 'buyerOrder',
		type: 'string',
		required: true,
		default: '',
		displayOptions: { show: { ...show, findBy: ['buyerOrder'] } },
		description: 'The customer\'s order number stored on the sales order',
	},
	{
		displayName: 'Options',
		name: 'readOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show },
		options: readFlags,
	},
	simplifyParameter(show),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const client = await getClient(this);
	return await runPerItem(this, async (i) => {
		const findBy = this.getNodeParameter('findBy', i) as string;
		const docType = docTypeFor(this, i, findBy === 'buyerOrder' ? ['sales_order'] : undefined, 'finding by buyer order');
		const flags = this.getNodeParameter('readOptions', i, {}) as Record<string, boolean>;
		let by: { mk_id?: string; buyer_order?: string };
		if (findBy === 'buyerOrder') {
			const buyerOrder = String(this.getNodeParameter('buyerOrder', i, '')).trim();
			if (!buyerOrder) throw new InputError(i, 'buyerOrder', 'is required');
			by = { buyer_order: buyerOrder };
		} else {
			by = { mk_id: String(this.getNodeParameter('document', i, '', { extractValue: true })).trim() };
			if (!by.mk_id) throw new InputError(i, 'document', 'is required');
		}
		const doc = await client.getDocument(docType, by, flags);
		// A miss is an empty result, not a failure: the workflow decides what to do with it.
		if (!doc) return [];
		return simplifyOn(this, i) ? [{ ...simpleDocument(doc, docType) }] : [{ ...doc }];
	});
}
