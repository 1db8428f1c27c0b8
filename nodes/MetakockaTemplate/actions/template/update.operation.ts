import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { InputError, runPerItem, type TemplatePatch, validateAll } from '../../../../src';
import {
	checkTemplateSyntax,
	notFound,
	readTemplateName,
	storeErrorFor,
	templateJson,
	templateNameParameter,
	withStore,
} from './common';

const show = { resource: ['template'], operation: ['update'] };

export const description: INodeProperties[] = [
	templateNameParameter(show, 'Name of the stored template to change'),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Body',
				name: 'body',
				type: 'string',
				typeOptions: { rows: 8 },
				default: '',
				description: 'New Handlebars template body',
			},
			{
				displayName: 'Description',
				name: 'description',
				type: 'string',
				default: '',
				description: 'What the template is for',
			},
			{
				displayName: 'Name',
				name: 'name',
				type: 'string',
				default: '',
				description: 'New unique name of the template',
			},
			{
				displayName: 'Subject',
				name: 'subject',
				type: 'string',
				default: '',
				description: 'New subject line',
			},
		],
	},
];

function readPatch(ctx: IExecuteFunctions, i: number): { ref: string; patch: TemplatePatch } {
	const ref = readTemplateName(ctx, i);
	const fields = ctx.getNodeParameter('updateFields', i, {}) as IDataObject;
	const patch: TemplatePatch = {};
	if (fields.name !== undefined) {
		const name = String(fields.name).trim();
		if (!name) throw new InputError(i, 'name', 'must not be empty');
		patch.name = name;
	}
	if (fields.subject !== undefined) {
		patch.subject = String(fields.subject);
		checkTemplateSyntax(i, 'subject', patch.subject);
	}
	if (fields.body !== undefined) {
		patch.body = String(fields.body);
		if (!patch.body.trim()) throw new InputError(i, 'body', 'must not be empty');
		checkTemplateSyntax(i, 'body', patch.body);
	}
	if (fields.description !== undefined) patch.description = String(fields.description) || null;
	return { ref, patch };
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const inputs = validateAll(this, (i) => readPatch(this, i));
	return await withStore(this, async (store, companyId) =>
		runPerItem(this, async (i) => {
			const { value, error } = inputs[i];
			if (!value) throw error;
			let updated;
			try {
				updated = await store.templates.update(companyId, value.ref, value.patch);
			} catch (err) {
				throw storeErrorFor(err, i);
			}
			if (!updated) throw notFound(i, value.ref, companyId);
			return templateJson(updated);
		}),
	);
}
