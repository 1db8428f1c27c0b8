import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { type Candidate, createCallBudget, createVerifyCache, DEFAULT_MAX_CALLS_PER_EXECUTION, DEFAULT_MAX_CANDIDATES_PER_EMAIL, DEFAULT_MAX_CANDIDATES_PER_KIND, extractCandidates, ExtractionPatternError, getClient, InputError, limitCandidates, type MappingStore, normalizeCustomEmail, type NormalizedEmail, normalizeEmail, openStore, runPerItem, type SearchDocType, type SkippedCandidates, toNodeError, validateAll, type VerifiedEntity, verifyCandidates } from '../../../../src';
import { mappingStoreOptions } from '../../../shared/descriptions';

const show = { operation: ['enrich'] };
const showFields = { ...show, inputMode: ['fields'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Input',
		name: 'inputMode',
		type: 'options',
		displayOptions: { show },
		options: [
			{
				name: 'Email Trigger Item (Auto-Detect)',
				value: 'auto',
				description: 'The item as the IMAP, Gmail or Outlook trigger outputs it',
			},
			{ name: 'Map Fields', value: 'fields', description: 'Map from, to, subject and text from any item' },
		],
		default: 'auto',
	},
	{
		displayName: 'From',
		name: 'from',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'Janez Novak <janez@podjetje.si>',
		displayOptions: { show: showFields },
		description: 'Sender address of the email',
	},
	{
		displayName: 'To',
		name: 'to',
		type: 'string',
		default: '',
		displayOptions: { show: showFields },
		description: 'Recipient addresses, comma-separated',
	},
	{
		displayName: 'Subject',
		name: 'subject',
		type: 'string',
		default: '',
		displayOptions: { show: showFields },
	},
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		displayOptions: { show: showFields },
		description: 'Plain-text body of the email',
	},
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '',
		displayOptions: { show: showFields },
		description: 'Message-ID of the email; links are stored under it. Empty: a hash of the email.',
	},
	{
		displayName: 'Store Links',
		name: 'storeLinks',
		type: 'boolean',
		default: true,
		displayOptions: { show },
		description:
			'Whether to store the verified partner and document links in Postgres under the message ID (select a Postgres credential above); a re-run adds nothing twice',
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
				displayName: 'Document Number Patterns',
				name: 'documentNumberPatterns',
				type: 'string',
				typeOptions: { rows: 3 },
				default: '',
				placeholder: 'PP-\\d{4}',
				description: 'Regular expressions for your document numbers, one per line; group 1 is the number if present',
			},
			{
				displayName: 'Document Types to Check',
				name: 'docTypes',
				type: 'multiOptions',
				options: [
					{ name: 'Purchase Order', value: 'purchase_order' },
					{ name: 'Sales Bill (Domestic)', value: 'sales_bill_domestic' },
					{ name: 'Sales Bill (Foreign)', value: 'sales_bill_foreign' },
					{ name: 'Sales Offer', value: 'sales_offer' },
					{ name: 'Sales Order', value: 'sales_order' },
					{ name: 'Warehouse Delivery Note', value: 'warehouse_delivery_note' },
				],
				default: ['sales_order', 'sales_offer', 'sales_bill_domestic'],
				description: 'Document types searched for each document number found in the email',
			},
			{
				displayName: 'Max Candidates per Email',
				name: 'maxCandidatesPerEmail',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 500 },
				default: DEFAULT_MAX_CANDIDATES_PER_EMAIL,
				description: 'Most candidates of all kinds looked up per email (the strongest evidence wins)',
			},
			{
				displayName: 'Max Candidates per Kind',
				name: 'maxCandidatesPerKind',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 100 },
				default: DEFAULT_MAX_CANDIDATES_PER_KIND,
				description:
					'Most sender/recipient addresses, document numbers, buyer orders, product codes and tax numbers looked up per email, each kind best evidence first; the rest are listed under metakocka.skipped',
			},
			{
				displayName: 'Max Metakocka Calls per Execution',
				name: 'maxCalls',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 100000 },
				default: DEFAULT_MAX_CALLS_PER_EXECUTION,
				description:
					'Most Metakocka lookups all items of one run may make (a document number costs one search per document type). Metakocka runs a company\'s searches one at a time, so one hostile email must not occupy it for hours. Lookups over the budget are skipped and reported on the item.',
			},
			{
				displayName: 'Own Domains',
				name: 'ownDomains',
				type: 'string',
				default: '',
				placeholder: 'firma.si, firma.com',
				description: 'Your own mail domains, comma-separated: their addresses are never looked up as partners',
			},
			{
				displayName: 'Product Code Patterns',
				name: 'productCodePatterns',
				type: 'string',
				typeOptions: { rows: 3 },
				default: '',
				placeholder: '[A-Z]{3}-[A-Z0-9-]{2,12}',
				description: 'Regular expressions for your product codes, one per line; they replace the default ART-123 pattern',
			},
		],
	},
	mappingStoreOptions({ ...show, storeLinks: [true] }),
];

interface EnrichOptions {
	documentNumberPatterns?: string;
	productCodePatterns?: string;
	docTypes?: string[];
	ownDomains?: string;
	maxCandidatesPerKind?: number;
	maxCandidatesPerEmail?: number;
	maxCalls?: number;
}

/** A whole number of at least 1 from an option, or an error naming the option. */
function limitOption(i: number, options: EnrichOptions, name: 'maxCandidatesPerKind' | 'maxCandidatesPerEmail' | 'maxCalls', fallback: number): number {
	const value = options[name];
	if (value === undefined || value === null || (value as unknown) === '') return fallback;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
		throw new InputError(i, `options.${name}`, 'must be a whole number of at least 1', `Got ${JSON.stringify(value)}`);
	}
	return value;
}

function lines(value: unknown): string[] | undefined {
	const list = String(value ?? '')
		.split(/\r?\n/)
		.map((l) => l.trim())
		.filter(Boolean);
	return list.length ? list : undefined;
}

function readEmail(ctx: IExecuteFunctions, i: number): NormalizedEmail {
	const mode = ctx.getNodeParameter('inputMode', i, 'auto') as string;
	try {
		if (mode === 'fields') {
			const param = (name: string) => String(ctx.getNodeParameter(name, i, '') ?? '');
			return normalizeCustomEmail({
				from: param('from'),
				to: param('to'),
				subject: param('subject'),
				text: param('text'),
				messageId: param('messageId').trim() || undefined,
			});
		}
		return normalizeEmail(ctx.getInputData()[i].json as Record<string, unknown>, 'auto');
	} catch (error) {
		// The adapter names the field of an EmailInputError and says how to map it.
		throw toNodeError(ctx, error, i);
	}
}

function readCandidates(ctx: IExecuteFunctions, i: number, email: NormalizedEmail): { candidates: Candidate[]; skipped: SkippedCandidates } {
	const options = ctx.getNodeParameter('options', i, {}) as EnrichOptions;
	const limits = {
		perKind: limitOption(i, options, 'maxCandidatesPerKind', DEFAULT_MAX_CANDIDATES_PER_KIND),
		perEmail: limitOption(i, options, 'maxCandidatesPerEmail', DEFAULT_MAX_CANDIDATES_PER_EMAIL),
	};
	const ownDomains = String(options.ownDomains ?? '')
		.split(/[,;\s]+/)
		.map((d) => d.trim().replace(/^@/, ''))
		.filter(Boolean);
	try {
		const all = extractCandidates(
			email,
			{ documentNumbers: lines(options.documentNumberPatterns), productCodes: lines(options.productCodePatterns) },
			{ ownDomains },
		);
		return limitCandidates(all, limits);
	} catch (error) {
		if (error instanceof ExtractionPatternError) {
			const field = (lines(options.productCodePatterns) ?? []).includes(error.pattern) ? 'productCodePatterns' : 'documentNumberPatterns';
			throw toNodeError(ctx, new InputError(i, field, 'is not a valid regular expression', error.message), i);
		}
		throw toNodeError(ctx, error, i);
	}
}

function skippedJson(limited: SkippedCandidates, overBudget: Array<{ kind: string; value: string }>, maxCalls: number): IDataObject {
	const out: IDataObject = {};
	if (limited.count) {
		out.overCandidateLimit = { count: limited.count, byKind: limited.byKind, examples: limited.examples } as unknown as IDataObject;
	}
	if (overBudget.length) {
		out.overCallBudget = {
			count: overBudget.length,
			maxCalls,
			examples: overBudget.slice(0, 20),
		} as unknown as IDataObject;
	}
	return out;
}

function entityJson(e: VerifiedEntity): IDataObject {
	return { ...e } as unknown as IDataObject;
}

async function storeLinks(store: MappingStore, companyId: string, messageId: string, partners: VerifiedEntity[], documents: VerifiedEntity[]): Promise<number> {
	const contacts = await store.emailContacts.addMany(
		companyId,
		messageId,
		partners.map((p) => ({ mkId: p.mk_id, email: p.email ?? null, partnerName: p.label, confidence: p.confidence, evidence: p.evidence })),
	);
	const docs = await store.emailDocuments.addMany(
		companyId,
		messageId,
		documents.map((d) => ({
			mkId: d.mk_id,
			docType: d.doc_type ?? null,
			countCode: d.count_code ?? null,
			confidence: d.confidence,
			evidence: d.evidence,
		})),
	);
	return contacts.inserted + docs.inserted;
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const client = await getClient(this);
	const prepared = validateAll(this, (i) => {
		const email = readEmail(this, i);
		return { email, ...readCandidates(this, i, email) };
	});
	const items = this.getInputData();
	// One cache per execution: the same sender or document across items costs one Metakocka call.
	const cache = createVerifyCache();
	// One budget per execution too: the node's first item sets it.
	let maxCalls: number;
	try {
		maxCalls = limitOption(0, this.getNodeParameter('options', 0, {}) as EnrichOptions, 'maxCalls', DEFAULT_MAX_CALLS_PER_EXECUTION);
	} catch (error) {
		throw toNodeError(this, error, 0);
	}
	const budget = createCallBudget(maxCalls);
	const store = (this.getNodeParameter('storeLinks', 0, true) as boolean)
		? await openStore(this, this.getNodeParameter('mappingStore', 0, {}) as object)
		: undefined;
	try {
		return await runPerItem(this, async (i) => {
			const { value, error } = prepared[i];
			if (!value) throw error;
			const { email, candidates, skipped } = value;
			const options = this.getNodeParameter('options', i, {}) as EnrichOptions;
			const docTypes = (options.docTypes ?? []) as SearchDocType[];
			const verified = await verifyCandidates(client, candidates, { docTypes, cache, budget });
			const linksAdded = store
				? await storeLinks(store, client.companyId, email.messageId, verified.partners, verified.documents)
				: 0;
			const json: IDataObject = {
				...items[i].json,
				metakocka: {
					messageId: email.messageId,
					partners: verified.partners.map(entityJson),
					documents: verified.documents.map(entityJson),
					products: verified.products.map(entityJson),
					candidatesChecked: verified.candidatesChecked,
					metakockaCalls: verified.callsMade,
					linksAdded,
					// What was not looked up, so "nothing found" is never mistaken for "not there".
					...(skipped.count || verified.skippedByBudget.length
						? { skipped: skippedJson(skipped, verified.skippedByBudget, maxCalls) }
						: {}),
				},
			};
			return [{ json, ...(items[i].binary ? { binary: items[i].binary } : {}) }];
		});
	} finally {
		await store?.close();
	}
}
