import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getClient, InputError, runPerItem } from '../../../../src';
import { documentLocator } from '../../../shared/locators';
import { docTypeFor, STATUS_CHANGE_TYPES } from './fields';

const show = { resource: ['salesDocument'], operation: ['changeStatus'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Works for sales orders and warehouse receiving notes; for bills use Update.',
		name: 'changeStatusNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	documentLocator(show),
	{
		displayName: 'Status',
		name: 'statusCode',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'ready_to_ship',
		displayOptions: { show },
		description: 'Status key from the company\'s register (statuses are defined per company in Metakocka)',
	},
	{
		displayName: 'Options',
		name: 'statusOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'API User Email',
				name: 'api_user_email',
				type: 'string',
				placeholder: 'name@email.com',
				default: '',
				description: 'Metakocka user the change log shows as the author',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const client = await getClient(this);
	return await runPerItem(this, async (i) => {
		const docType = docTypeFor(this, i, STATUS_CHANGE_TYPES, 'Change Status');
		const mkId = String(this.getNodeParameter('document', i, '', { extractValue: true })).trim();
		if (!mkId) throw new InputError(i, 'document', 'is required');
		const statusCode = String(this.getNodeParameter('statusCode', i, '')).trim();
		if (!statusCode) throw new InputError(i, 'statusCode', 'is required');
		const { api_user_email } = this.getNodeParameter('statusOptions', i, {}) as { api_user_email?: string };
		await client.changeDocumentStatus(docType, { mk_id: mkId }, statusCode, { api_user_email: api_user_email || undefined });
		return { status: 'updated', docType, mkId, statusCode };
	});
}
