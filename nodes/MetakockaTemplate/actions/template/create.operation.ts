import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { InputError, runPerItem, type TemplateInput, validateAll } from '../../../../src';
import { checkTemplateSyntax, storeErrorFor, templateJson, withStore } from './common';

const show = { resource: ['template'], operation: ['create'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		required: true,
		default: '',
		displayOptions: { show },
		description: 'Unique name of the template within the company, used to render it',
	},
	{
		displayName: 'Subject',
		name: 'subject',
		type: 'string',
		default: '',
		displayOptions: { show },
		description: 'Subject line; may use placeholders such as {{document.count_code}}',
	},
	{
		displayName: 'Body',
		name: 'body',
		type: 'string',
		required: true,
		typeOptions: { rows: 8 },
		default: '',
		displayOptions: { show },
		description:
			'Handlebars template, e.g. {{partner.customer}}, {{#each document.product_list}}…{{/each}}, {{money document.sum_all}}',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Description',
				name: 'description',
				type: 'string',
				default: '',
				description: 'What the template is for',
			},
		],
	},
];

function readInput(ctx: IExecuteFunctions, i: number): TemplateInput {
	const name = String(ctx.getNodeParameter('name', i, '') ?? '').trim();
	if (!name) throw new InputError(i, 'name', 'is required');
	const subject = String(ctx.getNodeParameter('subject', i, '') ?? '');
	const body = String(ctx.getNodeParameter('body', i, '') ?? '');
	if (!body.trim()) throw new InputError(i, 'body', 'is required');
	checkTemplateSyntax(i, 'subject', subject);
	checkTemplateSyntax(i, 'body', body);
	const extra = ctx.getNodeParameter('additionalFields', i, {}) as IDataObject;
	const input: TemplateInput = { name, subject, body };
	if (typeof extra.description === 'string' && extra.description !== '') input.description = extra.description;
	return input;
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const inputs = validateAll(this, (i) => readInput(this, i));
	return await withStore(this, async (store, companyId) =>
		runPerItem(this, async (i) => {
			const { value: input, error } = inputs[i];
			if (!input) throw error;
			try {
				return templateJson(await store.templates.create(companyId, input));
			} catch (err) {
				throw storeErrorFor(err, i);
			}
		}),
	);
}
