import {
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { actionNode } from '../shared/node';
import { productOperations, productProperties } from './actions/product';
import { router } from './actions/router';
import { warehouseOperations, warehouseProperties } from './actions/warehouse';
import { listSearch } from '../shared/methods/listSearch';

export class MetakockaProduct implements INodeType {
	description: INodeTypeDescription = {
		...actionNode({
			displayName: 'Metakocka Product',
			name: 'metakockaProduct',
			description: 'Get, create, update, sync and import products, and read warehouse stock, in Metakocka ERP',
			postgres: { show: { operation: ['sync', 'import', 'getMappings'] } },
			properties: [
				{
					displayName: 'Resource',
					name: 'resource',
					type: 'options',
					noDataExpression: true,
					options: [
						{ name: 'Product', value: 'product' },
						{ name: 'Warehouse', value: 'warehouse' },
					],
					default: 'product',
				},
				productOperations,
				warehouseOperations,
				...productProperties,
				...warehouseProperties,
			],
		}),
		// n8n's community checks read these three from the class itself.
		usableAsTool: true,
		icon: { light: 'file:../shared/metakocka.svg', dark: 'file:../shared/metakocka.dark.svg' },
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
