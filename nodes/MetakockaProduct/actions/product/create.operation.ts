import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getClient, parseProduct, runPerItem, toProductInput, validateAll } from '../../../../src';
import { productFieldParameters, readProductFields } from './fields';

const show = { resource: ['product'], operation: ['create'] };

export const description: INodeProperties[] = [
	{
		displayName:
			'Create always adds a product. To create it only once per CRM or shop product, use Sync, which remembers what it created.',
		name: 'createNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	...productFieldParameters(show, 'create'),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	// Validate every item before the first write: bad input never leaves half a batch written.
	const parsed = validateAll(this, (i) => toProductInput(parseProduct(readProductFields(this, i), i)));
	const client = await getClient(this);
	return await runPerItem(this, async (i) => {
		const { value, error } = parsed[i];
		if (!value) throw error;
		const { result, reconciled } = await client.addProduct(value);
		return { status: 'created', reconciled, mk_id: result.mk_id, count_code: result.count_code };
	});
}
