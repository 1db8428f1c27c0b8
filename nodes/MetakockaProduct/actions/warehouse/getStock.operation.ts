import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getClient, InputError, runPerItem, type StockFilter, type StockRow, type Warehouse } from '../../../../src';
import { warehouseLocator } from '../../../shared/locators';

const show = { resource: ['warehouse'], operation: ['getStock'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Warehouses',
		name: 'warehouseScope',
		type: 'options',
		displayOptions: { show },
		options: [
			{ name: 'All Warehouses', value: 'all' },
			{ name: 'One Warehouse', value: 'one' },
		],
		default: 'all',
	},
	warehouseLocator({ ...show, warehouseScope: ['one'] }),
	{
		displayName: 'Products',
		name: 'productScope',
		type: 'options',
		displayOptions: { show },
		options: [
			{ name: 'All Products', value: 'all' },
			{ name: 'By Code', value: 'codes' },
		],
		default: 'all',
	},
	{
		displayName: 'Product Codes',
		name: 'productCodes',
		type: 'string',
		required: true,
		default: '={{ $json.code }}',
		displayOptions: { show: { ...show, productScope: ['codes'] } },
		description: 'Product code (SKU), or several separated by commas; Metakocka matches the code, not the count code',
	},
	{
		displayName: 'Options',
		name: 'stockOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Rows',
				name: 'rows',
				type: 'options',
				options: [
					{ name: 'One per Product and Warehouse', value: 'perWarehouse', description: 'Microlocations, lots and serial numbers summed' },
					{ name: 'As Metakocka Returns Them', value: 'raw', description: 'One row per microlocation, lot or serial number' },
				],
				default: 'perWarehouse',
			},
			{
				displayName: 'Include Reserved Without Stock',
				name: 'return_reservation_without_stock',
				type: 'boolean',
				default: true,
				description: 'Whether to include products that are out of stock but reserved',
			},
			{
				displayName: 'Only E-Shop Products',
				name: 'eshop_sync',
				type: 'boolean',
				default: true,
				description: 'Whether to return only products flagged for e-shop sync',
			},
		],
	},
];

const num = (v: number | undefined): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** One output row; free = amount − reserved when Metakocka leaves it out (companies without reservations). */
function toRow(row: StockRow, warehouses: Map<string, Warehouse>): IDataObject {
	const w = warehouses.get(row.warehouse_id ?? '');
	const amount = num(row.amount);
	const reserved = num(row.reserved_amount);
	return {
		...row,
		warehouse_mark: w?.mark ?? null,
		warehouse_name: w?.name ?? null,
		amount,
		reserved_amount: reserved,
		free_amount: row.free_amount ?? amount - reserved,
	};
}

function perWarehouse(rows: IDataObject[]): IDataObject[] {
	const grouped = new Map<string, IDataObject>();
	for (const row of rows) {
		const key = `${String(row.warehouse_id)}|${String(row.mk_id)}`;
		const seen = grouped.get(key);
		if (!seen) {
			// Summed over microlocations: one location would mislabel the total.
			const first: IDataObject = { ...row, rows: 1 };
			delete first.microlocation;
			grouped.set(key, first);
			continue;
		}
		for (const field of ['amount', 'reserved_amount', 'free_amount']) {
			seen[field] = roundSum(Number(seen[field]) + Number(row[field]));
		}
		seen.rows = Number(seen.rows) + 1;
	}
	return [...grouped.values()];
}

// Sums of decimals like 320.5 + 0.25 must not show binary noise.
const roundSum = (n: number): number => Number(n.toPrecision(15));

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const client = await getClient(this);
	let warehouses: Map<string, Warehouse> | undefined;
	return await runPerItem(this, async (i) => {
		const filter: StockFilter = {};
		if ((this.getNodeParameter('warehouseScope', i) as string) === 'one') {
			const id = String(this.getNodeParameter('warehouse', i, '', { extractValue: true }) ?? '').trim();
			if (!id) throw new InputError(i, 'warehouse', 'is required');
			filter.wh_id_list = [id];
		}
		if ((this.getNodeParameter('productScope', i) as string) === 'codes') {
			const raw = this.getNodeParameter('productCodes', i, '') as unknown;
			const codes = (Array.isArray(raw) ? raw : String(raw ?? '').split(','))
				.map((c) => String(c).trim())
				.filter(Boolean);
			if (!codes.length) throw new InputError(i, 'productCodes', 'is required (one code or several separated by commas)');
			filter.product_code_list = codes;
		}
		const { rows: mode, ...flags } = this.getNodeParameter('stockOptions', i, {}) as IDataObject;
		Object.assign(filter, flags);
		// Stock rows name warehouses by mk_id only: one warehouse_list per run adds mark and name.
		warehouses ??= new Map((await client.listWarehouses()).map((w) => [w.mk_id, w]));
		const known = warehouses;
		const rows = (await client.getStock(filter)).map((r) => toRow(r, known));
		return mode === 'raw' ? rows : perWarehouse(rows);
	});
}
