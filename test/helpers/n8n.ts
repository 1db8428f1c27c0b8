import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

export interface FakeRun {
	/** Parameters by name; a function is called per item (like an n8n expression). Dotted names reach into collections. */
	params: Record<string, unknown | ((itemIndex: number, item: INodeExecutionData) => unknown)>;
	items?: IDataObject[];
	credentials?: Record<string, IDataObject>;
	continueOnFail?: boolean;
	/** The node's version (default 1). */
	typeVersion?: number;
	/** The node's type as n8n reports it (default n8n-nodes-metakocka.test, which has no registered parameters). */
	nodeType?: string;
}

export interface LogLine {
	level: string;
	message: string;
	meta?: unknown;
}

function dig(source: unknown, path: string[]): unknown {
	let current = source;
	for (const key of path) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[key];
	}
	return current;
}

/**
 * The slice of IExecuteFunctions the package's nodes use, so a node's execute() runs in plain jest
 * against the sandbox and Postgres. Logs are captured for secret scans.
 */
export function fakeExecuteFunctions(run: FakeRun, logs: LogLine[] = []): IExecuteFunctions {
	const items: INodeExecutionData[] = (run.items ?? [{}]).map((json) => ({ json }));
	const node: INode = {
		id: 'test-node',
		name: 'Metakocka Test',
		type: run.nodeType ?? 'n8n-nodes-metakocka.test',
		typeVersion: run.typeVersion ?? 1,
		position: [0, 0],
		parameters: {},
	};
	const log = (level: string) => (message: string, meta?: unknown) => logs.push({ level, message, meta });
	const ctx = {
		getInputData: () => items,
		getNode: () => node,
		continueOnFail: () => run.continueOnFail ?? false,
		getCredentials: async (type: string) => {
			const credentials = run.credentials?.[type];
			if (!credentials) throw new Error(`No credential of type ${type} in this test`);
			return credentials;
		},
		getNodeParameter: (...args: [string, number, unknown?, { extractValue?: boolean }?]) => {
			const [name, itemIndex, fallback, options] = args;
			const [head, ...rest] = name.split('.');
			let value = run.params[head];
			if (typeof value === 'function') value = (value as (i: number, item: INodeExecutionData) => unknown)(itemIndex, items[itemIndex]);
			if (rest.length) value = dig(value, rest);
			if (value === undefined) {
				if (args.length >= 3) return fallback;
				throw new Error(`Could not get parameter "${name}"`);
			}
			if (options?.extractValue && value && typeof value === 'object' && 'value' in (value as object)) {
				return (value as { value: unknown }).value;
			}
			return value;
		},
		logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
		helpers: {
			prepareBinaryData: async (data: Buffer, fileName?: string, mimeType?: string) => ({
				data: data.toString('base64'),
				fileName,
				mimeType: mimeType ?? 'application/octet-stream',
				fileSize: String(data.length),
			}),
			returnJsonArray: (data: IDataObject | IDataObject[]) => (Array.isArray(data) ? data : [data]).map((json) => ({ json })),
		},
	};
	return ctx as unknown as IExecuteFunctions;
}

type CrmItem = { json: IDataObject };

/**
 * The Contact node's field parameters as its default expressions evaluate them for a CRM contact
 * item {id, name, email, phone, street, postCode, city, country, taxNumber, isCompany}.
 */
export const CRM_CONTACT_FIELDS: FakeRun['params'] = {
	crmId: (_i: number, item: CrmItem) => item.json.id,
	customer: (_i: number, item: CrmItem) => item.json.name,
	email: (_i: number, item: CrmItem) => item.json.email ?? '',
	phone: (_i: number, item: CrmItem) => item.json.phone ?? '',
	street: (_i: number, item: CrmItem) => item.json.street ?? '',
	post_number: (_i: number, item: CrmItem) => item.json.postCode ?? '',
	place: (_i: number, item: CrmItem) => item.json.city ?? '',
	country: (_i: number, item: CrmItem) => item.json.country ?? '',
	tax_id_number: (_i: number, item: CrmItem) => item.json.taxNumber ?? '',
	business_entity: (_i: number, item: CrmItem) => item.json.isCompany ?? false,
	otherFields: {},
};
