import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { DOC_TYPES, type DocType, InputError } from '../../../../src';
import { partnerLocator } from '../../../shared/locators';

type Show = IDisplayOptions['show'];

// The document types' labels and lists are shared with the Trigger and AI Context nodes.
export { DELETABLE_TYPES, docTypeOptions, FULL_UPDATE_TYPES, IMPORT_TYPES, NO_UPDATE_TYPES, PUT_TYPES, STATUS_CHANGE_TYPES, STATUS_ONLY_TYPES } from '../../../shared/docTypes';

/** The item's docType, or an InputError naming the parameter when the operation does not support it. */
export function docTypeFor(ctx: IExecuteFunctions, itemIndex: number, allowed?: readonly DocType[], what?: string): DocType {
	const docType = ctx.getNodeParameter('docType', itemIndex) as DocType;
	if (!(DOC_TYPES as readonly string[]).includes(docType)) {
		throw new InputError(itemIndex, 'docType', `must be one of ${DOC_TYPES.join(', ')} (got ${JSON.stringify(docType)})`);
	}
	if (allowed && !allowed.includes(docType)) {
		throw new InputError(itemIndex, 'docType', `is ${docType}, but ${what ?? 'this operation'} works for ${allowed.join(', ')} only`);
	}
	return docType;
}

/** A json parameter as n8n hands it over: an object/array from an expression, or text to parse. */
export function jsonParameter(ctx: IExecuteFunctions, name: string, itemIndex: number, field: string): unknown {
	return parseJson(ctx.getNodeParameter(name, itemIndex, undefined) as unknown, itemIndex, field);
}

export function parseJson(value: unknown, itemIndex: number, field: string): unknown {
	if (typeof value !== 'string') return value;
	if (value.trim() === '') return undefined;
	let parsed: unknown;
	let valid = true;
	try {
		parsed = JSON.parse(value) as unknown;
	} catch {
		valid = false;
	}
	if (!valid) throw new InputError(itemIndex, field, `must be valid JSON (got ${JSON.stringify(value.slice(0, 40))})`);
	return parsed;
}

// ---------------------------------------------------------------- partner

export function partnerParameters(show: Show, sync: boolean): INodeProperties[] {
	const options: INodePropertyOptions[] = [
		...(sync
			? [{ name: 'CRM Contact (Through Mappings)', value: 'crmContact', description: 'The Metakocka partner synced from this CRM contact by Metakocka Contact → Sync' }]
			: []),
		{ name: 'Metakocka Partner', value: 'mkId', description: 'An existing partner, picked or given by ID' },
		{ name: 'Partner Fields', value: 'fields', description: 'Name and address; Metakocka adds a new partner for them' },
		{ name: 'Partner JSON', value: 'json', description: 'A partner object from the item, with Metakocka field names' },
	];
	const partnerShow = (source: string) => ({ show: { ...show, partnerSource: [source] } });
	const text = (displayName: string, name: string, description?: string): INodeProperties => ({
		displayName,
		name,
		type: 'string',
		default: '',
		...(description ? { description } : {}),
	});
	const partnerSource: INodeProperties = {
		displayName: 'Partner',
		name: 'partnerSource',
		type: 'options',
		options,
		default: 'mkId',
		displayOptions: { show },
		description: 'Who the document is for',
	};
	return [
		// Sync documents usually come with the CRM contact they belong to.
		sync ? { ...partnerSource, default: 'crmContact' } : partnerSource,
		...(sync
			? [
					{
						displayName: 'CRM Contact ID',
						name: 'partnerCrmId',
						type: 'string',
						required: true,
						default: '={{ $json.contactId }}',
						displayOptions: partnerShow('crmContact'),
						description: 'The CRM contact ID; its Metakocka partner comes from the contact mappings',
					} as INodeProperties,
				]
			: []),
		{ ...partnerLocator({ ...show, partnerSource: ['mkId'] }), name: 'partnerMkId', displayName: 'Metakocka Partner' },
		{
			displayName: 'Partner Fields',
			name: 'partnerFields',
			type: 'collection',
			placeholder: 'Add Partner Field',
			default: {},
			displayOptions: partnerShow('fields'),
			description: 'Name (required) and address of the partner',
			options: [
				{
					displayName: 'Business Entity',
					name: 'business_entity',
					type: 'boolean',
					default: true,
					description: 'Whether the partner is a company rather than a person',
				},
				text('City', 'place'),
				text('Country', 'country', 'Country name in English or Slovenian, or ISO-2 code'),
				text('Email', 'email'),
				text('Name', 'customer', 'Partner name (Metakocka "customer", up to 100 characters)'),
				text('Phone', 'phone'),
				text('Post Number', 'post_number'),
				text('Street', 'street'),
				text('Tax Number', 'tax_id_number', 'Tax or VAT number, e.g. SI12345678'),
				{ displayName: 'Taxpayer', name: 'taxpayer', type: 'boolean', default: true, description: 'Whether the partner is liable for VAT' },
			],
		},
		{
			displayName: 'Partner JSON',
			name: 'partnerJson',
			type: 'json',
			default: '={{ $json.partner }}',
			displayOptions: partnerShow('json'),
			description: 'E.g. {"customer": "ACME d.o.o.", "street": "Slovenska 1", "post_number": "1000", "place": "Ljubljana", "country": "SI"} or {"mk_id": "1600000123"}.',
		},
	];
}

function readPartner(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const source = ctx.getNodeParameter('partnerSource', itemIndex) as string;
	switch (source) {
		case 'crmContact':
			return { partnerCrmId: ctx.getNodeParameter('partnerCrmId', itemIndex, '') as string };
		case 'mkId': {
			// Empty = no partner (a financial/goods credit note takes its invoice's); never sent as mk_id "".
			const mkId = String(ctx.getNodeParameter('partnerMkId', itemIndex, '', { extractValue: true }) ?? '').trim();
			return mkId ? { partner: { mk_id: mkId } } : {};
		}
		case 'fields': {
			const { email, phone, ...head } = ctx.getNodeParameter('partnerFields', itemIndex, {}) as IDataObject;
			const contact: IDataObject = {};
			if (email) contact.email = email;
			if (phone) contact.phone = phone;
			return { partner: { ...head, ...(Object.keys(contact).length ? { partner_contact: contact } : {}) } };
		}
		default:
			return { partner: jsonParameter(ctx, 'partnerJson', itemIndex, 'partner') as IDataObject };
	}
}

// ---------------------------------------------------------------- lines

export function lineParameters(show: Show, defaultSource: 'fields' | 'json'): INodeProperties[] {
	return [
		{
			displayName: 'Lines',
			name: 'linesSource',
			type: 'options',
			options: [
				{ name: 'Define Below', value: 'fields' },
				{ name: 'From JSON', value: 'json', description: 'A list of lines from the item' },
			],
			default: defaultSource,
			displayOptions: { show },
		},
		{
			displayName: 'Lines',
			name: 'lines',
			type: 'fixedCollection',
			placeholder: 'Add Line',
			typeOptions: { multipleValues: true },
			default: {},
			displayOptions: { show: { ...show, linesSource: ['fields'] } },
			options: [
				{
					displayName: 'Line',
					name: 'line',
					values: [
						{
							displayName: 'Amount',
							name: 'amount',
							type: 'number',
							default: 1
						},
						{
							displayName: 'Discount (%)',
							name: 'discount',
							type: 'string',
							default: '',
							placeholder: '10 or 10;5',
							description: 'Percent; chained discounts separated by \';\'',
						},
						{
							displayName: 'Name',
							name: 'name',
							type: 'string',
							default: '',
							description: 'Overrides the product name on this line',
						},
						{
							displayName: 'Price',
							name: 'price',
							type: 'number',
							default: 0
						},
						{
							displayName: 'Price Includes Tax',
							name: 'priceIncludesTax',
							type: 'boolean',
							default: false,
							description: 'Whether the price is gross (Metakocka price_with_tax) rather than net',
						},
						{
							displayName: 'Product Code',
							name: 'code',
							type: 'string',
							default: '',
							description: 'The product\'s code in Metakocka (must exist unless Unit is set)',
						},
						{
							displayName: 'Tax Code',
							name: 'tax',
							type: 'string',
							default: '',
							placeholder: 'EX4',
							description: 'Metakocka tax code; leave empty to give a tax factor instead',
						},
						{
							displayName: 'Tax Factor',
							name: 'tax_factor',
							type: 'string',
							default: '',
							placeholder: '0.22',
							description: 'Tax rate as a factor, used when no tax code is given',
						},
						{
							displayName: 'Unit',
							name: 'unit',
							type: 'string',
							default: '',
							description: 'Only for a product not yet in Metakocka: it is created with this unit (kos, kg…)',
						},
					],
				},
			],
		},
		{
			displayName: 'Lines JSON',
			name: 'linesJson',
			type: 'json',
			default: '={{ $json.lines }}',
			displayOptions: { show: { ...show, linesSource: ['json'] } },
			description:
				'List of lines: each with code, count_code or productCrmId; amount; price or price_with_tax; tax or tax_factor; optional discount, name, unit. Decimal commas ("1,5") are accepted.',
		},
	];
}

function readLines(ctx: IExecuteFunctions, itemIndex: number): unknown {
	const source = ctx.getNodeParameter('linesSource', itemIndex) as string;
	if (source === 'json') return jsonParameter(ctx, 'linesJson', itemIndex, 'lines');
	const rows = ctx.getNodeParameter('lines.line', itemIndex, []) as IDataObject[];
	if (!rows.length) return undefined;
	return rows.map(({ priceIncludesTax, price, ...rest }) => {
		const line: IDataObject = {};
		for (const [k, v] of Object.entries(rest)) if (v !== '' && v !== undefined && v !== null) line[k] = v;
		line[priceIncludesTax ? 'price_with_tax' : 'price'] = price;
		return line;
	});
}

// ---------------------------------------------------------------- head

const HEAD_TEXT: Array<[string, string, string]> = [
	['Buyer Order', 'buyer_order', 'The customer\'s order number; also finds a sales order after a lost answer'],
	['Count Code', 'count_code', 'Document number; empty = Metakocka numbers it. Also finds the document after a lost answer.'],
	['Currency', 'currency_code', 'e.g. EUR'],
	['Delivery Type', 'delivery_type', ''],
	['Method of Payment', 'method_of_payment', ''],
	['Notes', 'notes', ''],
	['Notes Header', 'notes_header', 'Text above the lines'],
	['Status', 'status_code', 'Status key from the company\'s register, e.g. draft'],
	['Title', 'title', ''],
	['Warehouse Mark', 'warehouse', 'Warehouse mark, e.g. GL'],
];

export function headParameters(show: Show, docDateDefault: string): INodeProperties[] {
	return [
		{
			displayName: 'Document Date',
			name: 'docDate',
			type: 'string',
			required: true,
			default: docDateDefault,
			displayOptions: { show },
			description: 'YYYY-MM-DD, dd.mm.yyyy or an ISO timestamp',
		},
		{
			displayName: 'Additional Fields',
			name: 'additionalFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			displayOptions: { show },
			options: (
				[
					...HEAD_TEXT.map(
						([displayName, name, description]): INodeProperties => ({
							displayName,
							name,
							type: 'string',
							default: '',
							...(description ? { description } : {}),
						}),
					),
				{ displayName: 'Discount (%)', name: 'discount_percent', type: 'number', default: 0, description: 'Discount on the whole document, in percent' },
					{ displayName: 'Payment Due (Days)', name: 'duo_payment_days', type: 'number', default: 30, description: 'Sent as the Payment Due Date: document date plus these days' },
					{
						displayName: 'Credit Note Type',
						name: 'credit_note_type',
						type: 'options',
						options: [
							{ name: 'Financial (Services, Against an Invoice)', value: 'financial' },
							{ name: 'Goods (Lines of an Invoice)', value: 'goods' },
							{ name: 'Standalone', value: 'standalone' },
						],
						default: 'standalone',
						description: 'Credit notes only (required there). Financial and goods notes name the invoice in Credit Note Invoice and take its partner.',
					},
					{ displayName: 'Credit Note Invoice', name: 'credit_note_bill', type: 'string', default: '', description: 'Count code of the invoice a financial or goods credit note corrects' },
					{ displayName: 'Payment Due Date', name: 'duo_payment', type: 'string', default: '', description: 'Bills and credit notes need it (or Payment Due (Days)). YYYY-MM-DD or dd.mm.yyyy.' },
					{ displayName: 'Receive Date', name: 'receive_date', type: 'string', default: '', description: 'Purchase bills need it. YYYY-MM-DD or dd.mm.yyyy.' },
					{ displayName: 'Service Date', name: 'service_to_date', type: 'string', default: '', description: 'Date of service (service_to_date); sales bills and credit notes need it' },
					{ displayName: 'Service From Date', name: 'service_from_date', type: 'string', default: '', description: 'Start of the service period, if any' },
				] as INodeProperties[]
			).sort((a, b) => a.displayName.localeCompare(b.displayName)),
		},
	];
}

/** The raw document of one item, in the shape src/sync/documents validates. */
export function readDocumentInput(ctx: IExecuteFunctions, itemIndex: number, docType: DocType): IDataObject {
	const raw: IDataObject = {
		doc_type: docType,
		doc_date: ctx.getNodeParameter('docDate', itemIndex, '') as string,
		...readPartner(ctx, itemIndex),
	};
	const lines = readLines(ctx, itemIndex);
	if (lines !== undefined) raw.lines = lines as IDataObject[];
	const additional = ctx.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	for (const [k, v] of Object.entries(additional)) if (v !== '' && v !== undefined && v !== null) raw[k] = v;
	return raw;
}
