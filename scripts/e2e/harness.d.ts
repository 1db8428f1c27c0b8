// Types for harness.js, for the TypeScript tests under test/e2e.

export interface CredentialRef {
	id: string;
	name: string;
	type: string;
}

export interface WorkflowJson {
	name: string;
	nodes: Array<{ id: string; name: string; type: string; typeVersion: number; position: [number, number]; parameters: Record<string, unknown>; [key: string]: unknown }>;
	connections: Record<string, unknown>;
	[key: string]: unknown;
}

export interface ExecutionResult {
	id: string;
	status: string;
	finished: boolean;
	mode: string;
	error?: string;
	errors: Record<string, string>;
	/** Per node: the json of every output item (first output), over all its runs. */
	runData: Record<string, Array<Record<string, unknown>>>;
	lastNode?: string;
}

export interface RuntimeInfo {
	cacheDir: string;
	nodeBin: string;
	n8nDir: string;
	n8nBin: string;
	n8nVersion: string;
}

export class N8nClient {
	constructor(baseUrl: string, options?: { cookie?: string; browserId?: string });
	baseUrl: string;
	cookie: string;
	browserId: string;
	request(method: string, urlPath: string, body?: unknown, options?: { headers?: Record<string, string> }): Promise<{ status: number; ok: boolean; json: any; text: string }>;
	rest(method: string, urlPath: string, body?: unknown): Promise<any>;
	settings(): Promise<any>;
	ensureOwner(owner?: { email: string; password: string; firstName: string; lastName: string }): Promise<{ email: string; password: string }>;
	credentials(): Promise<Array<{ id: string; name: string; type: string; data?: unknown }>>;
	ensureCredential(spec: { name: string; type: string; data: Record<string, unknown> }): Promise<CredentialRef>;
	testCredential(spec: { id?: string; name?: string; type: string; data: Record<string, unknown> }): Promise<{ status: string; message: string }>;
	workflows(): Promise<any[]>;
	createWorkflow(workflow: WorkflowJson): Promise<{ id: string; versionId: string; [key: string]: unknown }>;
	workflow(id: string): Promise<any>;
	activate(id: string): Promise<any>;
	deactivate(id: string): Promise<any>;
	deleteWorkflow(id: string): Promise<void>;
	webhook(path: string, body?: unknown, options?: { method?: string; timeoutMs?: number }): Promise<{ status: number; json: any; text: string }>;
	executions(workflowId: string, limit?: number): Promise<Array<{ id: string; status: string; mode: string; [key: string]: unknown }>>;
	execution(id: string, runtime?: { n8nDir: string }): Promise<ExecutionResult>;
	waitForExecution(workflowId: string, options?: { knownIds?: string[]; timeoutMs?: number; runtime?: { n8nDir: string } }): Promise<ExecutionResult>;
	nodeTypes(): Promise<Array<Record<string, any>>>;
}

export const ROOT: string;
export const PACKAGE_NAME: string;
export const DEFAULT_OWNER: { email: string; password: string; firstName: string; lastName: string };
export function adaptWorkflow(
	workflow: WorkflowJson,
	options?: { credentials?: Record<string, CredentialRef>; schema?: string; name?: string; patch?: Record<string, Record<string, unknown> | ((node: any) => any)> },
): WorkflowJson;
export function readExample(file: string): WorkflowJson;
export function freePort(): Promise<number>;
export function startStack(options?: Record<string, unknown>): Promise<any>;
export function buildAndPack(options: { outDir: string; log?: (m: string) => void; build?: boolean }): string;
export function installPackage(options: { tgz: string; userFolder: string; log?: (m: string) => void }): { packageDir: string; version: string };
export function startN8n(options: Record<string, unknown>): Promise<any>;
export function credentialSpecs(options: Record<string, unknown>): Record<string, unknown>;
