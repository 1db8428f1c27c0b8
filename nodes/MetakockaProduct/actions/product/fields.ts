import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ProductFilter, ProductTextFilter } from '../../../../src';

/**
 * Product fields mapped from the input item. The defaults read the names shops and CRMs usually
 * export, so a typical product item needs no mapping at all.
 */
export function productFieldParameters(show: IDisplayOptions['show'], mode: 'create' | 'update'): INodeProperties[] {
	const field = (displayName: string, name: string, defaultValue: string, description: string): INodeProperties => ({
		displayName,
		name,
		type: 'string',
		default: defaultValue,
		description,
		displayOptions: { show },
	});
	const keep = mode === 'update' ? ' Empty keeps the current value.' : '';
	return [
		field('Code', 'code', '={{ $json.code ?? $json.sku }}', `Product code (Metakocka "code", the SKU; up to 20 characters).${keep}`),
		field('Name', 'name', '={{ $json.name ?? $json.title }}', `Product name (up to 200 characters).${keep}`),
		field(
			'Unit',
			'unit',
			'={{ $json.unit }}',
			mode === 'update'
				? 'Unit of measure from Metakocka\'s unit register (kos, kom, kpl, kg, ura…). Empty keeps the current value.'
				: 'Unit of measure from Metakocka\'s unit register (kos, kom, kpl, kg, ura…). Empty means "kos".',
		),
		field('Price', 'price', '={{ $json.price }}', 'Net price for the price list below; "19,99" and "19.99" are both accepted'),
		field('Price List', 'pricelist', '', 'Count code of the Metakocka price list the price goes to, e.g. MPC. Required when a price is given.'),
		{
			displayName: 'Other Product Fields',
			name: 'otherFields',
			type: 'fixedCollection',
			placeholder: 'Add Product Field',
			typeOptions: { multipleValues: true },
			default: {},
			displayOptions: { show },
			description: 'Any other Metakocka product field, by its Metakocka name',
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
								{ name: 'Active', value: 'activated' },
								{ name: 'Barcode', value: 'barcode' },
								{ name: 'Categories (Comma-Separated)', value: 'categories' },
								{ name: 'Count Code (Product ID)', value: 'count_code' },
								{ name: 'Depth', value: 'depth' },
								{ name: 'Description', value: 'name_desc' },
								{ name: 'E-Shop Sync', value: 'eshop_sync' },
								{ name: 'Height', value: 'height' },
								{ name: 'Minimum Stock', value: 'min_stock' },
								{ name: 'Price With Tax', value: 'price_with_tax' },
								{ name: 'Purchasing', value: 'purchasing' },
								{ name: 'Sales', value: 'sales' },
								{ name: 'Service', value: 'service' },
								{ name: 'Tax', value: 'tax' },
								{ name: 'Tax Factor', value: 'tax_factor' },
								{ name: 'Weight', value: 'weight' },
								{ name: 'Width', value: 'width' },
							],
							default: 'sales',
						},
						{ displayName: 'Value', name: 'value', type: 'string', default: '' },
					],
				},
			],
		},
		{
			displayName: 'Extra Columns',
			name: 'extraColumns',
			type: 'fixedCollection',
			placeholder: 'Add Extra Column',
			typeOptions: { multipleValues: true },
			default: {},
			displayOptions: { show },
			description: 'Values of the company\'s own product columns (Metakocka "extra_column")',
			options: [
				{
					displayName: 'Column',
					name: 'column',
					values: [
						{ displayName: 'Column Name', name: 'name', type: 'string', default: '' },
						{ displayName: 'Value', name: 'value', type: 'string', default: '' },
					],
				},
			],
		},
	];
}

const HEAD_FIELDS = ['code', 'name', 'unit', 'price', 'pricelist'];
const blank = (v: unknown): boolean => v === '' || v === undefined || v === null;

/** Reads the mapped product fields of one item into the raw shape the core validates. */
export function readProductFields(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const raw: IDataObject = {};
	for (const name of HEAD_FIELDS) {
		const value = ctx.getNodeParameter(name, itemIndex, '') as unknown;
		if (!blank(value)) raw[name] = value as string;
	}
	const other = ctx.getNodeParameter('otherFields.field', itemIndex, []) as Array<{ name: string; value: unknown }>;
	for (const { name, value } of other) if (!blank(value)) raw[name] = value as string;
	const columns = ctx.getNodeParameter('extraColumns.column', itemIndex, []) as Array<{ name: string; value: unknown }>;
	const extra = columns.filter((c) => !blank(c.name)).map((c) => ({ name: c.name, value: (c.value ?? '') as string }));
	if (extra.length) raw.extra_column = extra;
	return raw;
}


/** List/Import filters, as Metakocka's product_list takes them. */
export function productFilterParameters(show: IDisplayOptions['show']): INodeProperties[] {
	return [
		{
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			displayOptions: { show },
			options: [
				{ displayName: 'Active', name: 'active', type: 'boolean', default: true, description: 'Whether to return only active (true) or only inactive (false) products' },
				{ displayName: 'Category', name: 'category', type: 'string', default: '', description: 'Only products in this category' },
				{ displayName: 'Code', name: 'code', type: 'string', default: '', description: 'Product code (SKU); matches part of the code unless Exact Match is on' },
				{ displayName: 'Count Code', name: 'count_code', type: 'string', default: '', description: 'Metakocka product ID (count_code)' },
				{ displayName: 'E-Shop Sync', name: 'eshop_sync', type: 'boolean', default: true, description: 'Whether to return only products flagged (true) or not flagged (false) for e-shop sync' },
				{ displayName: 'Exact Match', name: 'exactMatch', type: 'boolean', default: false, description: 'Whether title, code and count code must match exactly instead of partly' },
				{ displayName: 'Purchasing', name: 'purchase', type: 'boolean', default: true, description: 'Whether to return only purchasing (true) or only non-purchasing (false) products' },
				{ displayName: 'Sales', name: 'sales', type: 'boolean', default: true, description: 'Whether to return only sales (true) or only non-sales (false) products' },
				{ displayName: 'Service', name: 'service', type: 'boolean', default: true, description: 'Whether to return only services (true) or only goods (false)' },
				{ displayName: 'Title', name: 'title', type: 'string', default: '', description: 'Product name; matches part of the name unless Exact Match is on' },
			],
		},
		{
			displayName: 'Options',
			name: 'listOptions',
			type: 'collection',
			placeholder: 'Add option',
			default: {},
			displayOptions: { show },
			options: [
				{ displayName: 'Include Categories', name: 'return_category', type: 'boolean', default: true, description: 'Whether to include each product\'s category tree' },
				{ displayName: 'Include Price Lists', name: 'return_pricelist', type: 'boolean', default: true, description: 'Whether to include each product\'s price list rows' },
				{ displayName: 'Include Stock', name: 'return_warehause_stock', type: 'boolean', default: true, description: 'Whether to include the stock amount and its split by warehouse' },
			],
		},
	];
}

/** The collection values → a product_list filter; text filters match partly unless Exact Match is on. */
export function readProductFilter(ctx: IExecuteFunctions, itemIndex: number): ProductFilter {
	const { exactMatch, ...filters } = ctx.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const options = ctx.getNodeParameter('listOptions', itemIndex, {}) as IDataObject;
	const filter: ProductFilter = {};
	for (const [key, value] of Object.entries({ ...filters, ...options })) {
		if (typeof value === 'string') {
			if (value.trim()) filter[key] = value.trim();
		} else if (typeof value === 'boolean') filter[key] = value;
	}
	// title is a LIKE-only filter in the docs: with it, everything is sent as LIKE and checked on the answer.
	if (filter.title || (!exactMatch && (filter.code || filter.count_code))) filter.search_with_like = true;
	return filter;
}

/** The text filters to check on each answered product (exact with Exact Match, by part otherwise). */
export function readProductTextFilter(ctx: IExecuteFunctions, itemIndex: number): ProductTextFilter | undefined {
	const { exactMatch, title, code, count_code } = ctx.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const given = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
	const f: ProductTextFilter = { title: given(title), code: given(code), count_code: given(count_code), exact: exactMatch === true };
	return f.title || f.code || f.count_code ? f : undefined;
}
