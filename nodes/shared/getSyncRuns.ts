import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getClient, openStore, runPerItem } from '../../src';
import { mappingStoreOptions, postgresNotice, returnAllOrLimit } from './descriptions';

/** Get Sync Runs, the same for every node with Sync and Import: the run history of the company. */
export function getSyncRunsOperation(resource: string) {
	const show = { resource: [resource], operation: ['getSyncRuns'] };
	const description: INodeProperties[] = [
		postgresNotice(show),
		...returnAllOrLimit(show, 1000),
		{
			displayName: 'Filters',
			name: 'runFilters',
			type: 'collection',
			placeholder: 'Add filter',
			default: {},
			displayOptions: { show },
			options: [
				{
					displayName: 'All Metakocka Nodes',
					name: 'allNodes',
					type: 'boolean',
					default: false,
					description: "Whether to list the runs of every Metakocka node, not only this node's type",
				},
				{
					displayName: 'Only Failed',
					name: 'onlyFailed',
					type: 'boolean',
					default: false,
					description: 'Whether to list only runs in which at least one record failed',
				},
				{
					displayName: 'Operation',
					name: 'operation',
					type: 'options',
					noDataExpression: true,
					options: [
						{ name: 'Import', value: 'import' },
						{ name: 'Sync', value: 'sync' },
					],
					default: 'sync',
				},
				{
					displayName: 'Since',
					name: 'since',
					type: 'dateTime',
					default: '',
					description: 'Only runs started at or after this time',
				},
			],
		},
		mappingStoreOptions(show),
	];

	async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
		const { companyId } = await getClient(this);
		const store = await openStore(this, this.getNodeParameter('mappingStore', 0, {}) as object);
		try {
			return await runPerItem(this, async (i) => {
				const filters = this.getNodeParameter('runFilters', i, {}) as { allNodes?: boolean; onlyFailed?: boolean; operation?: string; since?: string };
				const since = filters.since ? new Date(filters.since) : undefined;
				if (since && Number.isNaN(since.getTime())) {
					throw new NodeOperationError(this.getNode(), `Filters → Since is not a date: "${filters.since}"`, { itemIndex: i });
				}
				const returnAll = this.getNodeParameter('returnAll', i) as boolean;
				const runs = [];
				const page = 1000;
				const limit = returnAll ? Infinity : (this.getNodeParameter('limit', i) as number);
				for (let offset = 0; runs.length < limit; offset += page) {
					const rows = await store.syncRuns.list(companyId, {
						node: filters.allNodes ? undefined : this.getNode().type,
						operation: filters.operation || undefined,
						since,
						onlyFailed: filters.onlyFailed === true,
						limit: Math.min(page, limit - runs.length),
						offset,
					});
					runs.push(...rows);
					if (rows.length < page) break;
				}
				return runs.map((r) => ({ ...r, startedAt: r.startedAt.toISOString(), finishedAt: r.finishedAt.toISOString() }) as unknown as IDataObject);
			});
		} finally {
			await store.close();
		}
	}

	return { description, execute };
}
