import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getClient, runPerItem } from '../../../../src/n8n';
import { compact, parsePartner } from '../../../../src/sync/partners';
import { partnerFieldParameters, readPartnerFields } from './fields';

const show = { resource: ['partner'], operation: ['create'] };

export const description: INodeProperties[] = [...partnerFieldParameters(show)];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const client = await getClient(this);
	// Validate every item before the first write: bad input never leaves half a batch written.
	const partners = this.getInputData().map((_, i) => compact(parsePartner(readPartnerFields(this, i), i)));
	return await runPerItem(this, async (i) => {
		const { result, reconciled } = await client.addPartner(partners[i]);
		return { status: 'created', reconciled, ...result };
	});
}
