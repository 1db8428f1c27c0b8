import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { batchOutput, getClient, openStore, toNodeError } from '../../../../src/n8n';
import { InputError } from '../../../../src/input';
import { parseCrmProduct, syncProducts, type ProductMatchExisting, type ProductToSync } from '../../../../src/sync/products';
import { mappingStoreOptions, postgresNotice } from '../../../shared/descriptions';
import { productFieldParameters, readProductFields } from './fields';

const show = { resource: ['product'], operation: ['sync'] };

export const description: INodeProperties[] = [
	postgresNotice(show),
	{
		displayName: 'CRM ID',
		name: 'crmId',
		type: 'string',
		required: true,
		default: '={{ $json.id }}',
		displayOptions: { show },
		description: 'The product\'s ID in your CRM or shop; the mapping to the Metakocka product is kept under it',
	},
	...productFieldParameters(show, 'create'),
	{
		displayName: 'Options',
		name: 'syncOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Match Existing Products',
				name: 'matchExisting',
				type: 'options',
				options: [
					{ name: 'By Count Code, Then Code', value: 'code' },
					{ name: 'None (Always Create)', value: 'none' },
				],
				default: 'code',
				description: 'For a product without a mapping: adopt the Metakocka product that already has its count code or code instead of creating a duplicate',
			},
			{
				displayName: 'Parallel Writes',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 8 },
				default: 4,
				description: 'How many products are written to Metakocka at once',
			},
		],
	},
	mappingStoreOptions(show),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const products: ProductToSync[] = [];
	const invalid: Array<{ itemIndex: number; error: InputError }> = [];
	for (let i = 0; i < items.length; i++) {
		try {
			products.push(parseCrmProduct({ crmId: this.getNodeParameter('crmId', i, ''), ...readProductFields(this, i) }, i));
		} catch (error) {
			if (!(error instanceof InputError)) throw toNodeError(this, error, i);
			invalid.push({ itemIndex: i, error });
		}
	}
	// Without "Continue On Fail", one bad item stops the run before anything is written.
	if (invalid.length && !this.continueOnFail()) return batchOutput(this, invalid);

	const options = this.getNodeParameter('syncOptions', 0, {}) as { matchExisting?: ProductMatchExisting; concurrency?: number };
	const client = await getClient(this);
	const store = await openStore(this, this.getNodeParameter('mappingStore', 0, {}) as object);
	try {
		const outcomes = await syncProducts({ client, store }, products, options);
		const all = [
			...invalid,
			...outcomes.map(({ itemIndex, error, ...json }) =>
				error === undefined ? { itemIndex, json: { ...json, mkId: json.mkId ?? null } } : { itemIndex, error },
			),
		].sort((a, b) => a.itemIndex - b.itemIndex);
		return batchOutput(this, all);
	} finally {
		await store.close();
	}
}
