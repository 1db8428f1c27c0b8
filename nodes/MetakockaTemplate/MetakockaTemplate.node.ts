import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { router } from './actions/router';
import { templateOperations, templateProperties } from './actions/template';

export class MetakockaTemplate implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Metakocka Template',
		name: 'metakockaTemplate',
		icon: { light: 'file:../shared/metakocka.svg', dark: 'file:../shared/metakocka.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Store email templates per Metakocka company and render them with partner and document data',
		defaults: { name: 'Metakocka Template' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'metakockaApi', required: true },
			{
				// Templates live in the user's own Postgres, reached through n8n's built-in Postgres credential by design (docs/credentials.md).
				// Rendering an inline template needs no database, so the credential is hidden for it.
				// eslint-disable-next-line @n8n/community-nodes/no-credential-reuse, @n8n/community-nodes/valid-credential-references, n8n-nodes-base/node-class-description-credentials-name-unsuffixed
				name: 'postgres',
				required: true,
				displayOptions: { hide: { source: ['inline'] } },
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Template', value: 'template' }],
				default: 'template',
			},
			templateOperations,
			...templateProperties,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
