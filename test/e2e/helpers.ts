import { existsSync, readdirSync, readFileSync, rmSync } from 'fs';
import { join } from 'path';
import { Pool } from 'pg';

import { adaptWorkflow, N8nClient, readExample, startStack, type CredentialRef, type E2eStack, type StackOptions, type WorkflowJson } from '../../scripts/e2e/harness';

/** What global-setup.js started (test-output/e2e/stack.json, and this run's own copy). */
export interface Stack {
	url: string;
	cookie: string;
	browserId: string;
	owner: { email: string; password: string };
	credentials: Record<string, CredentialRef>;
	/** The Header Auth the examples' webhooks require (credential httpHeaderAuth). */
	webhookAuth: { header: string; value: string };
	sandbox: { baseUrl: string; companyId: string; secretKey: string };
	openai: { baseUrl: string } | null;
	postgres: { host: string; port: number; database: string; user: string; password?: string };
	schema: string;
	n8nDir: string;
	nodeBin: string;
	userFolder: string;
	n8nVersion: string;
	logFile: string;
	/** The packed package the global setup installed (for suites that start an n8n of their own). */
	tgz?: string;
}

export const OUTPUT_DIR = join(__dirname, '..', '..', 'test-output', 'e2e');

export function stack(): Stack {
	// The global setup of this run says where its own copy is; the shared file is the fallback.
	const file = process.env.METAKOCKA_E2E_STACK_FILE && existsSync(process.env.METAKOCKA_E2E_STACK_FILE) ? process.env.METAKOCKA_E2E_STACK_FILE : join(OUTPUT_DIR, 'stack.json');
	return JSON.parse(readFileSync(file, 'utf8')) as Stack;
}

export function client(s: Stack = stack()): N8nClient {
	return new N8nClient(s.url, { cookie: s.cookie, browserId: s.browserId, webhookHeaders: { authorization: s.webhookAuth.value } });
}

export function pool(s: Stack = stack()): Pool {
	const { host, port, database, user, password } = s.postgres;
	return new Pool({ host, port, database, user, password, max: 2 });
}

/** The sandbox's control API (/__sandbox/...), over HTTP: the sandbox runs in the global setup's process. */
export const sandbox = {
	async get<T = any>(what: 'counters' | 'state' | 'stats', s: Stack = stack()): Promise<T> {
		const response = await fetch(`${s.sandbox.baseUrl}/__sandbox/${what}`);
		return (await response.json()) as T;
	},
	async post(what: string, body: unknown = {}, s: Stack = stack()): Promise<void> {
		await fetch(`${s.sandbox.baseUrl}/__sandbox/${what}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	},
};

/** An example workflow with this stack's credentials and the run's schema. */
export function example(file: string, patch: Record<string, Record<string, unknown> | ((node: any) => any)> = {}): WorkflowJson {
	const s = stack();
	return adaptWorkflow(readExample(file), { credentials: s.credentials, schema: s.schema, patch });
}

/** Creates the workflow in n8n and activates it; returns its id. */
export async function importAndActivate(n8n: N8nClient, workflow: WorkflowJson): Promise<string> {
	const created = await n8n.createWorkflow(workflow);
	await n8n.activate(created.id);
	return created.id;
}

/** The body of the sample pinned on an example's webhook node, so a call gets the same data as the editor's run. */
export function pinnedSample(workflow: WorkflowJson, nodeName: string): any {
	const pinned = (workflow.pinData as Record<string, Array<{ json: { body?: unknown } }>> | undefined)?.[nodeName];
	if (!pinned?.[0]?.json?.body) throw new Error(`No pinned sample on ${nodeName}`);
	return JSON.parse(JSON.stringify(pinned[0].json.body));
}

/** crm-sync's sample made this run's own (ids, names, emails; no tax number), so it adopts nothing another suite created. */
export function uniqueCrmSample(sample: any, run: string): any {
	const copy = JSON.parse(JSON.stringify(sample));
	for (const c of copy.contacts) Object.assign(c, { id: `${c.id}-${run}`, name: `${c.name} ${run}`, email: `${run}.${c.email}`, taxNumber: undefined });
	for (const o of copy.orders) Object.assign(o, { id: `${o.id}-${run}`, number: `${o.number}-${run}`, contactId: `${o.contactId}-${run}` });
	return copy;
}

/**
 * An n8n of the suite's own (for what the shared one cannot do: a restart, queue mode), with its own
 * sandbox, installing the package the global setup packed. Logs go to test-output/e2e/<name>.log.
 */
export async function ownStack(name: string, options: StackOptions = {}): Promise<E2eStack> {
	const s = stack();
	const logFile = join(OUTPUT_DIR, `${name}.log`);
	for (const file of readdirSync(OUTPUT_DIR)) if (file.startsWith(`${name}.`) && file.endsWith('.log')) rmSync(join(OUTPUT_DIR, file), { force: true });
	const tgz = s.tgz && existsSync(s.tgz) ? s.tgz : undefined;
	return (await startStack({ openai: false, ...(tgz ? { tgz } : { build: false }), logFile, ...options })) as E2eStack;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value other than undefined/false, or fails after timeoutMs. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, { timeoutMs = 60000, intervalMs = 500 } = {}): Promise<T> {
	const started = Date.now();
	for (;;) {
		const value = await check();
		if (value !== undefined && value !== false) return value as T;
		if (Date.now() - started > timeoutMs) throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}`);
		await sleep(intervalMs);
	}
}
