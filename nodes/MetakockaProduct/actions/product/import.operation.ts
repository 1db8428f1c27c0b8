import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getClient, openStore, toNodeError } from '../../../../src/n8n';
import { importProducts } from '../../../../src/sync/products';
import { mappingStoreOptions, postgresNotice, returnAllOrLimit } from '../../../shared/descriptions';
import { productFilterParameters, readProductFilter } from './fields';

const show = { resource: ['product'], operation: ['import'] };

export const description: INodeProperties[] = [
	postgresNotice(show),
	{
		displayName:
			'Metakocka\'s product list has no "changed since" filter: every import reads the whole (filtered) catalogue, 1000 products per call. Each product comes with the CRM ID it is mapped to by Sync, or null.',
		name: 'importNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	...returnAllOrLimit(show),
	...productFilterParameters(show),
	mappingStoreOptions(show),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const client = await getClient(this);
	const store = await openStore(this, this.getNodeParameter('mappingStore', 0, {}) as object);
	try {
		const returnAll = this.getNodeParameter('returnAll', 0) as boolean;
		const { products } = await importProducts(client, store, {
			filter: readProductFilter(this, 0),
			limit: returnAll ? undefined : (this.getNodeParameter('limit', 0) as number),
		});
		return products.map((p) => ({ json: { ...p }, pairedItem: { item: 0 } }));
	} catch (error) {
		if (this.continueOnFail()) return [{ json: { error: (error as Error).message }, pairedItem: { item: 0 } }];
		throw toNodeError(this, error, 0);
	} finally {
		await store.close();
	}
}
