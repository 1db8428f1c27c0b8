import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { type DocType, importPartners, reportPartialRun, runImport, simplePartner, simplifyOn } from '../../../../src';
import { mappingStoreOptions, maxRecordsPerRun, outputModeParameter, postgresNotice, simplifyParameter } from '../../../shared/descriptions';

const show = { resource: ['partner'], operation: ['import'] };

export const description: INodeProperties[] = [
	postgresNotice(show),
	{
		displayName: 'Since',
		name: 'since',
		type: 'options',
		displayOptions: { show },
		options: [
			{ name: 'Last Import', value: 'cursor', description: 'Continue from where the previous import stopped (everything on the first run)' },
			{ name: 'A Date', value: 'date' },
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
	{
		displayName: 'Found Through Document Types',
		name: 'docTypes',
		type: 'multiOptions',
		displayOptions: { show },
		options: [
			{ name: 'Purchase Order', value: 'purchase_order' },
			{ name: 'Sales Bill (Domestic)', value: 'sales_bill_domestic' },
			{ name: 'Sales Bill (Foreign)', value: 'sales_bill_foreign' },
			{ name: 'Sales Offer', value: 'sales_offer' },
			{ name: 'Sales Order', value: 'sales_order' },
		],
		default: ['sales_order', 'sales_bill_domestic'],
		description: 'Metakocka has no partner change feed: partners are found on the documents that changed',
	},
	...maxRecordsPerRun(show, 'partner'),
	outputModeParameter(show, 'partner'),
	simplifyParameter({ ...show, outputMode: ['perRecord'] }),
	mappingStoreOptions(show, { runHistory: true }),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await runImport(this, async (client, store) => {
		const sinceMode = this.getNodeParameter('since', 0) as string;
		const since = sinceMode === 'date' ? new Date(this.getNodeParameter('sinceDate', 0) as string) : undefined;
		const returnAll = this.getNodeParameter('returnAll', 0) as boolean;
		const { partners, error } = await importPartners(client, store, {
			since,
			docTypes: this.getNodeParameter('docTypes', 0) as DocType[],
			limit: returnAll ? undefined : (this.getNodeParameter('limit', 0) as number),
		});
		if (error !== undefined) reportPartialRun(this, error, partners.length);
		// Metakocka's answer, converted in place, is the item unless simplified: no copy per record.
		return simplifyOn(this, 0) ? partners.map((p) => ({ ...simplePartner(p), sync: p.sync })) : (partners as IDataObject[]);
	});
}
