import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getClient, runPerItem } from '../../../../src';
import { returnAllOrLimit } from '../../../shared/descriptions';

const show = { resource: ['warehouse'], operation: ['getAll'] };

export const description: INodeProperties[] = [...returnAllOrLimit(show)];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const client = await getClient(this);
	return await runPerItem(this, async (i) => {
		const warehouses = await client.listWarehouses();
		const returnAll = this.getNodeParameter('returnAll', i) as boolean;
		const limited = returnAll ? warehouses : warehouses.slice(0, this.getNodeParameter('limit', i) as number);
		return limited.map((w) => ({ ...w }));
	});
}
