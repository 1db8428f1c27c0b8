import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getClient, type PartnerLookup, runPerItem, simplePartner, simplifyOn } from '../../../../src';
import { returnAllOrLimit, simplifyParameter } from '../../../shared/descriptions';

const show = { resource: ['partner'], operation: ['search'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Search In',
		name: 'searchIn',
		type: 'options',
		displayOptions: { show },
		options: [
			{ name: 'Name', value: 'partner_name' },
			{ name: 'Email', value: 'partner_email' },
			{ name: 'Tax Number', value: 'partner_tax_number' },
			{ name: 'Phone', value: 'partner_phone_number' },
		],
		default: 'partner_name',
		description: 'Metakocka looks partners up by one field at a time',
	},
	{
		displayName: 'Query',
		name: 'query',
		type: 'string',
		required: true,
		default: '',
		displayOptions: { show },
	},
	...returnAllOrLimit(show),
	simplifyParameter(show),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const client = await getClient(this);
	return await runPerItem(this, async (i) => {
		const field = this.getNodeParameter('searchIn', i) as keyof PartnerLookup;
		const query = String(this.getNodeParameter('query', i)).trim();
		const returnAll = this.getNodeParameter('returnAll', i) as boolean;
		const partners = await client.getPartners({ [field]: query });
		const limited = returnAll ? partners : partners.slice(0, this.getNodeParameter('limit', i) as number);
		return simplifyOn(this, i) ? limited.map(simplePartner) : limited.map((p) => ({ ...p }));
	});
}
