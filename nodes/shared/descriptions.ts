import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

/** Return All + Limit, shown for the given operations. */
export function returnAllOrLimit(show: IDisplayOptions['show'], maxLimit?: number): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			displayOptions: { show },
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			displayOptions: { show: { ...show, returnAll: [false] } },
			typeOptions: { minValue: 1, ...(maxLimit ? { maxValue: maxLimit } : {}) },
			default: 50,
			description: 'Max number of results to return',
		},
	];
}

/**
 * Return All / Max Records per Run for the Import operations: a bounded run keeps its position in
 * Postgres (after each completed page), so a schedule works through a backlog of any size.
 */
export function maxRecordsPerRun(show: IDisplayOptions['show'], what: string): INodeProperties[] {
	const [returnAll, limit] = returnAllOrLimit(show);
	return [
		{ ...returnAll, hint: `On: every ${what} that changed, in one run. Off: at most Max Records per Run, and the next run continues where this one stopped.` },
		{
			...limit,
			displayName: 'Max Records per Run',
			// A scheduled import of a backlog sets this higher (e.g. 5,000): each run continues where the last stopped.
			hint: `Records of this run; the position is kept in Postgres after each completed page, so the next run continues there (none repeated, none skipped, also after a run that failed part way)`,
		},
	];
}

/** Where the package keeps its mapping tables: shown for operations that read or write mappings. */
export function mappingStoreOptions(show: IDisplayOptions['show'], opts: { runHistory?: boolean } = {}): INodeProperties {
	return {
		displayName: 'Mapping Store',
		name: 'mappingStore',
		type: 'collection',
		placeholder: 'Add option',
		displayOptions: { show },
		default: {},
		options: [
			{
				displayName: 'Schema',
				name: 'schema',
				type: 'string',
				default: 'public',
				description: 'Postgres schema that holds the mapping tables (created on first use)',
			},
			{
				displayName: 'Table Prefix',
				name: 'tablePrefix',
				type: 'string',
				default: '',
				description: 'Prefix for the table names, for several installations in one schema',
			},
			...(opts.runHistory
				? [
						{
							displayName: 'Keep Run History (Days)',
							name: 'runHistoryDays',
							type: 'number' as const,
							typeOptions: { minValue: 1, maxValue: 3650 },
							default: 30,
							description: "How long each run's row (counts, first errors) is kept; older rows of the company are dropped when a run is recorded",
						},
					]
				: []),
		],
	};
}

/** Sync and Import: one item per record, or one item for the whole run (what a Slack or email step posts). */
export const outputModeParameter = (show: IDisplayOptions['show'], what: string): INodeProperties => ({
	displayName: 'Output',
	name: 'outputMode',
	type: 'options',
	displayOptions: { show },
	options: [
		{ name: 'One Item per Record', value: 'perRecord', description: `One item per ${what}, with its status` },
		{
			name: 'One Summary Item',
			value: 'summary',
			description: 'Counts per status, the failed records with their CRM IDs and the duration; failed records do not stop the workflow',
		},
	],
	default: 'perRecord',
});

export const postgresNotice = (show: IDisplayOptions['show']): INodeProperties => ({
	displayName:
		'Mappings are kept in the Postgres of this node\'s Postgres credential, in tables the node creates on first use.',
	name: 'postgresNotice',
	type: 'notice',
	displayOptions: { show },
	default: '',
});

/** The CRM ID every Sync keeps its mapping under. */
export const crmIdParameter = (show: IDisplayOptions['show'], description: string): INodeProperties => ({
	displayName: 'CRM ID',
	name: 'crmId',
	type: 'string',
	required: true,
	default: '={{ $json.id }}',
	displayOptions: { show },
	description,
});

/** Sync's options: how to adopt an existing Metakocka record, and how many writes run at once. */
export const syncOptions = (show: IDisplayOptions['show'], matchExisting: INodeProperties, what: string): INodeProperties => ({
	displayName: 'Options',
	name: 'syncOptions',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	displayOptions: { show },
	options: [
		{
			displayName: 'If Metakocka Changed It Too',
			name: 'conflictPolicy',
			type: 'options',
			options: [
				{
					name: 'Skip and Report',
					value: 'skip',
					description: 'Write nothing; the item has status "conflict" with both versions',
				},
				{
					name: 'CRM Wins',
					value: 'crmWins',
					description: 'Overwrite Metakocka with the CRM version; the item reports the conflict',
				},
				{
					name: 'Metakocka Wins',
					value: 'metakockaWins',
					description: "Write nothing and return Metakocka's version, so the workflow can update the CRM",
				},
			],
			default: 'skip',
			description: 'What to do when the Metakocka record changed since the last sync (its content no longer matches what Sync last wrote) and the CRM record changed as well',
		},
		matchExisting,
		{
			displayName: 'Max Parallel Calls',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 128 },
			default: 32,
			description: `At most this many ${what} in progress, and Metakocka calls in flight, at once. The package finds how many Metakocka takes by itself (it starts at 4, grows while answers stay fast, and backs off when they slow down or the server is overloaded); this is only the ceiling.`,
		},
	],
});

/** Dry Run on every Sync: everything a real run reads, nothing it writes. */
export const dryRunParameter = (show: IDisplayOptions['show'], what: string): INodeProperties => ({
	displayName: 'Dry Run',
	name: 'dryRun',
	type: 'boolean',
	displayOptions: { show },
	default: false,
	description: `Whether to only report what Sync would do to each ${what} (create, adopt, update with old → new values, unchanged, conflict, or the error it would hit) without writing to Metakocka or the mapping tables`,
});

/**
 * n8n's Simplify switch, from node version 2 (version 1 keeps the whole records): the short form of
 * Metakocka's partners and documents (src/client/records.ts) instead of the raw answer.
 */
export const simplifyParameter = (show: IDisplayOptions['show']): INodeProperties => ({
	displayName: 'Simplify',
	name: 'simple',
	type: 'boolean',
	displayOptions: { show: { ...show, '@version': [{ _cnd: { gte: 2 } }] } },
	default: true,
	description: 'Whether to return a simplified version of the response instead of the raw data',
});
