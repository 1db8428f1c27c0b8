import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getClient, type PartnerLookup, runPerItem, simplePartner, simplifyOn } from '../../../../src';
import { simplifyParameter } from '../../../shared/descriptions';
import { partnerLocator } from '../../../shared/locators';

const show = { resource: ['partner'], operation: ['get'] };

const LOOKUP_FIELD: Record<string, keyof PartnerLookup> = {
	taxNumber: 'partner_tax_number',
	email: 'partner_email',
	name: 'partner_name',
	phone: 'partner_phone_number',
};

export const description: INodeProperties[] = [
	{
		displayName: 'Find By',
		name: 'findBy',
		type: 'options',
		displayOptions: { show },
		options: [
			{ name: 'Email', value: 'email' },
			{ name: 'Metakocka ID', value: 'mkId' },
			{ name: 'Name', value: 'name' },
			{ name: 'Phone', value: 'phone' },
			{ name: 'Tax Number', value: 'taxNumber' },
		],
		default: 'mkId',
	},
	partnerLocator({ ...show, findBy: ['mkId'] }),
	{
		displayName: 'Value',
		name: 'value',
		type: 'string',
		required: true,
		default: '',
		displayOptions: { show: { ...show, findBy: ['taxNumber', 'email', 'name', 'phone'] } },
		description: 'Tax number, email, name or phone to look the partner up by',
	},
	{
		displayName: 'Include Discounts',
		name: 'showDiscounts',
		type: 'boolean',
		default: false,
		displayOptions: { show },
		description: 'Whether to include the partner\'s discounts by product category',
	},
	simplifyParameter(show),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const client = await getClient(this);
	return await runPerItem(this, async (i) => {
		const findBy = this.getNodeParameter('findBy', i) as string;
		const showDiscounts = this.getNodeParameter('showDiscounts', i, false) as boolean;
		const lookup: PartnerLookup =
			findBy === 'mkId'
				? { partner_id: String(this.getNodeParameter('partner', i, '', { extractValue: true })) }
				: { [LOOKUP_FIELD[findBy]]: String(this.getNodeParameter('value', i)).trim() };
		const partners = await client.getPartners(lookup, { showDiscounts });
		// A miss is an empty result, not a failure: the workflow decides what to do with it.
		return simplifyOn(this, i) ? partners.map(simplePartner) : partners.map((p) => ({ ...p }));
	});
}
