import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { route } from '../../../src/n8n';
import * as salesDocument from './salesDocument';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await route(this, { salesDocument: salesDocument.operations });
}
