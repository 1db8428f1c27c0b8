import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getClient, InputError, runPerItem, validateAll } from '../../../../src';
import { productLocator } from '../../../shared/locators';
import {  } from './fields';

const show = { resource: ['product'], operation: ['delete'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Find By',
		name: 'findBy',
		type: 'options',
		displayOptions: { show },
		options: [
			{ name: 'Metakocka ID', value: 'mkId' },
			{ name: 'Count Code (Product ID)', value: 'countCode' },
		],
		default: 'mkId',
	},
	productLocator({ ...show, findBy: ['mkId'] }),
	{
		displayName: 'Count Code',
		name: 'countCode',
		type: 'string',
		required: true,
		default: '',
		displayOptions: { show: { ...show, findBy: ['countCode'] } },
		description: 'The product\'s Metakocka product ID (count_code)',
	},
	{
		displayName:
			'Metakocka refuses to delete a product that is used on documents. Mappings kept by Sync are not removed: a later Sync of the product adds it again.',
		name: 'deleteNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const targets = validateAll(this, (i) => {
		const findBy = this.getNodeParameter('findBy', i) as string;
		const value =
			findBy === 'mkId'
				? String(this.getNodeParameter('product', i, '', { extractValue: true }) ?? '').trim()
				: String(this.getNodeParameter('countCode', i, '') ?? '').trim();
		const field = findBy === 'mkId' ? 'product' : 'countCode';
		if (!value) throw new InputError(i, field, 'is required');
		return findBy === 'mkId' ? { mk_id: value } : { count_code: value };
	});
	const client = await getClient(this);
	return await runPerItem(this, async (i) => {
		const { value, error } = targets[i];
		if (!value) throw error;
		await client.deleteProduct(value);
		return { status: 'deleted', ...value };
	});
}
