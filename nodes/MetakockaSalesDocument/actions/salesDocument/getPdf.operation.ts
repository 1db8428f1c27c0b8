import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { DOC_TYPE_INFO, type DocType, docTypesForReport, getClient, InputError, KNOWN_REPORT_IDS, runPerItem } from '../../../../src';
import { documentLocator } from '../../../shared/locators';
import { docTypeFor } from './fields';

const show = { resource: ['salesDocument'], operation: ['getPdf'] };

export const description: INodeProperties[] = [
	documentLocator(show),
	{
		displayName: 'Report ID',
		name: 'reportId',
		type: 'string',
		default: '',
		displayOptions: { show },
		description:
			'Metakocka print template. Empty = the standard one of the document type: 38 (bill report) for sales bills, 37 for offers. Other types (orders, credit notes, warehouse documents) need your company\'s template ID.',
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

/** The report to print: the given id, or the type's standard one; a known id for another type is refused. */
function reportIdFor(docType: DocType, given: string, itemIndex: number): string {
	const standard = DOC_TYPE_INFO[docType].reports;
	if (!given) {
		if (standard.length) return standard[0];
		throw new InputError(itemIndex, 'Report ID', `is required for ${docType}: Metakocka has no standard report known for it; give your company's template ID`);
	}
	if (KNOWN_REPORT_IDS.includes(given) && !standard.includes(given)) {
		throw new InputError(
			itemIndex,
			'Report ID',
			`is ${given}, which prints ${docTypesForReport(given).join(', ')}, not ${docType}; leave it empty${standard.length ? ` (${standard[0]})` : ''} or give your company's template ID`,
		);
	}
	return given;
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const client = await getClient(this);
	return await runPerItem(this, async (i) => {
		const docType = docTypeFor(this, i);
		const mkId = String(this.getNodeParameter('document', i, '', { extractValue: true })).trim();
		if (!mkId) throw new InputError(i, 'document', 'is required');
		const reportId = reportIdFor(docType, String(this.getNodeParameter('reportId', i, '') ?? '').trim(), i);
		const property = String(this.getNodeParameter('binaryPropertyName', i, 'data')).trim() || 'data';
		const { fileName, locale } = this.getNodeParameter('pdfOptions', i, {}) as { fileName?: string; locale?: string };
		const { data } = await client.report({ mk_id: mkId, report_id: reportId, type: 'PDF', locale: locale || undefined });
		const name = fileName?.trim() || `${docType}-${mkId}.pdf`;
		const binary = await this.helpers.prepareBinaryData(data, name.endsWith('.pdf') ? name : `${name}.pdf`, 'application/pdf');
		return [{ json: { docType, mkId, reportId, fileName: binary.fileName ?? name, fileSize: data.length }, binary: { [property]: binary } }];
	});
}
