import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { type EmailTemplate, getClient, InputError, type MappingStore, openStore, StoreError, validateTemplate } from '../../../../src';
import { mappingStoreOptions } from '../../../shared/descriptions';

/** Every operation except Render with an inline template reads or writes Postgres. */
const storeDisplay: IDisplayOptions = { show: { resource: ['template'] }, hide: { source: ['inline'] } };

export function storeProperties(): INodeProperties[] {
	return [
		{
			displayName:
				'Templates are kept in the Postgres of this node\'s Postgres credential, per Metakocka company, in a table the node creates on first use.',
			name: 'postgresNotice',
			type: 'notice',
			displayOptions: storeDisplay,
			default: '',
		},
		{ ...mappingStoreOptions(storeDisplay.show), displayOptions: storeDisplay },
	];
}

export function templateNameParameter(show: IDisplayOptions['show'], description: string): INodeProperties {
	return {
		displayName: 'Template Name',
		name: 'templateName',
		type: 'string',
		required: true,
		default: '',
		displayOptions: { show },
		description,
	};
}

/** The stored template's name, read and checked for one item. */
export function readTemplateName(ctx: IExecuteFunctions, itemIndex: number): string {
	const name = String(ctx.getNodeParameter('templateName', itemIndex, '') ?? '').trim();
	if (!name) throw new InputError(itemIndex, 'templateName', 'is required');
	return name;
}

/** Throws an error naming the item and the field when the text is not a valid template. */
export function checkTemplateSyntax(itemIndex: number, field: string, source: string): void {
	const result = validateTemplate(source);
	if (!result.ok) throw new InputError(itemIndex, field, `is not a valid template: ${result.error}`);
}

export function notFound(itemIndex: number, name: string, companyId: string): InputError {
	return new InputError(itemIndex, 'templateName', `names no stored template: ${JSON.stringify(name)} does not exist for company ${companyId}`);
}

/** A duplicate name becomes an error that names the item and the field. */
export function storeErrorFor(error: unknown, itemIndex: number): unknown {
	if (error instanceof StoreError && error.code === 'DUPLICATE') {
		return new InputError(itemIndex, 'name', `must be unique: ${error.message}`);
	}
	return error;
}

export function templateJson(template: EmailTemplate): IDataObject {
	return {
		id: template.id,
		name: template.name,
		subject: template.subject,
		body: template.body,
		description: template.description,
		companyId: template.companyId,
		createdAt: template.createdAt.toISOString(),
		updatedAt: template.updatedAt.toISOString(),
	};
}

/** Company from the Metakocka credential, and the template store from the Postgres credential; the store is always closed. */
export async function withStore<T>(
	ctx: IExecuteFunctions,
	fn: (store: MappingStore, companyId: string) => Promise<T>,
): Promise<T> {
	const { companyId } = await getClient(ctx);
	const store = await openStore(ctx, ctx.getNodeParameter('mappingStore', 0, {}) as object);
	try {
		return await fn(store, companyId);
	} finally {
		await store.close();
	}
}
