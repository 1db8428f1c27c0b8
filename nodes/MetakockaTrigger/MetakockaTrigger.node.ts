import {
	NodeOperationError,
	type IDataObject,
	type ILoadOptionsFunctions,
	type INodeExecutionData,
	type INodePropertyOptions,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';

import { triggerNode } from '../shared/node';
import { type DocType, getClient, pollChanges, type PollOptions, runPoll, sampleChanges, toNodeError, type TriggerCursor, type Watch } from '../../src';
import { docTypeOptions } from '../shared/docTypes';

/** Share of n8n's poll budget spent reading; the rest is left for handing the items on. */
const BUDGET_SHARE = 0.8;

export class MetakockaTrigger implements INodeType {
	description: INodeTypeDescription = {
		...triggerNode({
			displayName: 'Metakocka Trigger',
			name: 'metakockaTrigger',
			description: 'Starts the workflow when documents, partners, products or stock change in Metakocka ERP',
		}),
		// n8n's community checks read these from the class itself.
		icon: { light: 'file:../shared/metakocka.svg', dark: 'file:../shared/metakocka.dark.svg' },
		subtitle: '={{"On changed " + $parameter["watch"]}}',
		polling: true,
		properties: [
			{
				displayName: 'Watch',
				name: 'watch',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Documents', value: 'documents', description: 'New or changed documents of the chosen types' },
					{ name: 'Partners', value: 'partners', description: 'Partners on documents that changed, when the partner is new or differs' },
					{ name: 'Products', value: 'products', description: 'New or changed products (reads the whole filtered catalogue each poll)' },
					{ name: 'Stock', value: 'stock', description: 'Stock changes per warehouse and product' },
				],
				default: 'documents',
			},
			{
				displayName: 'Document Types',
				name: 'docTypes',
				type: 'multiOptions',
				options: docTypeOptions,
				default: ['sales_order'],
				required: true,
				displayOptions: { show: { watch: ['documents', 'partners'] } },
				description: 'Which document types to watch (for partners: whose documents reveal them)',
			},
			{
				displayName: 'Warehouse Names or IDs',
				name: 'warehouses',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getWarehouses' },
				default: [],
				displayOptions: { show: { watch: ['stock'] } },
				description:
					'Warehouses to watch; none = all. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'On First Activation',
				name: 'firstRun',
				type: 'options',
				options: [
					{ name: 'Record the Current State, Emit Nothing', value: 'nothing' },
					{ name: 'Emit Changes Since a Date', value: 'since' },
					{ name: 'Emit Everything That Exists', value: 'all', description: 'All documents of the types, the whole catalogue, all stock rows' },
				],
				default: 'nothing',
				description: 'What the first poll after activation emits; later polls emit only what changed',
			},
			{
				displayName: 'Since',
				name: 'since',
				type: 'dateTime',
				default: '',
				required: true,
				displayOptions: { show: { firstRun: ['since'] } },
				description: 'Emit changes made after this moment on the first poll',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Include Line Details',
						name: 'show_product_detail',
						type: 'boolean',
						default: false,
						displayOptions: { show: { '/watch': ['documents'] } },
						description: "Whether to add each line's type and row ID (mk_row_id)",
					},
					{
						displayName: 'Include Payments',
						name: 'show_payment_detail',
						type: 'boolean',
						default: false,
						displayOptions: { show: { '/watch': ['documents'] } },
						description: 'Whether to add the payments (mark_paid)',
					},
					{
						displayName: 'Max Records per Run',
						name: 'maxItems',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 500,
						description: 'Max number of records one poll emits. The rest follow with the next polls, which continue where this one stopped (a backlog of any size comes through in bounded polls, none repeated, none skipped).',
					},
					{
						displayName: 'Overlap (Minutes)',
						name: 'overlapMinutes',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 5,
						displayOptions: { show: { '/watch': ['documents', 'partners'] } },
						description:
							'Each search re-reads this much before the previous poll, for clock differences between n8n and Metakocka. Repeats are filtered out.',
					},
					{
						displayName: 'Use Change Feed for Warehouse Documents',
						name: 'useChangeFeed',
						type: 'boolean',
						default: false,
						displayOptions: { show: { '/watch': ['documents'] } },
						description:
							"Whether to read the four warehouse document types through Metakocka's get_change_documents instead of a search. The feed is consumed when read: another program reading it, or a poll that fails after reading it, loses changes.",
					},
				],
			},
		],
	};

	methods = {
		loadOptions: {
			async getWarehouses(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				const client = await getClient(this);
				try {
					return (await client.listWarehouses()).map((w) => ({ name: `${w.name} (${w.mark})`, value: w.mk_id }));
				} catch (error) {
					throw toNodeError(this, error, 0);
				}
			},
		},
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const options = readOptions(this);
		const client = await getClient(this);
		return await runPoll(this, async () => {
			if (this.getMode() === 'manual') {
				// A test run shows a sample and leaves the cursor alone.
				return (await sampleChanges(client, options)) as IDataObject[];
			}
			const staticData = this.getWorkflowStaticData('node');
			const result = await pollChanges(client, staticData.cursor as TriggerCursor | undefined, options);
			// Only a successful poll moves the cursor: a failed one repeats its window next time.
			staticData.cursor = result.cursor as unknown as IDataObject;
			return result.items as IDataObject[];
		});
	}
}

function readOptions(ctx: IPollFunctions): PollOptions {
	const watch = ctx.getNodeParameter('watch') as Watch;
	const firstRun = ctx.getNodeParameter('firstRun', 'nothing') as string;
	const extra = ctx.getNodeParameter('options', {}) as IDataObject;
	const options: PollOptions = { watch };
	if (watch === 'documents' || watch === 'partners') {
		const docTypes = ctx.getNodeParameter('docTypes', []) as DocType[];
		if (!docTypes.length) throw new NodeOperationError(ctx.getNode(), '"Document Types" needs at least one document type');
		options.docTypes = docTypes;
		if (typeof extra.overlapMinutes === 'number') options.overlapMs = extra.overlapMinutes * 60_000;
	}
	if (watch === 'documents') {
		const flags: Record<string, boolean> = {};
		for (const flag of ['show_product_detail', 'show_payment_detail']) if (extra[flag] === true) flags[flag] = true;
		if (Object.keys(flags).length) options.docFlags = flags;
		options.useChangeFeed = extra.useChangeFeed === true;
	}
	if (watch === 'stock') {
		const raw = ctx.getNodeParameter('warehouses', []) as unknown;
		options.warehouses = (Array.isArray(raw) ? raw : String(raw ?? '').split(',')).map((w) => String(w).trim()).filter(Boolean);
	}
	if (firstRun === 'all') options.emitHistory = true;
	if (firstRun === 'since') {
		const since = String(ctx.getNodeParameter('since', '') ?? '').trim();
		if (!since || Number.isNaN(new Date(since).getTime())) throw new NodeOperationError(ctx.getNode(), `"Since" must be a date and time (got ${JSON.stringify(since)})`);
		options.since = new Date(since);
	}
	if (typeof extra.maxItems === 'number' && extra.maxItems > 0) options.maxItems = extra.maxItems;
	// n8n gives each poll a time budget: stop reading before it runs out, the next poll continues.
	if (typeof ctx.getPollBudgetMs === 'function') {
		const budget = ctx.getPollBudgetMs();
		if (Number.isFinite(budget) && budget > 0) options.deadline = Date.now() + budget * BUDGET_SHARE;
	}
	return options;
}
