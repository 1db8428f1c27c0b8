import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runPerItem } from '../../../../src';
import { notFound, readTemplateName, templateNameParameter, withStore } from './common';

const show = { resource: ['template'], operation: ['delete'] };

export const description: INodeProperties[] = [templateNameParameter(show, 'Name of the stored template to delete')];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await withStore(this, async (store, companyId) =>
		runPerItem(this, async (i) => {
			const name = readTemplateName(this, i);
			if (!(await store.templates.delete(companyId, name))) throw notFound(i, name, companyId);
			return { deleted: true, name };
		}),
	);
}
