import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { route } from '../../../src';
import * as email from './email';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await route(this, { email: email.operations });
}
