import {
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { actionNode } from '../shared/node';
import { partnerOperations, partnerProperties } from './actions/partner';
import { router } from './actions/router';
import { listSearch } from '../shared/methods/listSearch';

export class MetakockaContact implements INodeType {
	description: INodeTypeDescription = {
		...actionNode({
			displayName: 'Metakocka Contact',
			name: 'metakockaContact',
			description: 'Get, create, update, sync and import partners (customers and suppliers) in Metakocka ERP',
			postgres: { show: { operation: ['sync', 'import', 'getMappings'] } },
			properties: [
				{
					displayName: 'Resource',
					name: 'resource',
					type: 'options',
					noDataExpression: true,
					options: [{ name: 'Partner', value: 'partner' }],
					default: 'partner',
				},
				partnerOperations,
				...partnerProperties,
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
