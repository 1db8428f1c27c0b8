import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { route } from '../../../src';
import * as partner from './partner';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await route(this, { partner: partner.operations });
}
