import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as getMappings from './getMappings.operation';
import * as getSyncRuns from './getSyncRuns.operation';
import * as importProducts from './import.operation';
import * as sync from './sync.operation';
import * as update from './update.operation';

export const productOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['product'] } },
	options: [
		{ name: 'Create', value: 'create', description: 'Add a product', action: 'Create a product' },
		{ name: 'Delete', value: 'delete', description: 'Delete a product', action: 'Delete a product' },
		{ name: 'Get', value: 'get', description: 'Get a product by ID, code or count code', action: 'Get a product' },
		{ name: 'Get Many', value: 'getAll', description: 'List products, filtered by name, code, flags or category', action: 'Get many products' },
		{ name: 'Get Mappings', value: 'getMappings', description: 'List CRM ↔ Metakocka product mappings', action: 'Get product mappings' },
		{ name: 'Get Sync Runs', value: 'getSyncRuns', description: 'List past Sync and Import runs with their counts and first errors', action: 'Get product sync runs' },
		{ name: 'Import', value: 'import', description: 'Read the Metakocka catalogue, each product with its mapped CRM ID', action: 'Import products' },
		{ name: 'Sync', value: 'sync', description: 'Create or update the Metakocka product of each CRM product, never twice', action: 'Sync a product' },
		{ name: 'Update', value: 'update', description: 'Update a product', action: 'Update a product' },
	],
	default: 'sync',
};

export const productProperties: INodeProperties[] = [
	...get.description,
	...getAll.description,
	...create.description,
	...update.description,
	...del.description,
	...sync.description,
	...importProducts.description,
	...getMappings.description,
	...getSyncRuns.description,
];

export const operations = {
	get: get.execute,
	getAll: getAll.execute,
	create: create.execute,
	update: update.execute,
	delete: del.execute,
	sync: sync.execute,
	import: importProducts.execute,
	getMappings: getMappings.execute,
	getSyncRuns: getSyncRuns.execute,
};
