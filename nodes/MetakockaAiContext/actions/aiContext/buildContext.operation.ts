import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { buildContext, createContextCache, getClient, runPerItem, validateAll } from '../../../../src';
import { contextJson, readContextOptions, readRequest } from './common';

// Input and context options are shared with Generate Response (see common.ts).
export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const prepared = validateAll(this, (i) => ({ request: readRequest(this, i), options: readContextOptions(this, i) }));
	const client = await getClient(this);
	// One cache per execution: several emails from the same partner cost one set of Metakocka reads.
	const cache = createContextCache();
	return await runPerItem(this, async (i) => {
		const { value, error } = prepared[i];
		if (!value) throw error;
		const built = await buildContext(client, value.request, { ...value.options, cache });
		return {
			context: contextJson(built),
			text: built.text,
			included: built.included,
			truncated: built.truncated,
			omitted: built.omitted,
		};
	});
}
