import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { optionalItemParameter } from '../../../../src';

/**
 * Partner fields mapped from the input item. The defaults read the field names most CRMs export,
 * so a typical contact item needs no mapping at all.
 */
export function partnerFieldParameters(show: IDisplayOptions['show']): INodeProperties[] {
	const field = (
		displayName: string,
		name: string,
		defaultValue: string,
		description: string,
	): INodeProperties => ({ displayName, name, type: 'string', default: defaultValue, description, displayOptions: { show } });
	return [
		field('Name', 'customer', '={{ $json.name ?? $json.company ?? $json.fullName }}', 'Partner name (Metakocka "customer", up to 100 characters)'),
		field('Email', 'email', '={{ $json.email }}', 'Contact email of the partner'),
		field('Phone', 'phone', '={{ $json.phone }}', 'Contact phone of the partner'),
		field('Street', 'street', '={{ $json.street ?? $json.address }}', 'Street and house number'),
		field('Post Number', 'post_number', '={{ $json.postCode ?? $json.zip ?? $json.post_number }}', 'Post code'),
		field('City', 'place', '={{ $json.city ?? $json.place }}', 'City (Metakocka "place")'),
		field('Country', 'country', '={{ $json.country }}', 'Country name in English or Slovenian, or ISO-2 code'),
		field('Tax Number', 'tax_id_number', '={{ $json.taxNumber ?? $json.vatNumber ?? $json.tax_id_number }}', 'Tax or VAT number, e.g. SI12345678'),
		{
			displayName: 'Business Entity',
			name: 'business_entity',
			type: 'string',
			default: '={{ $json.isCompany ?? $json.business_entity ?? false }}',
			description: 'Whether the partner is a company rather than a person (true/false)',
			displayOptions: { show },
		},
		{
			displayName: 'Other Partner Fields',
			name: 'otherFields',
			type: 'fixedCollection',
			placeholder: 'Add Partner Field',
			typeOptions: { multipleValues: true },
			default: {},
			displayOptions: { show },
			description: 'Any other Metakocka partner field, by its Metakocka name',
			options: [
				{
					displayName: 'Field',
					name: 'field',
					values: [
						{
							displayName: 'Name',
							name: 'name',
							type: 'options',
							options: [
								{ name: 'Buyer', value: 'buyer' },
								{ name: 'Contact Fax', value: 'contact_fax' },
								{ name: 'Contact GSM', value: 'contact_gsm' },
								{ name: 'Contact Name', value: 'contact_name' },
								{ name: 'Count Code', value: 'count_code' },
								{ name: 'Foreign County (Foreign Partner)', value: 'foreign_county' },
								{ name: 'Province', value: 'province' },
								{ name: 'Registration Number', value: 'registration_number' },
								{ name: 'Street Number', value: 'street_number' },
								{ name: 'Supplier', value: 'supplier' },
								{ name: 'Taxpayer', value: 'taxpayer' },
							],
							default: 'registration_number',
						},
						{ displayName: 'Value', name: 'value', type: 'string', default: '' },
					],
				},
			],
		},
	];
}

const CONTACT_FIELDS: Record<string, string> = {
	email: 'email',
	phone: 'phone',
	contact_name: 'name',
	contact_gsm: 'gsm',
	contact_fax: 'fax',
};
const HEAD_FIELDS = ['customer', 'street', 'post_number', 'place', 'country', 'tax_id_number', 'business_entity'];

/** Reads the mapped partner fields of one item into the raw shape the core validates. */
export function readPartnerFields(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const raw: IDataObject = {};
	const contact: IDataObject = {};
	for (const name of [...HEAD_FIELDS, 'email', 'phone']) {
		const value = optionalItemParameter(ctx, name, itemIndex);
		if (value === '' || value === undefined || value === null) continue;
		if (CONTACT_FIELDS[name]) contact[CONTACT_FIELDS[name]] = value as string;
		else raw[name] = value as string;
	}
	const other = ctx.getNodeParameter('otherFields.field', itemIndex, []) as Array<{ name: string; value: string }>;
	for (const { name, value } of other) {
		if (value === '' || value === undefined) continue;
		if (CONTACT_FIELDS[name]) contact[CONTACT_FIELDS[name]] = value;
		else raw[name] = value;
	}
	if (Object.keys(contact).length) raw.partner_contact = contact;
	return raw;
}
