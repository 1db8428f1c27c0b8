import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { route } from '../../../src';
import * as aiContext from './aiContext';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await route(this, { aiContext: aiContext.operations });
}
