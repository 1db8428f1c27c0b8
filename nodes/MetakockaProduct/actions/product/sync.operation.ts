import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { type ConflictPolicy, parseCrmProduct, type ProductMatchExisting, type ProductToSync, previewProducts, runSync, syncProducts } from '../../../../src';
import { dryRunParameter, mappingStoreOptions, outputModeParameter, postgresNotice, crmIdParameter, syncOptions } from '../../../shared/descriptions';
import { productFieldParameters, readProductFields } from './fields';

const show = { resource: ['product'], operation: ['sync'] };

export const description: INodeProperties[] = [
	postgresNotice(show),
	crmIdParameter(show, 'The product\'s ID in your CRM or shop; the mapping to the Metakocka product is kept under it'),
	...productFieldParameters(show, 'create'),
	syncOptions(
		show,
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
		'products',
	),
	dryRunParameter(show, 'product'),
	outputModeParameter(show, 'product'),
	mappingStoreOptions(show, { runHistory: true }),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('syncOptions', 0, {}) as { matchExisting?: ProductMatchExisting; concurrency?: number; conflictPolicy?: ConflictPolicy };
	const dryRun = this.getNodeParameter('dryRun', 0, false) === true;
	return await runSync<ProductToSync>(this, {
		dryRun,
		parse: (i) => parseCrmProduct({ crmId: this.getNodeParameter('crmId', i, ''), ...readProductFields(this, i) }, i),
		sync: async (deps, products) => await (dryRun ? previewProducts : syncProducts)(deps, products, options),
	});
}
