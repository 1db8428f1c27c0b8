import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runPerItem } from '../../../../src';
import { returnAllOrLimit } from '../../../shared/descriptions';
import { templateJson, withStore } from './common';

const show = { resource: ['template'], operation: ['getAll'] };

const PAGE = 500;

export const description: INodeProperties[] = [...returnAllOrLimit(show, 10_000)];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await withStore(this, async (store, companyId) =>
		runPerItem(this, async (i) => {
			const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
			if (!returnAll) {
				const limit = this.getNodeParameter('limit', i, 50) as number;
				return (await store.templates.list(companyId, { limit })).map(templateJson);
			}
			const all: IDataObject[] = [];
			for (let offset = 0; ; offset += PAGE) {
				const page = await store.templates.list(companyId, { limit: PAGE, offset });
				all.push(...page.map(templateJson));
				if (page.length < PAGE) return all;
			}
		}),
	);
}
