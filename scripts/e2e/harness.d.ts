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
	/** Per node: its first run's outputs (main output, then the error output if any), each item with json, pairedItem and error. */
	outputs: Record<string, Array<Array<{ json: Record<string, any>; pairedItem?: any; error?: any }>>>;
	/** Per node: the error its run ended with (message, description, context, …). */
	nodeErrors: Record<string, any>;
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
	constructor(baseUrl: string, options?: { cookie?: string; browserId?: string; webhookHeaders?: Record<string, string> });
	baseUrl: string;
	cookie: string;
	browserId: string;
	/** Sent with every webhook() call unless `auth: false` (the examples' Header Auth). */
	webhookHeaders: Record<string, string>;
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
	webhook(path: string, body?: unknown, options?: { method?: string; timeoutMs?: number; auth?: boolean; headers?: Record<string, string> }): Promise<{ status: number; json: any; text: string }>;
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

/** Options startStack understands (all optional; see harness.js). */
export interface StackOptions {
	port?: number;
	brokerPort?: number;
	sandboxPort?: number;
	userFolder?: string;
	workDir?: string;
	keepWorkDir?: boolean;
	logFile?: string;
	copyLogTo?: string;
	sandbox?: { companyId?: string; secretKey?: string };
	openai?: false;
	embeddedPostgres?: boolean;
	build?: boolean;
	/** An already packed package to install instead of building and packing. */
	tgz?: string;
	owner?: { email: string; password: string; firstName: string; lastName: string };
	encryptionKey?: string;
	n8nEnv?: Record<string, string>;
	/** n8n's own database: sqlite (default) or a fresh Postgres database (dropped by stop()). */
	n8nDatabase?: 'sqlite' | 'postgres';
	n8nPostgresDatabase?: string;
	/** EXECUTIONS_MODE=queue with Redis, a unique Bull/Redis prefix, n8n in Postgres and `workers` workers (default 2). */
	queueMode?: boolean;
	workers?: number;
	workerConcurrency?: number;
	workerEnv?: Record<string, string>;
	redis?: { host?: string; port?: number };
	log?: (message: string) => void;
	[key: string]: unknown;
}

/** One n8n process the harness started (`n8n start`, or `n8n worker` in queue mode). */
export interface N8nProcess {
	/** main: the editor/REST URL; worker: its health server. */
	url: string;
	port: number;
	brokerPort: number;
	pid: number;
	logFile: string;
	role: 'main' | 'worker';
	name: string;
	userFolder: string;
	tail(): string;
	exited(): { code: number | null; signal: string | null } | null;
	stop(): Promise<unknown>;
}

/** What startStack resolves to (the fields the suites use). */
export interface E2eStack {
	url: string;
	client: N8nClient;
	runtime: RuntimeInfo;
	workDir: string;
	userFolder: string;
	tgz: string;
	owner: { email: string; password: string };
	credentials: Record<string, CredentialRef>;
	sandbox: { baseUrl: string; companyId: string; secretKey: string; api: any };
	openai?: { baseUrl: string };
	postgres: { host: string; port: number; database: string; user: string; password?: string };
	n8nDatabase: { type: 'sqlite'; file: string } | { type: 'postgresdb'; host: string; port: number; database: string; user: string; password?: string };
	queue?: { redis: { host: string; port: number }; bullPrefix: string; redisPrefix: string };
	n8n: N8nProcess;
	workers: N8nProcess[];
	stop(): Promise<void>;
	/** Stops n8n (workers, then main); sandbox, stub and database stay. */
	stopN8n(): Promise<void>;
	/** Starts n8n again with the same user folder, database, ports and key, and logs in again. */
	startN8n(): Promise<void>;
	restart(options?: { whileStopped?: () => Promise<void> }): Promise<void>;
	/** executionId → the worker(s) whose log says it started that execution. */
	executionWorkers(): Record<string, Array<{ worker: number; name: string; job: string }>>;
}

export function executionWorkers(workers: Array<{ logFile: string; name: string }>): Record<string, Array<{ worker: number; name: string; job: string }>>;
export function redisAnswers(redis: { host: string; port: number }, timeoutMs?: number): Promise<boolean>;
export function deleteRedisKeys(redis: { host: string; port: number }, prefixes: string[], runtime: { n8nDir: string }): Promise<number>;
export function buildAndPack(options: { outDir: string; log?: (m: string) => void; build?: boolean }): string;
export function installPackage(options: { tgz: string; userFolder: string; log?: (m: string) => void }): { packageDir: string; version: string };
export function startN8n(options: Record<string, unknown>): Promise<any>;
export function credentialSpecs(options: Record<string, unknown>): Record<string, unknown>;
