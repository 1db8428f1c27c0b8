import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { compact, getClient, parsePartner, runPerItem, updatePartnerFields, validateAll } from '../../../../src';
import { partnerLocator } from '../../../shared/locators';
import { partnerFieldParameters, readPartnerFields } from './fields';

const show = { resource: ['partner'], operation: ['update'] };

export const description: INodeProperties[] = [
	partnerLocator(show),
	{
		displayName:
			'The address is written to the partner\'s billing (Račun) address and contact details to its first contact, each by its Metakocka ID; Metakocka would add a second one for details sent without it.',
		name: 'updateNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	...partnerFieldParameters(show),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const client = await getClient(this);
	const partners = validateAll(this, (i) => compact(parsePartner(readPartnerFields(this, i), i)));
	return await runPerItem(this, async (i) => {
		const mkId = String(this.getNodeParameter('partner', i, '', { extractValue: true }));
		const { value: partner, error } = partners[i];
		if (!partner) throw error;
		// Address and contact are written into their existing entries by mk_id (read once here).
		const { updated } = await updatePartnerFields(client, mkId, partner);
		return { status: 'updated', ...updated };
	});
}
