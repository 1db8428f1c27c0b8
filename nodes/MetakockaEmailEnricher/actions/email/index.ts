import type { INodeProperties } from 'n8n-workflow';

import * as enrich from './enrich.operation';
import * as getMetadata from './getMetadata.operation';

export const emailOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Enrich',
			value: 'enrich',
			description: 'Find the partners, documents and products an email mentions, verified in Metakocka',
			action: 'Enrich an email',
		},
		{
			name: 'Get Metadata',
			value: 'getMetadata',
			description: 'Get the Metakocka links stored for an email',
			action: 'Get the stored links of an email',
		},
	],
	default: 'enrich',
};

export const emailProperties: INodeProperties[] = [...enrich.description, ...getMetadata.description];

export const operations = {
	enrich: enrich.execute,
	getMetadata: getMetadata.execute,
};
