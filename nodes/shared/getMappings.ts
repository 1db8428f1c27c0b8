import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getClient, listMappings, type MappingEntity, openStore, runPerItem } from '../../src';
import { mappingStoreOptions, postgresNotice, returnAllOrLimit } from './descriptions';

const REPOSITORY = { contact: 'contacts', sales_document: 'salesDocuments', product: 'products' } as const;

/** Get Mappings, the same for every synced resource: CRM ID ↔ Metakocka ID rows of the company. */
export function getMappingsOperation(resource: string, entity: MappingEntity, what: string) {
	const show = { resource: [resource], operation: ['getMappings'] };
	const description: INodeProperties[] = [
		postgresNotice(show),
		{
			displayName: 'CRM IDs',
			name: 'crmIds',
			type: 'string',
			default: '',
			displayOptions: { show },
			description: `Comma-separated CRM IDs to look up; empty lists every ${what} mapping of the company`,
		},
		...returnAllOrLimit(show),
		mappingStoreOptions(show),
	];

	async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
		const { companyId } = await getClient(this);
		const store = await openStore(this, this.getNodeParameter('mappingStore', 0, {}) as object);
		try {
			return await runPerItem(this, async (i) => {
				const crmIds = String(this.getNodeParameter('crmIds', i, ''))
					.split(',')
					.map((id) => id.trim())
					.filter(Boolean);
				const returnAll = this.getNodeParameter('returnAll', i) as boolean;
				const rows = await listMappings(store[REPOSITORY[entity]], companyId, {
					crmIds: crmIds.length ? crmIds : undefined,
					limit: returnAll ? undefined : (this.getNodeParameter('limit', i) as number),
				});
				return rows as unknown as IDataObject[];
			});
		} finally {
			await store.close();
		}
	}

	return { description, execute };
}
