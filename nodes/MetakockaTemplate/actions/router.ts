import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { route } from '../../../src';
import * as template from './template';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await route(this, { template: template.operations });
}
