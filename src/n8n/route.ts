import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { toNodeError } from './errors';
import { errorItem } from './items';

export type OperationExecute = (this: IExecuteFunctions) => Promise<INodeExecutionData[]>;

/** Every node's router: the resource's operation runs on the main output (n8n adds the error output). */
export async function route(ctx: IExecuteFunctions, resources: Record<string, Record<string, OperationExecute>>): Promise<INodeExecutionData[][]> {
	const resource = ctx.getNodeParameter('resource', 0, '') as string;
	const operation = ctx.getNodeParameter('operation', 0) as string;
	const operations = resources[resource] ?? (Object.keys(resources).length === 1 ? Object.values(resources)[0] : undefined);
	const run = operations && Object.prototype.hasOwnProperty.call(operations, operation) ? operations[operation] : undefined;
	if (!run) throw new NodeOperationError(ctx.getNode(), `The operation "${operation}" is not supported${resource ? ` for "${resource}"` : ''}`);
	try {
		return [await run.call(ctx)];
	} catch (error) {
		// A failure of the whole operation (Postgres unreachable when the store opens, say): with
		// "Continue", n8n would pass the input items on unchanged, and the next node would read them
		// as an empty result (a failed lookup is not "no match"). Each input item gets the error instead.
		if (!ctx.continueOnFail()) throw toNodeError(ctx, error, 0);
		return [ctx.getInputData().map((_, itemIndex) => errorItem(ctx, error, itemIndex))];
	}
}
