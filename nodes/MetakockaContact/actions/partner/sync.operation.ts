import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { type ConflictPolicy, type ContactToSync, contactToSyncSchema, itemParameter, type MatchExisting, parseItem, previewPartners, runSync, syncPartners } from '../../../../src';
import { dryRunParameter, mappingStoreOptions, outputModeParameter, postgresNotice, crmIdParameter, syncOptions } from '../../../shared/descriptions';
import { partnerFieldParameters, readPartnerFields } from './fields';

const show = { resource: ['partner'], operation: ['sync'] };

export const description: INodeProperties[] = [
	postgresNotice(show),
	crmIdParameter(show, 'The contact\'s ID in your CRM; the mapping to the Metakocka partner is kept under it'),
	...partnerFieldParameters(show),
	syncOptions(
		show,
		{
			displayName: 'Match Existing Partners',
			name: 'matchExisting',
			type: 'options',
			options: [
				{ name: 'By Tax Number, Then Email', value: 'taxNumberOrEmail' },
				{ name: 'By Tax Number', value: 'taxNumber' },
				{ name: 'None (Always Create)', value: 'none' },
			],
			default: 'taxNumberOrEmail',
			description: 'For a contact without a mapping: adopt the Metakocka partner that already has its tax number or email instead of creating a duplicate',
		},
		'partners',
	),
	dryRunParameter(show, 'contact'),
	outputModeParameter(show, 'contact'),
	mappingStoreOptions(show, { runHistory: true }),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('syncOptions', 0, {}) as { matchExisting?: MatchExisting; concurrency?: number; conflictPolicy?: ConflictPolicy };
	const dryRun = this.getNodeParameter('dryRun', 0, false) === true;
	return await runSync<ContactToSync>(this, {
		dryRun,
		parse: (i) => ({
			itemIndex: i,
			...parseItem(contactToSyncSchema, { crmId: itemParameter(this, 'crmId', i), partner: readPartnerFields(this, i) }, i),
		}),
		sync: async (deps, contacts) => await (dryRun ? previewPartners : syncPartners)(deps, contacts, options),
	});
}
