import type { INodeProperties } from 'n8n-workflow';

import * as buildContext from './buildContext.operation';
import { inputProperties } from './common';
import * as generateResponse from './generateResponse.operation';

export const aiContextOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Build Context',
			value: 'buildContext',
			description: 'Gather the partner, documents, open offers and stock behind an email as JSON and a text block for a model',
			action: 'Build context for an email',
		},
		{
			name: 'Generate Response',
			value: 'generateResponse',
			description: 'Draft a reply to an email with an OpenAI-compatible model and the Metakocka context; the draft is only text',
			action: 'Draft a reply to an email',
		},
	],
	default: 'buildContext',
};

export const aiContextProperties: INodeProperties[] = [...inputProperties, ...generateResponse.description, ...buildContext.description];

export const operations = {
	buildContext: buildContext.execute,
	generateResponse: generateResponse.execute,
};
