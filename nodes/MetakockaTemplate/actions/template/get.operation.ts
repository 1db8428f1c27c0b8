import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runPerItem } from '../../../../src';
import { notFound, readTemplateName, templateJson, templateNameParameter, withStore } from './common';

const show = { resource: ['template'], operation: ['get'] };

export const description: INodeProperties[] = [templateNameParameter(show, 'Name of the stored template')];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await withStore(this, async (store, companyId) =>
		runPerItem(this, async (i) => {
			const name = readTemplateName(this, i);
			const template = await store.templates.get(companyId, name);
			if (!template) throw notFound(i, name, companyId);
			return templateJson(template);
		}),
	);
}
