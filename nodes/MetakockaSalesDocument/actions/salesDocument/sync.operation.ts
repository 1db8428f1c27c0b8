import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { type ConflictPolicy, type DocumentFields, type DocumentMatchExisting, documentToSyncSchema, parseItem, previewDocuments, type ResolvedDocument, resolveDocuments, runSync, syncDocuments } from '../../../../src';
import { dryRunParameter, mappingStoreOptions, outputModeParameter, postgresNotice, crmIdParameter, syncOptions } from '../../../shared/descriptions';
import { docTypeFor, headParameters, lineParameters, partnerParameters, PUT_TYPES, readDocumentInput } from './fields';

const show = { resource: ['salesDocument'], operation: ['sync'] };

export const description: INodeProperties[] = [
	postgresNotice(show),
	crmIdParameter(show, 'The document\'s ID in your CRM; the mapping to the Metakocka document is kept under it'),
	...partnerParameters(show, true),
	...headParameters(show, '={{ $json.date ?? $json.doc_date }}'),
	...lineParameters(show, 'json'),
	{
		displayName: 'Set Count Code or Buyer Order: if Metakocka\'s answer to a new document is lost, it is found by them instead of being created twice.',
		name: 'syncKeyNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	syncOptions(
		show,
		{
			displayName: 'Match Existing Documents',
			name: 'matchExisting',
			type: 'options',
			options: [
				{ name: 'By Count Code or Buyer Order', value: 'naturalKey' },
				{ name: 'None (Always Create)', value: 'none' },
			],
			default: 'naturalKey',
			description: 'For a document without a mapping: adopt the Metakocka document that already has its count code (or buyer order, for sales orders) instead of creating a duplicate',
		},
		'documents',
	),
	dryRunParameter(show, 'document'),
	outputModeParameter(show, 'document'),
	mappingStoreOptions(show, { runHistory: true }),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('syncOptions', 0, {}) as { matchExisting?: DocumentMatchExisting; concurrency?: number; conflictPolicy?: ConflictPolicy };
	const dryRun = this.getNodeParameter('dryRun', 0, false) === true;
	return await runSync<{ itemIndex: number; doc: DocumentFields }, ResolvedDocument>(this, {
		dryRun,
		parse: (i) => {
			const raw = { crmId: this.getNodeParameter('crmId', i), ...readDocumentInput(this, i, docTypeFor(this, i, PUT_TYPES, 'Sync')) };
			return { itemIndex: i, doc: parseItem(documentToSyncSchema, raw, i) };
		},
		// Unmapped contacts or products are input errors too: nothing is written when one is found.
		prepare: async ({ client, store }, parsed) => await resolveDocuments(store, client.companyId, parsed),
		sync: async (deps, docs) => await (dryRun ? previewDocuments : syncDocuments)(deps, docs, options),
	});
}
