import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { route } from '../../../src';
import * as product from './product';
import * as warehouse from './warehouse';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await route(this, { product: product.operations, warehouse: warehouse.operations });
}
