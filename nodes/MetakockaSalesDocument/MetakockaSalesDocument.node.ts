import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { router } from './actions/router';
import { salesDocumentOperations, salesDocumentProperties } from './actions/salesDocument';
import { listSearch } from '../shared/methods/listSearch';

export class MetakockaSalesDocument implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Metakocka Sales Document',
		name: 'metakockaSalesDocument',
		icon: { light: 'file:../shared/metakocka.svg', dark: 'file:../shared/metakocka.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["docType"]}}',
		description: 'Create, sync, search, print and import orders, offers, invoices and warehouse documents in Metakocka ERP',
		defaults: { name: 'Metakocka Sales Document' },
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
				options: [{ name: 'Sales Document', value: 'salesDocument' }],
				default: 'salesDocument',
			},
			salesDocumentOperations,
			...salesDocumentProperties,
		],
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
