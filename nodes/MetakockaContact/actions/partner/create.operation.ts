import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { compact, getClient, parsePartner, requireNewPartnerAddress, runPerItem, validateAll } from '../../../../src';
import { partnerFieldParameters, readPartnerFields } from './fields';

const show = { resource: ['partner'], operation: ['create'] };

export const description: INodeProperties[] = [...partnerFieldParameters(show)];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const client = await getClient(this);
	const partners = validateAll(this, (i) => {
		const partner = compact(parsePartner(readPartnerFields(this, i), i));
		requireNewPartnerAddress(partner, i);
		return partner;
	});
	return await runPerItem(this, async (i) => {
		const { value: partner, error } = partners[i];
		if (!partner) throw error;
		const { result, reconciled } = await client.addPartner(partner);
		return { status: 'created', reconciled, ...result };
	});
}
