import type { INodeProperties } from 'n8n-workflow';

import * as changeStatus from './changeStatus.operation';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as getMappings from './getMappings.operation';
import * as getSyncRuns from './getSyncRuns.operation';
import * as getPdf from './getPdf.operation';
import * as importDocuments from './import.operation';
import * as search from './search.operation';
import * as sync from './sync.operation';
import * as update from './update.operation';
import { docTypeOptions } from './fields';

export const salesDocumentOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['salesDocument'] } },
	options: [
		{ name: 'Change Status', value: 'changeStatus', description: 'Change the status of a sales order or receiving note', action: 'Change the status of a document' },
		{ name: 'Create', value: 'create', description: 'Create a document', action: 'Create a document' },
		{ name: 'Delete', value: 'delete', description: 'Delete a sales order or warehouse document', action: 'Delete a document' },
		{ name: 'Get', value: 'get', description: 'Get a document by ID or buyer order', action: 'Get a document' },
		{ name: 'Get Mappings', value: 'getMappings', description: 'List CRM ↔ Metakocka document mappings', action: 'Get document mappings' },
		{ name: 'Get PDF', value: 'getPdf', description: 'Print a document to PDF', action: 'Get a document as PDF' },
		{ name: 'Get Sync Runs', value: 'getSyncRuns', description: 'List past Sync and Import runs with their counts and first errors', action: 'Get document sync runs' },
		{ name: 'Import', value: 'import', description: 'Import documents that changed in Metakocka since the last import', action: 'Import documents' },
		{ name: 'Search', value: 'search', description: 'Search documents', action: 'Search documents' },
		{ name: 'Sync', value: 'sync', description: 'Create or update the Metakocka document of each CRM document, never twice', action: 'Sync a CRM document' },
		{ name: 'Update', value: 'update', description: 'Update a document (bills: status only)', action: 'Update a document' },
	],
	default: 'sync',
};

export const docTypeProperty: INodeProperties = {
	displayName: 'Document Type',
	name: 'docType',
	type: 'options',
	options: docTypeOptions,
	default: 'sales_order',
	displayOptions: { show: { resource: ['salesDocument'] }, hide: { operation: ['getMappings', 'getSyncRuns'] } },
	description: 'Metakocka document type (doc_type)',
};

export const salesDocumentProperties: INodeProperties[] = [
	docTypeProperty,
	...get.description,
	...search.description,
	...create.description,
	...update.description,
	...del.description,
	...changeStatus.description,
	...getPdf.description,
	...sync.description,
	...importDocuments.description,
	...getMappings.description,
	...getSyncRuns.description,
];

export const operations = {
	get: get.execute,
	search: search.execute,
	create: create.execute,
	update: update.execute,
	delete: del.execute,
	changeStatus: changeStatus.execute,
	getPdf: getPdf.execute,
	sync: sync.execute,
	import: importDocuments.execute,
	getMappings: getMappings.execute,
	getSyncRuns: getSyncRuns.execute,
};
