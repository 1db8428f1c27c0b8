import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as deleteTemplate from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as render from './render.operation';
import * as update from './update.operation';
import { storeProperties } from './common';

export const templateOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['template'] } },
	options: [
		{ name: 'Create', value: 'create', description: 'Store a new template for the company', action: 'Create a template' },
		{ name: 'Delete', value: 'delete', description: 'Delete a stored template', action: 'Delete a template' },
		{ name: 'Get', value: 'get', description: 'Get a stored template by name', action: 'Get a template' },
		{ name: 'Get Many', value: 'getAll', description: 'List the stored templates of the company', action: 'Get many templates' },
		{
			name: 'Render',
			value: 'render',
			description: 'Render a stored or inline template with the item data',
			action: 'Render a template',
		},
		{ name: 'Update', value: 'update', description: 'Change a stored template', action: 'Update a template' },
	],
	default: 'render',
};

export const templateProperties: INodeProperties[] = [
	...render.description,
	...create.description,
	...update.description,
	...get.description,
	...getAll.description,
	...deleteTemplate.description,
	...storeProperties(),
];

export const operations = {
	create: create.execute,
	update: update.execute,
	get: get.execute,
	getAll: getAll.execute,
	delete: deleteTemplate.execute,
	render: render.execute,
};
