import {
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { actionNode } from '../shared/node';
import { emailOperations, emailProperties } from './actions/email';
import { router } from './actions/router';

export class MetakockaEmailEnricher implements INodeType {
	description: INodeTypeDescription = {
		...actionNode({
			displayName: 'Metakocka Email Enricher',
			name: 'metakockaEmailEnricher',
			description: 'Link incoming emails to the Metakocka partners, documents and products they mention, verified against Metakocka',
			// Enrich without "Store Links" needs no database; Get Metadata always reads it.
			postgres: { hide: { storeLinks: [false] } },
			properties: [emailOperations, ...emailProperties],
		}),
		// n8n's community checks read these three from the class itself.
		usableAsTool: true,
		icon: { light: 'file:../shared/metakocka.svg', dark: 'file:../shared/metakocka.dark.svg' },
		subtitle: '={{$parameter["operation"]}}',
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
