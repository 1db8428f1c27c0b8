import {
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { actionNode, openAiCredential } from '../shared/node';
import { aiContextOperations, aiContextProperties } from './actions/aiContext';
import { router } from './actions/router';

export class MetakockaAiContext implements INodeType {
	description: INodeTypeDescription = {
		...actionNode({
			displayName: 'Metakocka AI Context',
			name: 'metakockaAiContext',
			description: 'Gather the Metakocka partner, documents, offers and stock behind an email as AI context, and draft a reply with an OpenAI-compatible model',
			credentials: [openAiCredential({ show: { operation: ['generateResponse'] } })],
			properties: [aiContextOperations, ...aiContextProperties],
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
