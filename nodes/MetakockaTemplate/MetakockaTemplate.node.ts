import {
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { actionNode } from '../shared/node';
import { router } from './actions/router';
import { templateOperations, templateProperties } from './actions/template';

export class MetakockaTemplate implements INodeType {
	description: INodeTypeDescription = {
		...actionNode({
			displayName: 'Metakocka Template',
			name: 'metakockaTemplate',
			description: 'Store email templates per Metakocka company and render them with partner and document data',
			// Rendering an inline template needs no database.
			postgres: { hide: { source: ['inline'] } },
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
		}),
		// n8n's community checks read these three from the class itself.
		usableAsTool: true,
		icon: { light: 'file:../shared/metakocka.svg', dark: 'file:../shared/metakocka.dark.svg' },
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
