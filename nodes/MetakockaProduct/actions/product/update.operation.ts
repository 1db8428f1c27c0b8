import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getClient, parseProductPatch, runPerItem, toProductInput, validateAll } from '../../../../src';
import { productLocator } from '../../../shared/locators';
import { productFieldParameters, readProductFields } from './fields';

const show = { resource: ['product'], operation: ['update'] };

export const description: INodeProperties[] = [
	productLocator(show),
	...productFieldParameters(show, 'update'),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const parsed = validateAll(this, (i) => toProductInput(parseProductPatch(readProductFields(this, i), i)));
	const client = await getClient(this);
	return await runPerItem(this, async (i) => {
		const { value, error } = parsed[i];
		if (!value) throw error;
		const mkId = String(this.getNodeParameter('product', i, '', { extractValue: true })).trim();
		// The locator picks the product by mk_id; a count_code in the body could point at another one.
		const body = { ...value, mk_id: mkId };
		delete body.count_code;
		const result = await client.updateProduct(body);
		return { status: 'updated', mk_id: result.mk_id, count_code: result.count_code };
	});
}
