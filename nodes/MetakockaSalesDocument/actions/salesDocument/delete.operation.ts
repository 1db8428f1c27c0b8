import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getClient, InputError, runPerItem } from '../../../../src';
import { documentLocator } from '../../../shared/locators';
import { DELETABLE_TYPES, docTypeFor } from './fields';

const show = { resource: ['salesDocument'], operation: ['delete'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Metakocka deletes only sales orders and the four warehouse documents through the API; offers and bills cannot be deleted.',
		name: 'deleteNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	documentLocator(show),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const client = await getClient(this);
	return await runPerItem(this, async (i) => {
		const docType = docTypeFor(this, i, DELETABLE_TYPES, 'Delete');
		const mkId = String(this.getNodeParameter('document', i, '', { extractValue: true })).trim();
		if (!mkId) throw new InputError(i, 'document', 'is required');
		await client.deleteDocument(docType, mkId);
		return { deleted: true, docType, mkId };
	});
}
