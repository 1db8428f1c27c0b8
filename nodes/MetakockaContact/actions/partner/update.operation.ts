import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getClient, runPerItem, validateAll } from '../../../../src/n8n';
import { compact, parsePartner } from '../../../../src/sync/partners';
import { partnerLocator } from '../../../shared/locators';
import { partnerFieldParameters, readPartnerFields } from './fields';

const show = { resource: ['partner'], operation: ['update'] };

export const description: INodeProperties[] = [
	partnerLocator(show),
	{
		displayName:
			'Contact details (email, phone) are written to the partner\'s first contact; Metakocka would add a new contact for details sent without its ID.',
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
		const { partner_contact: contact, ...head } = partner;
		const body: Record<string, unknown> = { ...head, mk_id: mkId };
		if (contact) {
			const [current] = await client.getPartners({ partner_id: mkId });
			const first = current?.partner_contact_list?.[0];
			body.partner_contact_list = [compact({ ...contact, mk_id: first?.mk_id, mk_address_id: first ? undefined : current?.partner_delivery_address_list?.[0]?.mk_id })];
		}
		const updated = await client.updatePartner(body as Parameters<typeof client.updatePartner>[0]);
		return { status: 'updated', ...updated };
	});
}
