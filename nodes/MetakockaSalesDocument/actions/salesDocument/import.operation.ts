import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { importDocuments, InputError, reportPartialRun, runImport, simpleDocument, simplifyOn } from '../../../../src';
import { mappingStoreOptions, maxRecordsPerRun, outputModeParameter, postgresNotice, simplifyParameter } from '../../../shared/descriptions';
import { docTypeFor, IMPORT_TYPES } from './fields';
import { readFlags } from './get.operation';

const show = { resource: ['salesDocument'], operation: ['import'] };

export const description: INodeProperties[] = [
	postgresNotice(show),
	{
		displayName: 'Since',
		name: 'since',
		type: 'options',
		displayOptions: { show },
		options: [
			{ name: 'Last Import', value: 'cursor', description: 'Continue from where the previous import stopped (everything on the first run)' },
			{ name: 'A Date', value: 'date', description: 'Everything changed since this date; leaves the Last Import position as it is' },
		],
		default: 'cursor',
	},
	{
		displayName: 'Date',
		name: 'sinceDate',
		type: 'dateTime',
		default: '',
		required: true,
		displayOptions: { show: { ...show, since: ['date'] } },
	},
	...maxRecordsPerRun(show, 'document'),
	{
		displayName: 'With a limit, the next run from Last Import continues with the documents this one left out.',
		name: 'importLimitNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { ...show, returnAll: [false] } },
	},
	{
		displayName: 'Options',
		name: 'readOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show },
		options: readFlags,
	},
	outputModeParameter(show, 'document'),
	simplifyParameter({ ...show, outputMode: ['perRecord'] }),
	mappingStoreOptions(show, { runHistory: true }),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await runImport(this, async (client, store) => {
		const docType = docTypeFor(this, 0, IMPORT_TYPES, 'Import (Metakocka documents the last-change filter for these only)');
		const since = this.getNodeParameter('since', 0) === 'date' ? new Date(this.getNodeParameter('sinceDate', 0) as string) : undefined;
		if (since && Number.isNaN(since.getTime())) throw new InputError(0, 'sinceDate', 'is not a valid date');
		const returnAll = this.getNodeParameter('returnAll', 0) as boolean;
		const { documents, error } = await importDocuments(client, store, {
			docType,
			since,
			// A fixed date is a one-off look back: only the incremental mode keeps a cursor.
			useCursor: !since,
			limit: returnAll ? undefined : (this.getNodeParameter('limit', 0) as number),
			flags: this.getNodeParameter('readOptions', 0, {}) as Record<string, boolean>,
		});
		if (error !== undefined) reportPartialRun(this, error, documents.length);
		// Metakocka's answer, converted in place, is the item unless simplified: no copy per record.
		if (!simplifyOn(this, 0)) return documents as IDataObject[];
		return documents.map((d) => ({ ...simpleDocument(d, docType), sync: (d as IDataObject).sync }));
	});
}
