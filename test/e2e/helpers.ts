import { readFileSync } from 'fs';
import { join } from 'path';
import { Pool } from 'pg';

import { adaptWorkflow, N8nClient, readExample, type CredentialRef, type WorkflowJson } from '../../scripts/e2e/harness';

/** What global-setup.js started (test-output/e2e/stack.json). */
export interface Stack {
	url: string;
	cookie: string;
	browserId: string;
	owner: { email: string; password: string };
	credentials: Record<string, CredentialRef>;
	sandbox: { baseUrl: string; companyId: string; secretKey: string };
	openai: { baseUrl: string } | null;
	postgres: { host: string; port: number; database: string; user: string; password?: string };
	schema: string;
	n8nDir: string;
	nodeBin: string;
	userFolder: string;
	n8nVersion: string;
	logFile: string;
}

export const OUTPUT_DIR = join(__dirname, '..', '..', 'test-output', 'e2e');

export function stack(): Stack {
	return JSON.parse(readFileSync(join(OUTPUT_DIR, 'stack.json'), 'utf8')) as Stack;
}

export function client(s: Stack = stack()): N8nClient {
	return new N8nClient(s.url, { cookie: s.cookie, browserId: s.browserId });
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

/** The sample the example's "Sample CRM data" Code node returns, so the webhook gets the same data. */
export function sampleFromCodeNode(workflow: WorkflowJson, nodeName: string): any {
	const node = workflow.nodes.find((n) => n.name === nodeName);
	const code = String(node?.parameters.jsCode ?? '');
	const match = /return \[\{ json: \{ body: ([\s\S]*) \} \}\];/.exec(code);
	if (!match) throw new Error(`No sample in ${nodeName}`);
	return JSON.parse(match[1]);
}
