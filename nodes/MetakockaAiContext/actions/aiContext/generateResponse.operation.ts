import type { ICredentialDataDecryptedObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { buildContext, createContextCache, DEFAULT_MODEL, generateResponse, getClient, InputError, OPENAI_CREDENTIAL, runPerItem, settle, validateAll } from '../../../../src';
import { contextJson, readContextOptions, readRequest } from './common';

const show = { operation: ['generateResponse'] };

export { OPENAI_CREDENTIAL };

export const description: INodeProperties[] = [
	{
		displayName: 'The model only drafts a reply. Nothing it answers is carried out: no Metakocka data is changed and nothing is sent.',
		name: 'draftNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	{
		displayName: 'Model',
		name: 'model',
		type: 'string',
		required: true,
		default: DEFAULT_MODEL,
		displayOptions: { show },
		description: 'Model name as the OpenAI-compatible server knows it, e.g. gpt-4o-mini, or llama3.1 on Ollama',
	},
	{
		displayName: 'Temperature',
		name: 'temperature',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 2, numberPrecision: 1 },
		default: 0.3,
		displayOptions: { show },
		description: 'Lower is more predictable, higher more varied',
	},
	{
		displayName: 'Max Response Tokens',
		name: 'maxTokens',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 800,
		displayOptions: { show },
		description: 'Upper limit of the draft\'s length in tokens',
	},
	{
		displayName: 'Extra Instructions',
		name: 'instructions',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		placeholder: 'e.g. Sign as "Prodaja, Podjetje d.o.o.". Be brief and formal.',
		displayOptions: { show },
		description: 'Your own instructions for the draft (tone, signature, policies); they are added to the system prompt',
	},
	{
		displayName: 'Model Options',
		name: 'modelOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Max Email Characters',
				name: 'maxEmailChars',
				type: 'number',
				typeOptions: { minValue: 100 },
				default: 8000,
				description: 'Longer emails are cut to this many characters before they are sent to the model',
			},
			{
				displayName: 'Max Retries',
				name: 'maxRetries',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 5 },
				default: 2,
				description: 'How often a failed request (rate limit, server error, timeout) is tried again',
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 60,
				description: 'How long to wait for the model\'s answer',
			},
		],
	},
];

interface OpenAiCredential {
	apiKey: string;
	baseURL?: string;
	organization?: string;
	headers: Record<string, string>;
}

/** n8n's OpenAI credential: apiKey, url, organizationId and custom headers (both the older single header and the newer list). */
export function openAiCredential(raw: ICredentialDataDecryptedObject): OpenAiCredential {
	const headers: Record<string, string> = {};
	if (raw.header === true && typeof raw.headerName === 'string' && raw.headerName.trim()) {
		headers[raw.headerName.trim()] = String(raw.headerValue ?? '');
	}
	const list = (raw.headers as { values?: Array<{ name?: unknown; value?: unknown }> } | undefined)?.values ?? [];
	for (const h of Array.isArray(list) ? list : []) {
		if (typeof h?.name === 'string' && h.name.trim()) headers[h.name.trim()] = String(h.value ?? '');
	}
	return {
		apiKey: String(raw.apiKey ?? ''),
		baseURL: typeof raw.url === 'string' && raw.url.trim() ? raw.url.trim() : undefined,
		organization: typeof raw.organizationId === 'string' ? raw.organizationId : undefined,
		headers,
	};
}

interface ModelOptions {
	maxEmailChars?: number;
	maxRetries?: number;
	timeout?: number;
}

function readModel(ctx: IExecuteFunctions, i: number) {
	const model = String(ctx.getNodeParameter('model', i, DEFAULT_MODEL) ?? '').trim();
	if (!model) throw new InputError(i, 'model', 'is empty');
	const temperature = ctx.getNodeParameter('temperature', i, 0.3) as number;
	if (typeof temperature !== 'number' || !Number.isFinite(temperature) || temperature < 0 || temperature > 2) {
		throw new InputError(i, 'temperature', `must be between 0 and 2 (got ${JSON.stringify(temperature)})`);
	}
	const maxTokens = ctx.getNodeParameter('maxTokens', i, 800) as number;
	if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1) {
		throw new InputError(i, 'maxTokens', `must be a whole number of at least 1 (got ${JSON.stringify(maxTokens)})`);
	}
	const options = ctx.getNodeParameter('modelOptions', i, {}) as ModelOptions;
	return {
		model,
		temperature,
		maxTokens,
		instructions: String(ctx.getNodeParameter('instructions', i, '') ?? ''),
		maxEmailChars: options.maxEmailChars,
		maxRetries: options.maxRetries,
		timeoutMs: options.timeout !== undefined ? options.timeout * 1000 : undefined,
	};
}

function prepare(ctx: IExecuteFunctions, i: number) {
	const request = readRequest(ctx, i);
	if (!request.email || !(request.email.text || request.email.subject)) {
		const source = ctx.getNodeParameter('source', i, 'enriched') as string;
		throw source === 'ids'
			? new InputError(i, 'emailText', 'is empty', 'Generate Response drafts a reply to an email: map its text.')
			: new InputError(
					i,
					'text',
					'could not be read from the item',
					'Expected an IMAP, Gmail or Outlook trigger item enriched by the Metakocka Email Enricher. Otherwise choose "Metakocka IDs" as input and map the email text.',
				);
	}
	return { request, options: readContextOptions(ctx, i), model: readModel(ctx, i) };
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const prepared = validateAll(this, (i) => prepare(this, i));
	const client = await getClient(this);
	const credential = openAiCredential(await this.getCredentials(OPENAI_CREDENTIAL));
	const cache = createContextCache();
	return await runPerItem(this, async (i) => {
		const { value, error } = prepared[i];
		if (!value) throw error;
		// The email goes to the model on its own (fenced, in the user message); the budget is the context's.
		const built = await buildContext(client, value.request, { ...value.options, includeEmail: false, cache });
		const outcome = await settle(() =>
			generateResponse({
				apiKey: credential.apiKey,
				baseURL: credential.baseURL,
				organization: credential.organization,
				headers: credential.headers,
				...value.model,
				context: built.text,
				email: value.request.email,
			}),
		);
		// The AiResponseError's message is already redacted; the SDK error (with its headers) is not passed on.
		if (!outcome.ok) throw outcome.error;
		const result = outcome.value;
		this.logger.debug('Metakocka AI Context: draft generated', {
			itemIndex: i,
			model: result.model,
			finishReason: result.finishReason,
			totalTokens: result.usage?.totalTokens,
		});
		return {
			draft: result.draft,
			model: result.model,
			usage: result.usage,
			finishReason: result.finishReason,
			context: contextJson(built),
			contextText: result.contextUsed,
			included: built.included,
			truncated: built.truncated,
		};
	});
}
