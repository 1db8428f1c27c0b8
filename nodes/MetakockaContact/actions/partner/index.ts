import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as get from './get.operation';
import * as getMappings from './getMappings.operation';
import * as getSyncRuns from './getSyncRuns.operation';
import * as importPartners from './import.operation';
import * as search from './search.operation';
import * as sync from './sync.operation';
import * as update from './update.operation';

export const partnerOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['partner'] } },
	options: [
		{ name: 'Create', value: 'create', description: 'Create a partner', action: 'Create a partner' },
		{ name: 'Get', value: 'get', description: 'Get a partner by ID, tax number, email or name', action: 'Get a partner' },
		{ name: 'Get Mappings', value: 'getMappings', description: 'List CRM ↔ Metakocka partner mappings', action: 'Get partner mappings' },
		{ name: 'Get Sync Runs', value: 'getSyncRuns', description: 'List past Sync and Import runs with their counts and first errors', action: 'Get partner sync runs' },
		{ name: 'Import', value: 'import', description: 'Import partners that changed in Metakocka since the last import', action: 'Import partners' },
		{ name: 'Search', value: 'search', description: 'Search partners', action: 'Search partners' },
		{ name: 'Sync', value: 'sync', description: 'Create or update the Metakocka partner of each CRM contact, never twice', action: 'Sync a contact to a partner' },
		{ name: 'Update', value: 'update', description: 'Update a partner', action: 'Update a partner' },
	],
	default: 'sync',
};

export const partnerProperties: INodeProperties[] = [
	...get.description,
	...search.description,
	...create.description,
	...update.description,
	...sync.description,
	...importPartners.description,
	...getMappings.description,
	...getSyncRuns.description,
];

export const operations = {
	get: get.execute,
	search: search.execute,
	create: create.execute,
	update: update.execute,
	sync: sync.execute,
	import: importPartners.execute,
	getMappings: getMappings.execute,
	getSyncRuns: getSyncRuns.execute,
};
