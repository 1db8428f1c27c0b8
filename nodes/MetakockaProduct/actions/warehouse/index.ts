import type { INodeProperties } from 'n8n-workflow';

import * as getAll from './getAll.operation';
import * as getStock from './getStock.operation';

export const warehouseOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['warehouse'] } },
	options: [
		{ name: 'Get Many', value: 'getAll', description: 'List warehouses', action: 'Get many warehouses' },
		{ name: 'Get Stock', value: 'getStock', description: 'Stock per warehouse: amount, reserved and free', action: 'Get stock' },
	],
	default: 'getStock',
};

export const warehouseProperties: INodeProperties[] = [...getStock.description, ...getAll.description];

export const operations = {
	getAll: getAll.execute,
	getStock: getStock.execute,
};
