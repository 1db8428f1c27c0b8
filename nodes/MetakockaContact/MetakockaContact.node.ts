import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { partnerOperations, partnerProperties } from './actions/partner';
import { router } from './actions/router';
import { listSearch } from '../shared/methods/listSearch';

export class MetakockaContact implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Metakocka Contact',
		name: 'metakockaContact',
		icon: { light: 'file:../shared/metakocka.svg', dark: 'file:../shared/metakocka.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Get, create, update, sync and import partners (customers and suppliers) in Metakocka ERP',
		defaults: { name: 'Metakocka Contact' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'metakockaApi', required: true },
			{
				// Mappings live in the user's own Postgres, reached through n8n's built-in Postgres credential by design (docs/credentials.md).
				// eslint-disable-next-line @n8n/community-nodes/no-credential-reuse, @n8n/community-nodes/valid-credential-references, n8n-nodes-base/node-class-description-credentials-name-unsuffixed
				name: 'postgres',
				required: true,
				displayOptions: { show: { operation: ['sync', 'import', 'getMappings'] } },
			},
		],
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
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
