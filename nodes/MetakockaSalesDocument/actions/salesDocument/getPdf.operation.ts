import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { InputError } from '../../../../src/input';
import { getClient, runPerItem } from '../../../../src/n8n';
import { documentLocator } from '../../../shared/locators';
import { docTypeFor } from './fields';

const show = { resource: ['salesDocument'], operation: ['getPdf'] };

export const description: INodeProperties[] = [
	documentLocator(show),
	{
		displayName: 'Report ID',
		name: 'reportId',
		type: 'string',
		required: true,
		default: '38',
		displayOptions: { show },
		description: 'Metakocka print template: 38 = domestic sales invoice, 42 = foreign sales invoice',
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		displayOptions: { show },
		hint: 'The name of the output binary field to put the file in',
	},
	{
		displayName: 'Options',
		name: 'pdfOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show },
		options: [
			{ displayName: 'File Name', name: 'fileName', type: 'string', default: '', description: 'Default: the document\'s Metakocka ID' },
			{ displayName: 'Language', name: 'locale', type: 'string', default: '', placeholder: 'en', description: 'Locale of the printout, e.g. sl or en' },
		],
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const client = await getClient(this);
	return await runPerItem(this, async (i) => {
		const docType = docTypeFor(this, i);
		const mkId = String(this.getNodeParameter('document', i, '', { extractValue: true })).trim();
		if (!mkId) throw new InputError(i, 'document', 'is required');
		const reportId = String(this.getNodeParameter('reportId', i, '38')).trim();
		const property = String(this.getNodeParameter('binaryPropertyName', i, 'data')).trim() || 'data';
		const { fileName, locale } = this.getNodeParameter('pdfOptions', i, {}) as { fileName?: string; locale?: string };
		const { data } = await client.report({ mk_id: mkId, report_id: reportId, type: 'PDF', locale: locale || undefined });
		const name = fileName?.trim() || `${docType}-${mkId}.pdf`;
		const binary = await this.helpers.prepareBinaryData(data, name.endsWith('.pdf') ? name : `${name}.pdf`, 'application/pdf');
		return [{ json: { docType, mkId, reportId, fileName: binary.fileName ?? name, fileSize: data.length }, binary: { [property]: binary } }];
	});
}
