// Fake IPollFunctions / IWebhookFunctions: the slices of n8n's trigger contexts the Metakocka
// triggers use, so poll() and webhook() run in plain jest against the sandbox.
import type { IDataObject, INode, INodeExecutionData, IPollFunctions, IWebhookFunctions } from 'n8n-workflow';

import { MetakockaClient } from '../../src/client';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox';

const node: INode = {
	id: 'trigger-node',
	name: 'Metakocka Trigger',
	type: 'n8n-nodes-metakocka.metakockaTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

function param(params: Record<string, unknown>, name: string, args: unknown[]): unknown {
	const value = params[name];
	if (value === undefined) {
		if (args.length >= 2) return args[1];
		throw new Error(`Could not get parameter "${name}"`);
	}
	return value;
}

const returnJsonArray = (data: IDataObject | IDataObject[]): INodeExecutionData[] => (Array.isArray(data) ? data : [data]).map((json) => ({ json }));

export interface FakePoll {
	params: Record<string, unknown>;
	credentials: Record<string, IDataObject>;
	/** The node's static data; survives "restarts" when the same object (or a JSON copy) is passed again. */
	staticData: IDataObject;
	mode?: 'trigger' | 'manual';
	pollBudgetMs?: number;
}

export function fakePollFunctions(run: FakePoll): IPollFunctions {
	const ctx = {
		getNode: () => node,
		getMode: () => run.mode ?? 'trigger',
		getActivationMode: () => 'activate',
		getNodeParameter: (name: string, ...rest: unknown[]) => param(run.params, name, [name, ...rest]),
		getWorkflowStaticData: (type: string) => {
			if (type !== 'node') throw new Error('only node static data in this fake');
			return run.staticData;
		},
		getCredentials: async (type: string) => {
			const c = run.credentials[type];
			if (!c) throw new Error(`No credential of type ${type} in this test`);
			return c;
		},
		getPollBudgetMs: () => run.pollBudgetMs ?? 5 * 60_000,
		logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
		helpers: { returnJsonArray },
	};
	return ctx as unknown as IPollFunctions;
}

export interface FakeResponse {
	status?: number;
	body?: unknown;
	headers: Record<string, string>;
}

export interface FakeWebhook {
	params: Record<string, unknown>;
	headers: Record<string, string>;
	/** What n8n keeps as req.rawBody; undefined = not available. */
	rawBody?: Buffer;
	staticData: IDataObject;
}

export function fakeWebhookFunctions(run: FakeWebhook): { ctx: IWebhookFunctions; response: FakeResponse } {
	const response: FakeResponse = { headers: {} };
	const res = {
		status(code: number) {
			response.status = code;
			return res;
		},
		json(body: unknown) {
			response.body = body;
			return res;
		},
		send(body: unknown) {
			response.body = body;
			return res;
		},
		set(name: string, value: string) {
			response.headers[name.toLowerCase()] = value;
			return res;
		},
		end() {
			return res;
		},
	};
	const lower: Record<string, string> = {};
	for (const [k, v] of Object.entries(run.headers)) lower[k.toLowerCase()] = v;
	let body: IDataObject = {};
	try {
		body = run.rawBody ? (JSON.parse(run.rawBody.toString('utf8')) as IDataObject) : {};
	} catch {
		body = {};
	}
	const ctx = {
		getNode: () => ({ ...node, name: 'Metakocka Webhook Trigger', type: 'n8n-nodes-metakocka.metakockaWebhookTrigger' }),
		getMode: () => 'webhook',
		getNodeParameter: (name: string, ...rest: unknown[]) => param(run.params, name, [name, ...rest]),
		getHeaderData: () => lower,
		getBodyData: () => body,
		getRequestObject: () => ({ headers: lower, body, rawBody: run.rawBody }),
		getResponseObject: () => res,
		getWorkflowStaticData: () => run.staticData,
		helpers: { returnJsonArray },
	};
	return { ctx: ctx as unknown as IWebhookFunctions, response };
}

/** A sandbox with a client on it (no Postgres needed). */
export async function startTriggerEnv(options: SandboxOptions = {}): Promise<{
	sandbox: Sandbox;
	client: MetakockaClient;
	credentials: { metakockaApi: IDataObject };
	close(): Promise<void>;
}> {
	const secretKey = options.secretKey ?? 'trigger-secret';
	const sandbox = await startSandbox({ ...options, secretKey });
	const creds = { companyId: options.companyId ?? '16', secretKey, baseUrl: sandbox.baseUrl };
	return {
		sandbox,
		client: new MetakockaClient(creds, { retryBaseDelayMs: 1, retryMaxDelayMs: 5, reconcileDelayMs: 0 }),
		credentials: { metakockaApi: creds },
		close: () => sandbox.close(),
	};
}

/** Minimal valid put_document bodies for the sandbox seed. */
export const order = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
	doc_type: 'sales_order',
	partner: { customer: 'Trigger Kupec d.o.o.', street: 'Dunajska 1', post_number: '1000', place: 'Ljubljana', country: 'Slovenia', tax_id_number: 'SI55555555' },
	product_list: [{ code: 'VIJ-M8-50', amount: '2', price: '0.35', tax: 'EX4' }],
	...extra,
});

export const acceptanceNote = (amount = '10', warehouse = 'GL'): Record<string, unknown> => ({
	doc_type: 'warehouse_acceptance_note',
	warehouse,
	partner: { customer: 'Dobavitelj d.o.o.', street: 'Celovška 5', post_number: '1000', place: 'Ljubljana', country: 'Slovenia' },
	product_list: [{ code: 'VIJ-M8-50', amount, price: '0.20', tax: 'EX4' }],
});
