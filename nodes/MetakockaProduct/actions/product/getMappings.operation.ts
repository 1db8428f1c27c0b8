import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getClient, openStore, runPerItem } from '../../../../src/n8n';
import type { Mapping } from '../../../../src/store';
import { mappingStoreOptions, postgresNotice, returnAllOrLimit } from '../../../shared/descriptions';

const show = { resource: ['product'], operation: ['getMappings'] };

export const description: INodeProperties[] = [
	postgresNotice(show),
	{
		displayName: 'CRM IDs',
		name: 'crmIds',
		type: 'string',
		default: '',
		displayOptions: { show },
		description: 'Comma-separated CRM IDs to look up; empty lists every product mapping of the company',
	},
	...returnAllOrLimit(show),
	mappingStoreOptions(show),
];

const PAGE = 1000;

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
			const limit = returnAll ? Infinity : (this.getNodeParameter('limit', i) as number);
			const rows: Mapping[] = [];
			// Pages of 1000: Return All means every mapping, not the store's default page.
			for (let offset = 0; rows.length < limit; ) {
				const want = Math.min(PAGE, limit - rows.length);
				const page = await store.products.list(companyId, { crmIds: crmIds.length ? crmIds : undefined, limit: want, offset });
				rows.push(...page);
				offset += page.length;
				if (page.length < want) break;
			}
			return rows.map((m) => ({ ...m, createdAt: m.createdAt.toISOString(), updatedAt: m.updatedAt.toISOString() }) as never);
		});
	} finally {
		await store.close();
	}
}
