import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getClient, InputError, openStore, runPerItem } from '../../../../src';
import { mappingStoreOptions, postgresNotice } from '../../../shared/descriptions';

const show = { operation: ['getMetadata'] };

export const description: INodeProperties[] = [
	postgresNotice(show),
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		required: true,
		default: '={{ $json.metakocka?.messageId }}',
		displayOptions: { show },
		description: 'Message ID the links were stored under (the "messageId" that Enrich outputs)',
	},
	mappingStoreOptions(show),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { companyId } = await getClient(this);
	const store = await openStore(this, this.getNodeParameter('mappingStore', 0, {}) as object);
	try {
		return await runPerItem(this, async (i) => {
			const messageId = String(this.getNodeParameter('messageId', i, '') ?? '').trim();
			if (!messageId) throw new InputError(i, 'messageId', 'is empty', 'Give the message ID the links were stored under.');
			const [partners, documents] = await Promise.all([
				store.emailContacts.getByMessageId(companyId, messageId),
				store.emailDocuments.getByMessageId(companyId, messageId),
			]);
			const json: IDataObject = {
				messageId,
				partners: partners.map((p) => ({ ...p, createdAt: p.createdAt.toISOString() })) as unknown as IDataObject[],
				documents: documents.map((d) => ({ ...d, createdAt: d.createdAt.toISOString() })) as unknown as IDataObject[],
			};
			return json;
		});
	} finally {
		await store.close();
	}
}
