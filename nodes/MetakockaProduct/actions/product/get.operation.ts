import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getClient, InputError, type ProductFilter, runPerItem } from '../../../../src';
import { productLocator } from '../../../shared/locators';

const show = { resource: ['product'], operation: ['get'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Find By',
		name: 'findBy',
		type: 'options',
		displayOptions: { show },
		options: [
			{ name: 'Metakocka ID', value: 'mkId' },
			{ name: 'Code (SKU)', value: 'code' },
			{ name: 'Count Code (Product ID)', value: 'countCode' },
		],
		default: 'mkId',
	},
	productLocator({ ...show, findBy: ['mkId'] }),
	{
		displayName: 'Value',
		name: 'value',
		type: 'string',
		required: true,
		default: '',
		displayOptions: { show: { ...show, findBy: ['code', 'countCode'] } },
		description: 'The product code or count code to look the product up by (exact match)',
	},
	{
		displayName: 'Options',
		name: 'getOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show },
		options: [
			{ displayName: 'Include Categories', name: 'return_category', type: 'boolean', default: true, description: 'Whether to include the product\'s category tree' },
			{ displayName: 'Include Price Lists', name: 'return_pricelist', type: 'boolean', default: true, description: 'Whether to include the product\'s price list rows' },
			{ displayName: 'Include Stock', name: 'return_warehause_stock', type: 'boolean', default: true, description: 'Whether to include the stock amount and its split by warehouse' },
		],
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const client = await getClient(this);
	return await runPerItem(this, async (i) => {
		const findBy = this.getNodeParameter('findBy', i) as string;
		const extras = this.getNodeParameter('getOptions', i, {}) as IDataObject as ProductFilter;
		const value =
			findBy === 'mkId'
				? String(this.getNodeParameter('product', i, '', { extractValue: true }) ?? '').trim()
				: String(this.getNodeParameter('value', i, '') ?? '').trim();
		if (!value) throw new InputError(i, findBy === 'mkId' ? 'product' : 'value', 'is required');
		const by = findBy === 'mkId' ? { mk_id: value } : findBy === 'code' ? { code: value } : { count_code: value };
		const product = await client.getProduct(by, extras);
		// A miss is an empty result, not a failure: the workflow decides what to do with it.
		return product ? [{ ...product }] : [];
	});
}
