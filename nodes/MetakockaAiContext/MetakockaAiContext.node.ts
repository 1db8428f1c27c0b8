import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { aiContextOperations, aiContextProperties } from './actions/aiContext';
import { router } from './actions/router';

export class MetakockaAiContext implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Metakocka AI Context',
		name: 'metakockaAiContext',
		icon: { light: 'file:../shared/metakocka.svg', dark: 'file:../shared/metakocka.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description: 'Gather the Metakocka partner, documents, offers and stock behind an email as AI context, and draft a reply with an OpenAI-compatible model',
		defaults: { name: 'Metakocka AI Context' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'metakockaApi', required: true },
			{
				// Drafting uses n8n's built-in OpenAI credential (any OpenAI-compatible base URL) by design, so users keep one key in one place.
				// eslint-disable-next-line @n8n/community-nodes/no-credential-reuse, @n8n/community-nodes/valid-credential-references
				name: 'openAiApi',
				required: true,
				displayOptions: { show: { operation: ['generateResponse'] } },
			},
		],
		properties: [aiContextOperations, ...aiContextProperties],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
