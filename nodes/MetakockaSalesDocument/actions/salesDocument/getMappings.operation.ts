import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getClient, openStore, runPerItem } from '../../../../src/n8n';
import { listMappings } from '../../../../src/sync/mappings';
import { mappingStoreOptions, postgresNotice, returnAllOrLimit } from '../../../shared/descriptions';

const show = { resource: ['salesDocument'], operation: ['getMappings'] };

export const description: INodeProperties[] = [
	postgresNotice(show),
	{
		displayName: 'CRM IDs',
		name: 'crmIds',
		type: 'string',
		default: '',
		displayOptions: { show },
		description: 'Comma-separated CRM document IDs to look up; empty lists every document mapping of the company',
	},
	...returnAllOrLimit(show),
	mappingStoreOptions(show),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { companyId } = await getClient(this);
	const store = await openStore(this, this.getNodeParameter('mappingStore', 0, {}) as object);
	try {
		return await runPerItem(this, async (i) => {
			const crmIds = String(this.getNodeParameter('crmIds', i, ''))
				.split(',')
				.map((id) => id.trim())
				.filter(Boolean);
			const returnAll = this.getNodeParameter('returnAll', i) as boolean;
			const rows = await listMappings(store.salesDocuments, companyId, {
				crmIds: crmIds.length ? crmIds : undefined,
				limit: returnAll ? undefined : (this.getNodeParameter('limit', i) as number),
			});
			return rows.map((m) => ({ ...m }) as never);
		});
	} finally {
		await store.close();
	}
}
