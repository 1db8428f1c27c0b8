import {
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { actionNode } from '../shared/node';
import { router } from './actions/router';
import { salesDocumentOperations, salesDocumentProperties } from './actions/salesDocument';
import { listSearch } from '../shared/methods/listSearch';

export class MetakockaSalesDocument implements INodeType {
	description: INodeTypeDescription = {
		...actionNode({
			displayName: 'Metakocka Sales Document',
			name: 'metakockaSalesDocument',
			description: 'Create, sync, search, print and import orders, offers, invoices and warehouse documents in Metakocka ERP',
			postgres: { show: { operation: ['sync', 'import', 'getMappings'] } },
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
		}),
		// n8n's community checks read these three from the class itself.
		usableAsTool: true,
		icon: { light: 'file:../shared/metakocka.svg', dark: 'file:../shared/metakocka.dark.svg' },
		subtitle: '={{$parameter["operation"] + ": " + $parameter["docType"]}}',
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
