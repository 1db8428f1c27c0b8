import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { type BuildContextOptions, type BuiltContext, type ContextRequest, contextRequestFromEnriched, DEFAULT_CONTEXT_DOC_TYPES, DEFAULT_MAX_CHARS, DOC_TYPES, type EntityRef, InputError, type SearchDocType } from '../../../../src';
import { docTypeOptions } from '../../../shared/docTypes';

const showIds = { source: ['ids'] };

export const inputProperties: INodeProperties[] = [
	{
		displayName: 'Input',
		name: 'source',
		type: 'options',
		options: [
			{
				name: 'Enriched Email Item',
				value: 'enriched',
				description: 'The item as the Metakocka Email Enricher (Enrich) outputs it',
			},
			{ name: 'Metakocka IDs', value: 'ids', description: 'Map a partner ID, document IDs and the email text from any item' },
		],
		default: 'enriched',
	},
	{
		displayName: 'Partner ID',
		name: 'partnerId',
		type: 'string',
		default: '',
		placeholder: 'e.g. 1600000123',
		displayOptions: { show: showIds },
		description: 'Metakocka ID (mk_id) of the partner the email is from. Empty: the partner of the first document.',
	},
	{
		displayName: 'Documents',
		name: 'documents',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Document',
		default: {},
		displayOptions: { show: showIds },
		description: 'Documents the email is about',
		options: [
			{
				displayName: 'Document',
				name: 'document',
				values: [
					{
						displayName: 'Document Type',
						name: 'docType',
						type: 'options',
						options: docTypeOptions,
						default: 'sales_order',
					},
					{
						displayName: 'Document ID',
						name: 'mkId',
						type: 'string',
						default: '',
						placeholder: 'e.g. 1600000456',
						description: 'Metakocka ID (mk_id) of the document',
					},
				],
			},
		],
	},
	{
		displayName: 'Product IDs',
		name: 'productIds',
		type: 'string',
		default: '',
		placeholder: 'e.g. 1600000789, 1600000790',
		displayOptions: { show: showIds },
		description: 'Metakocka IDs (mk_id) of products the email is about, comma-separated',
	},
	{
		displayName: 'Email From',
		name: 'emailFrom',
		type: 'string',
		default: '',
		displayOptions: { show: showIds },
		description: 'Sender of the email (optional)',
	},
	{
		displayName: 'Email Subject',
		name: 'emailSubject',
		type: 'string',
		default: '',
		displayOptions: { show: showIds },
	},
	{
		displayName: 'Email Text',
		name: 'emailText',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		displayOptions: { show: showIds },
		description: 'Plain-text body of the email. It goes to the model fenced as untrusted data, never as instructions.',
	},
	{
		displayName: 'Context Options',
		name: 'contextOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Budget',
				name: 'budget',
				type: 'number',
				typeOptions: { minValue: 100 },
				default: DEFAULT_MAX_CHARS,
				description: 'Size limit of the context text, in the Budget Unit; the most relevant parts are kept first',
			},
			{
				displayName: 'Budget Unit',
				name: 'budgetUnit',
				type: 'options',
				options: [
					{ name: 'Characters', value: 'chars' },
					{ name: 'Tokens (Estimated)', value: 'tokens', description: 'About four characters per token' },
				],
				default: 'chars',
			},
			{
				displayName: 'Document Types',
				name: 'docTypes',
				type: 'multiOptions',
				options: docTypeOptions,
				default: [...DEFAULT_CONTEXT_DOC_TYPES],
				description: 'Types of the partner\'s recent documents to include',
			},
			{
				displayName: 'Open Offers',
				name: 'openOffers',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 5,
				description: 'How many of the partner\'s open (not accepted or rejected) offers to include',
			},
			{
				displayName: 'Recent Documents',
				name: 'recentDocuments',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 5,
				description: 'How many of the partner\'s most recent documents to include',
			},
		],
	},
];

interface ContextOptionsParam {
	budget?: number;
	budgetUnit?: 'chars' | 'tokens';
	docTypes?: string[];
	openOffers?: number;
	recentDocuments?: number;
}

function nonNegative(i: number, field: string, value: unknown): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const n = typeof value === 'number' ? value : Number(value);
	if (!Number.isFinite(n) || n < 0) throw new InputError(i, field, `must be a number of 0 or more (got ${JSON.stringify(value)})`);
	return Math.floor(n);
}

/** Context options of one item; an InputError names the bad option. */
export function readContextOptions(ctx: IExecuteFunctions, i: number): BuildContextOptions {
	const o = ctx.getNodeParameter('contextOptions', i, {}) as ContextOptionsParam;
	const budget = nonNegative(i, 'contextOptions.budget', o.budget) ?? DEFAULT_MAX_CHARS;
	if (budget < 100) throw new InputError(i, 'contextOptions.budget', `must be at least 100 (got ${budget})`);
	const docTypes = (o.docTypes ?? []).filter(Boolean);
	const unknown = docTypes.find((t) => !(DOC_TYPES as readonly string[]).includes(t));
	if (unknown) throw new InputError(i, 'contextOptions.docTypes', `contains an unknown document type "${unknown}"`);
	return {
		...(o.budgetUnit === 'tokens' ? { maxTokens: budget } : { maxChars: budget }),
		recentDocuments: nonNegative(i, 'contextOptions.recentDocuments', o.recentDocuments),
		openOffers: nonNegative(i, 'contextOptions.openOffers', o.openOffers),
		docTypes: docTypes.length ? (docTypes as SearchDocType[]) : undefined,
	};
}

const MK_ID = /^\d+$/;

/** What the item asks context for: the Enricher's entities and email, or mapped IDs. */
export function readRequest(ctx: IExecuteFunctions, i: number): ContextRequest {
	const source = ctx.getNodeParameter('source', i, 'enriched') as string;
	if (source !== 'ids') {
		const item = ctx.getInputData()[i].json;
		const meta = item.metakocka;
		if (!meta || typeof meta !== 'object' || Array.isArray(meta)) {
			throw new InputError(
				i,
				'metakocka',
				'is missing: the item was not enriched',
				'Run the Metakocka Email Enricher (Enrich) before this node, or choose "Metakocka IDs" as input.',
			);
		}
		return contextRequestFromEnriched(item as Record<string, unknown>);
	}
	const text = (name: string) => String(ctx.getNodeParameter(name, i, '') ?? '').trim();
	const partnerId = text('partnerId');
	if (partnerId && !MK_ID.test(partnerId)) throw new InputError(i, 'partnerId', `must be a Metakocka ID (digits), got ${JSON.stringify(partnerId)}`);
	const entries = ((ctx.getNodeParameter('documents', i, {}) as IDataObject).document ?? []) as IDataObject[];
	const documents: EntityRef[] = entries.map((d, n) => {
		const mkId = String(d.mkId ?? '').trim();
		const docType = String(d.docType ?? '').trim();
		if (!MK_ID.test(mkId)) throw new InputError(i, `documents[${n}].mkId`, `must be a Metakocka ID (digits), got ${JSON.stringify(mkId)}`);
		if (!(DOC_TYPES as readonly string[]).includes(docType)) throw new InputError(i, `documents[${n}].docType`, `is not a document type (got ${JSON.stringify(docType)})`);
		return { mk_id: mkId, doc_type: docType };
	});
	const productIds = text('productIds')
		.split(/[,;\s]+/)
		.filter(Boolean);
	const badProduct = productIds.find((id) => !MK_ID.test(id));
	if (badProduct) throw new InputError(i, 'productIds', `must be Metakocka IDs (digits), got ${JSON.stringify(badProduct)}`);
	if (!partnerId && !documents.length && !productIds.length) {
		throw new InputError(i, 'partnerId', 'is empty and no documents or products are given', 'Give at least a partner ID, a document or a product ID.');
	}
	const emailText = text('emailText');
	const emailSubject = text('emailSubject');
	return {
		partners: partnerId ? [{ mk_id: partnerId }] : [],
		documents,
		products: productIds.map((mk_id) => ({ mk_id })),
		email: emailText || emailSubject ? { from: text('emailFrom') || undefined, subject: emailSubject, text: emailText } : null,
	};
}

/** The context as it goes on an output item. */
export function contextJson(built: BuiltContext): IDataObject {
	return built.json as unknown as IDataObject;
}
