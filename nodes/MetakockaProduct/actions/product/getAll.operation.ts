import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getClient, matchesProductText, PRODUCT_PAGE_MAX, runPerItem } from '../../../../src';
import { returnAllOrLimit } from '../../../shared/descriptions';
import { productFilterParameters, readProductFilter, readProductTextFilter } from './fields';

const show = { resource: ['product'], operation: ['getAll'] };

export const description: INodeProperties[] = [...returnAllOrLimit(show), ...productFilterParameters(show)];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const client = await getClient(this);
	return await runPerItem(this, async (i) => {
		const filter = readProductFilter(this, i);
		const returnAll = this.getNodeParameter('returnAll', i) as boolean;
		const limit = returnAll ? Infinity : (this.getNodeParameter('limit', i) as number);
		// Windows of up to 1000 until a short one: product_list tells no total.
		const out: IDataObject[] = [];
		const textFilter = readProductTextFilter(this, i);
		for await (const product of client.iterateProducts(filter, Math.min(limit, PRODUCT_PAGE_MAX))) {
			if (textFilter && !matchesProductText(product, textFilter)) continue;
			out.push({ ...product });
			if (out.length >= limit) break;
		}
		return out;
	});
}
