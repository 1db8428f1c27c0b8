import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { InputError, type MappingStore, type RenderOptions, renderTemplate, runPerItem, TemplateError } from '../../../../src';
import { notFound, readTemplateName, templateNameParameter, withStore } from './common';

const show = { resource: ['template'], operation: ['render'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Template Source',
		name: 'source',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show },
		options: [
			{ name: 'Stored Template', value: 'stored', description: 'A template saved with Create, found by name' },
			{ name: 'Inline', value: 'inline', description: 'Subject and body typed here; needs no Postgres' },
		],
		default: 'stored',
	},
	templateNameParameter({ ...show, source: ['stored'] }, 'Name of the stored template to render'),
	{
		displayName: 'Subject',
		name: 'subject',
		type: 'string',
		default: '',
		displayOptions: { show: { ...show, source: ['inline'] } },
		description: 'Subject template, e.g. Ponudba {{document.count_code}}',
	},
	{
		displayName: 'Body',
		name: 'body',
		type: 'string',
		typeOptions: { rows: 8 },
		default: '',
		displayOptions: { show: { ...show, source: ['inline'] } },
		description: 'Handlebars body template, e.g. Spoštovani {{partner.customer}}',
	},
	{
		displayName: 'Data',
		name: 'data',
		type: 'json',
		default: '={{ $json }}',
		displayOptions: { show },
		description: 'The values the placeholders read; by default the whole input item',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Currency',
				name: 'currency',
				type: 'string',
				default: 'EUR',
				description: 'Default currency of {{money}}, as an ISO 4217 code',
			},
			{
				displayName: 'Escape HTML',
				name: 'escapeHtml',
				type: 'boolean',
				default: true,
				description: 'Whether to HTML-escape placeholder values; turn off for plain-text email ({{{ }}} never escapes)',
			},
			{
				displayName: 'Locale',
				name: 'locale',
				type: 'string',
				default: 'sl-SI',
				description: 'Locale for money, numbers and dates, e.g. sl-SI or en-GB',
			},
			{
				displayName: 'Strict',
				name: 'strict',
				type: 'boolean',
				default: false,
				description: 'Whether a missing placeholder fails the item instead of rendering as empty text',
			},
		],
	},
];

function parseJson(text: string): { value: unknown } | { error: string } {
	try {
		return { value: JSON.parse(text) as unknown };
	} catch (error) {
		return { error: (error as Error).message };
	}
}

/** A template failure becomes an error naming the item and the field; anything else passes through. */
function renderError(error: unknown, i: number, field: string, source: Source): unknown {
	if (!(error instanceof TemplateError)) return error;
	const where = source.name === null ? '' : ` (stored template ${JSON.stringify(source.name)})`;
	return new InputError(i, field, `could not be rendered${where}: ${error.message}`);
}

interface Source {
	name: string | null;
	subject: string;
	body: string;
}

function readData(ctx: IExecuteFunctions, i: number): Record<string, unknown> {
	let data = ctx.getNodeParameter('data', i, {}) as unknown;
	if (typeof data === 'string') {
		if (!data.trim()) return {};
		const parsed = parseJson(data);
		if ('error' in parsed) throw new InputError(i, 'data', `is not valid JSON: ${parsed.error}`);
		data = parsed.value;
	}
	if (data === null || data === undefined) return {};
	if (typeof data !== 'object' || Array.isArray(data)) throw new InputError(i, 'data', 'must be a JSON object');
	return data as Record<string, unknown>;
}

function readOptions(ctx: IExecuteFunctions, i: number): RenderOptions {
	const raw = ctx.getNodeParameter('options', i, {}) as IDataObject;
	return {
		strict: raw.strict === true,
		escapeHtml: raw.escapeHtml !== false,
		locale: typeof raw.locale === 'string' && raw.locale.trim() ? raw.locale.trim() : 'sl-SI',
		currency: typeof raw.currency === 'string' && raw.currency.trim() ? raw.currency.trim().toUpperCase() : 'EUR',
	};
}

function renderField(i: number, field: 'subject' | 'body', source: Source, data: Record<string, unknown>, options: RenderOptions): string {
	try {
		return renderTemplate(source[field], data, options);
	} catch (error) {
		throw renderError(error, i, field, source);
	}
}

function renderItem(ctx: IExecuteFunctions, i: number, source: Source): IDataObject {
	const data = readData(ctx, i);
	const options = readOptions(ctx, i);
	return {
		subject: renderField(i, 'subject', source, data, options),
		body: renderField(i, 'body', source, data, options),
		template: source.name,
	};
}

async function renderStored(ctx: IExecuteFunctions, store: MappingStore, companyId: string): Promise<INodeExecutionData[]> {
	const loaded = new Map<string, Source>();
	return await runPerItem(ctx, async (i) => {
		const name = readTemplateName(ctx, i);
		let source = loaded.get(name);
		if (!source) {
			const template = await store.templates.get(companyId, name);
			if (!template) throw notFound(i, name, companyId);
			source = { name: template.name, subject: template.subject, body: template.body };
			loaded.set(name, source);
		}
		return renderItem(ctx, i, source);
	});
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const sourceType = this.getNodeParameter('source', 0, 'stored') as string;
	if (sourceType === 'inline') {
		return await runPerItem(this, async (i) =>
			renderItem(this, i, {
				name: null,
				subject: String(this.getNodeParameter('subject', i, '') ?? ''),
				body: String(this.getNodeParameter('body', i, '') ?? ''),
			}),
		);
	}
	return await withStore(this, async (store, companyId) => renderStored(this, store, companyId));
}
