import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

const MK_ID = { type: 'regex' as const, properties: { regex: '^[0-9]+$', errorMessage: 'A Metakocka ID is a number, e.g. 1600000123' } };

function locator(
	displayName: string,
	name: string,
	searchListMethod: string,
	show: IDisplayOptions['show'],
	description: string,
	hint?: string,
): INodeProperties {
	return {
		displayName,
		name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description,
		...(hint ? { hint } : {}),
		displayOptions: { show },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod, searchable: true },
			},
			{
				displayName: 'By Metakocka ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 1600000123',
				validation: [MK_ID],
			},
		],
	};
}

export const partnerLocator = (show: IDisplayOptions['show']) =>
	locator(
		'Partner',
		'partner',
		'searchPartners',
		show,
		'The partner, picked from Metakocka or given by its Metakocka ID (mk_id)',
		'The list starts with the partners of the latest sales orders and invoices; type a name, an email address or a tax number to search all partners',
	);

export const productLocator = (show: IDisplayOptions['show']) =>
	locator('Product', 'product', 'searchProducts', show, 'The product, picked from Metakocka or given by its Metakocka ID (mk_id)');

export const documentLocator = (show: IDisplayOptions['show']) =>
	locator(
		'Document',
		'document',
		'searchDocuments',
		show,
		'The document, picked from Metakocka or given by its Metakocka ID (mk_id)',
		'Newest first: number · partner · date · total · status. Type to search by number or partner.',
	);

export const warehouseLocator = (show: IDisplayOptions['show']) =>
	locator('Warehouse', 'warehouse', 'searchWarehouses', show, 'The warehouse, picked from Metakocka or given by its Metakocka ID (mk_id)');
