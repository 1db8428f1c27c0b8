import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { emailOperations, emailProperties } from './actions/email';
import { router } from './actions/router';

export class MetakockaEmailEnricher implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Metakocka Email Enricher',
		name: 'metakockaEmailEnricher',
		icon: { light: 'file:../shared/metakocka.svg', dark: 'file:../shared/metakocka.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description: 'Link incoming emails to the Metakocka partners, documents and products they mention, verified against Metakocka',
		defaults: { name: 'Metakocka Email Enricher' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'metakockaApi', required: true },
			{
				// Links live in the user's own Postgres, reached through n8n's built-in Postgres credential by design (docs/credentials.md).
				// eslint-disable-next-line @n8n/community-nodes/no-credential-reuse, @n8n/community-nodes/valid-credential-references, n8n-nodes-base/node-class-description-credentials-name-unsuffixed
				name: 'postgres',
				required: true,
				// Enrich without "Store Links" needs no database; Get Metadata always reads it.
				displayOptions: { hide: { storeLinks: [false] } },
			},
		],
		properties: [emailOperations, ...emailProperties],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
