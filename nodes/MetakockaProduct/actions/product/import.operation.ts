import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { importProducts, reportPartialRun, runImport } from '../../../../src';
import { mappingStoreOptions, maxRecordsPerRun, outputModeParameter, postgresNotice } from '../../../shared/descriptions';
import { productFilterParameters, readProductFilter, readProductTextFilter } from './fields';

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
	...maxRecordsPerRun(show, 'product'),
	...productFilterParameters(show),
	outputModeParameter(show, 'product'),
	mappingStoreOptions(show, { runHistory: true }),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await runImport(this, async (client, store) => {
		const returnAll = this.getNodeParameter('returnAll', 0) as boolean;
		const { products, error } = await importProducts(client, store, {
			filter: readProductFilter(this, 0),
			textFilter: readProductTextFilter(this, 0),
			limit: returnAll ? undefined : (this.getNodeParameter('limit', 0) as number),
		});
		if (error !== undefined) reportPartialRun(this, error, products.length);
		return products as IDataObject[];
	});
}
