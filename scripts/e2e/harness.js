// Runs this package inside a real n8n, for the end-to-end tests (test/e2e), the editor check and
// `npm start`: builds and packs the package, installs the packed package into an n8n user folder the
// way n8n installs a community package, starts the Metakocka sandbox, a local OpenAI-compatible
// stub and n8n (on free ports, all bound to 127.0.0.1), sets up the owner, creates the credentials
// through n8n's REST API (so n8n stores them encrypted) and imports workflows. stop() ends all of it,
// also after a failed start.
'use strict';

const { execFileSync, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const { ensureRuntime } = require('../n8n-runtime');
const { startOpenAiStub } = require('./openai-stub');
const { resolvePostgres } = require('./postgres');

const ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE_NAME = 'n8n-nodes-metakocka';
const DEFAULT_OWNER = { email: 'owner@example.com', password: 'Metakocka-Sandbox-1', firstName: 'Sandbox', lastName: 'Owner' };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function defaultLog(message) {
	process.stderr.write(`[n8n-e2e] ${message}\n`);
}

/** A port that was free on 127.0.0.1 a moment ago. */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/** Whether something accepts connections on 127.0.0.1:port. */
function portInUse(port) {
	return new Promise((resolve) => {
		const socket = net.connect({ port, host: '127.0.0.1' });
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

// --- the package ----------------------------------------------------------------------------------

/** `npm run build` and `npm pack` of this repository; returns the .tgz path. */
function buildAndPack({ outDir, log = defaultLog, build = true }) {
	fs.mkdirSync(outDir, { recursive: true });
	execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'ensure-deps.js')], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
	if (build) {
		log('building the package (npm run build)');
		execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
	}
	const out = execFileSync('npm', ['pack', '--json', '--pack-destination', outDir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
	const [{ filename }] = JSON.parse(out);
	const tgz = path.join(outDir, path.basename(filename));
	log(`packed ${path.relative(ROOT, tgz).startsWith('..') ? tgz : path.relative(ROOT, tgz)}`);
	return tgz;
}

/**
 * Installs the packed package into <userFolder>/.n8n/nodes as n8n's community-package installer does
 * (CommunityPackagesService.downloadPackage): unpack into nodes/node_modules/<name>, drop dev, peer
 * and optional dependencies from its package.json, `npm install` its runtime dependencies inside it
 * (shallow, no scripts, no lock file) and record it in nodes/package.json.
 */
function installPackage({ tgz, userFolder, log = defaultLog }) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const packageDir = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	fs.rmSync(packageDir, { recursive: true, force: true });
	fs.mkdirSync(packageDir, { recursive: true });
	execFileSync('tar', ['-xzf', tgz, '-C', packageDir, '--strip-components=1']);
	const pkgFile = path.join(packageDir, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...pkg } = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
	fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
	log(`installing ${PACKAGE_NAME}@${pkg.version} and its runtime dependencies into ${nodesDir}`);
	execFileSync(
		'npm',
		['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false', '--prefer-offline', '--loglevel=error'],
		{ cwd: packageDir, stdio: ['ignore', 'ignore', 'inherit'] },
	);
	const nodesPkgFile = path.join(nodesDir, 'package.json');
	let nodesPkg = { name: 'installed-nodes', private: true, dependencies: {} };
	try {
		nodesPkg = JSON.parse(fs.readFileSync(nodesPkgFile, 'utf8'));
	} catch {
		// first install
	}
	nodesPkg.dependencies = { ...(nodesPkg.dependencies ?? {}), [PACKAGE_NAME]: pkg.version };
	fs.writeFileSync(nodesPkgFile, JSON.stringify(nodesPkg, null, 2));
	return { packageDir, version: pkg.version };
}

// --- n8n ------------------------------------------------------------------------------------------

function n8nEnv({ userFolder, port, brokerPort, encryptionKey, extraEnv = {}, nodeBin }) {
	const env = {};
	// A clean environment: no npm_* of the calling npm script, no NODE_OPTIONS meant for jest.
	for (const [key, value] of Object.entries(process.env)) {
		// NODE_ENV=test (set by jest) makes n8n refuse to load nodes ("Not available in tests").
		if (key.startsWith('npm_') || key === 'NODE_OPTIONS' || key === 'NODE_ENV' || key.startsWith('N8N_') || key.startsWith('JEST_')) continue;
		env[key] = value;
	}
	return {
		...env,
		PATH: `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH ?? ''}`,
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}`,
		WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		// The task runner broker (Code node) listens on 5679 unless told otherwise.
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_ENCRYPTION_KEY: encryptionKey,
		DB_TYPE: 'sqlite',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
		GENERIC_TIMEZONE: 'Europe/Ljubljana',
		N8N_METAKOCKA_PARENT_PID: String(process.pid),
		...extraEnv,
	};
}

/** Starts `n8n start` with Node 24; resolves once the REST API answers. */
async function startN8n({ runtime, userFolder, port, brokerPort, encryptionKey, logFile, extraEnv, log = defaultLog, timeoutMs = 240000 }) {
	fs.mkdirSync(userFolder, { recursive: true });
	const out = fs.openSync(logFile, 'a');
	const env = n8nEnv({ userFolder, port, brokerPort, encryptionKey, extraEnv, nodeBin: runtime.nodeBin });
	const child = spawn(runtime.nodeBin, ['--require', path.join(__dirname, 'parent-watchdog.js'), runtime.n8nBin, 'start'], {
		cwd: userFolder,
		env,
		stdio: ['ignore', out, out],
		detached: true,
	});
	fs.closeSync(out);
	let exited = null;
	const exitPromise = new Promise((resolve) => {
		child.once('exit', (code, signal) => {
			exited = { code, signal };
			resolve(exited);
		});
	});
	const url = `http://127.0.0.1:${port}`;
	const tail = () => fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
	const handle = {
		url,
		port,
		brokerPort,
		pid: child.pid,
		logFile,
		tail,
		async stop() {
			if (exited) return exited;
			try {
				process.kill(-child.pid, 'SIGTERM');
			} catch {
				return exited;
			}
			const result = await Promise.race([exitPromise, sleep(20000).then(() => null)]);
			if (!result) {
				try {
					process.kill(-child.pid, 'SIGKILL');
				} catch {
					// gone
				}
				await Promise.race([exitPromise, sleep(5000)]);
			}
			// The task runner is in the same process group; make sure nothing of it is left.
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				// gone
			}
			return exited;
		},
	};
	const started = Date.now();
	log(`starting n8n ${runtime.n8nVersion} on ${url} (broker 127.0.0.1:${brokerPort}, user folder ${userFolder})`);
	for (;;) {
		if (exited) throw new Error(`n8n exited during start-up (${JSON.stringify(exited)}):\n${tail()}`);
		if (Date.now() - started > timeoutMs) {
			await handle.stop();
			throw new Error(`n8n did not answer on ${url} within ${timeoutMs / 1000} s:\n${tail()}`);
		}
		try {
			const ready = await fetch(`${url}/healthz/readiness`);
			if (ready.ok) {
				const settings = await fetch(`${url}/rest/settings`);
				if (settings.ok) break;
			}
		} catch {
			// not listening yet
		}
		await sleep(500);
	}
	log(`n8n answered after ${((Date.now() - started) / 1000).toFixed(1)} s`);
	return handle;
}

/** n8n's internal REST API as the editor uses it: the auth cookie plus the browser-id it was issued for. */
class N8nClient {
	constructor(baseUrl, { cookie = '', browserId = `n8n-nodes-metakocka-${crypto.randomBytes(6).toString('hex')}` } = {}) {
		this.baseUrl = baseUrl.replace(/\/+$/, '');
		this.cookie = cookie;
		this.browserId = browserId;
	}

	async request(method, urlPath, body, { headers = {} } = {}) {
		const response = await fetch(`${this.baseUrl}${urlPath}`, {
			method,
			headers: {
				'browser-id': this.browserId,
				...(this.cookie ? { cookie: this.cookie } : {}),
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
				...headers,
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const setCookie = response.headers.getSetCookie?.() ?? [];
		for (const c of setCookie) {
			const auth = /^(n8n-auth=[^;]*)/.exec(c);
			if (auth) this.cookie = auth[1];
		}
		const text = await response.text();
		let json;
		try {
			json = text ? JSON.parse(text) : undefined;
		} catch {
			json = undefined;
		}
		return { status: response.status, ok: response.ok, json, text };
	}

	/** A /rest call that must succeed; returns its `data`. */
	async rest(method, urlPath, body) {
		const r = await this.request(method, `/rest${urlPath}`, body);
		if (!r.ok) throw new Error(`${method} /rest${urlPath} → ${r.status}: ${r.text.slice(0, 500)}`);
		return r.json && typeof r.json === 'object' && 'data' in r.json ? r.json.data : r.json;
	}

	async settings() {
		return await this.rest('GET', '/settings');
	}

	/** Owner set-up on a fresh instance, else a login with the same account. */
	async ensureOwner(owner = DEFAULT_OWNER) {
		const settings = await this.settings();
		if (settings?.userManagement?.showSetupOnFirstLoad !== false) {
			await this.rest('POST', '/owner/setup', owner);
		}
		await this.rest('POST', '/login', { emailOrLdapLoginId: owner.email, password: owner.password });
		return owner;
	}

	async credentials() {
		return await this.rest('GET', '/credentials');
	}

	/** Creates the credential, or updates the data of the one with this name and type. */
	async ensureCredential({ name, type, data }) {
		const existing = (await this.credentials()).find((c) => c.name === name && c.type === type);
		if (existing) {
			await this.rest('PATCH', `/credentials/${existing.id}`, { name, type, data });
			return { id: existing.id, name, type };
		}
		const created = await this.rest('POST', '/credentials', { name, type, data });
		return { id: created.id, name, type };
	}

	/** n8n's "Test" button in the credential modal. */
	async testCredential({ id = '', name = 'test', type, data }) {
		return await this.rest('POST', '/credentials/test', { credentials: { id, name, type, data } });
	}

	async workflows() {
		return await this.rest('GET', '/workflows');
	}

	async createWorkflow(workflow) {
		const { id: _drop, active: _active, versionId: _v, ...body } = workflow;
		return await this.rest('POST', '/workflows', { ...body, active: false });
	}

	async workflow(id) {
		return await this.rest('GET', `/workflows/${id}`);
	}

	async activate(id) {
		const wf = await this.workflow(id);
		return await this.rest('POST', `/workflows/${id}/activate`, { versionId: wf.versionId });
	}

	async deactivate(id) {
		return await this.rest('POST', `/workflows/${id}/deactivate`, {});
	}

	async deleteWorkflow(id) {
		await this.request('POST', `/rest/workflows/${id}/archive`, {});
		await this.request('DELETE', `/rest/workflows/${id}`);
	}

	/** Calls a production webhook; retries while n8n is still registering it after activation. */
	async webhook(webhookPath, body, { method = 'POST', timeoutMs = 30000 } = {}) {
		const started = Date.now();
		for (;;) {
			const response = await fetch(`${this.baseUrl}/webhook/${webhookPath}`, {
				method,
				headers: { 'content-type': 'application/json' },
				body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
			});
			const text = await response.text();
			if (response.status === 404 && /not registered/.test(text) && Date.now() - started < timeoutMs) {
				await sleep(300);
				continue;
			}
			let json;
			try {
				json = text ? JSON.parse(text) : undefined;
			} catch {
				json = undefined;
			}
			return { status: response.status, json, text };
		}
	}

	/** The newest executions of a workflow (summaries). */
	async executions(workflowId, limit = 20) {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const data = await this.rest('GET', `/executions?filter=${filter}&limit=${limit}`);
		return data.results ?? data;
	}

	/** One execution with its run data unflattened: `runData[nodeName]` is the list of that node's output items' json. */
	async execution(id, runtime) {
		const raw = await this.rest('GET', `/executions/${id}`);
		const data = typeof raw.data === 'string' ? parseFlatted(raw.data, runtime) : raw.data;
		const runData = {};
		for (const [node, runs] of Object.entries(data?.resultData?.runData ?? {})) {
			runData[node] = runs.flatMap((run) => (run.data?.main?.[0] ?? []).map((item) => item.json));
		}
		const errors = {};
		for (const [node, runs] of Object.entries(data?.resultData?.runData ?? {})) {
			const error = runs.find((run) => run.error)?.error;
			if (error) errors[node] = error.message ?? String(error);
		}
		return { id: raw.id, status: raw.status, finished: raw.finished, mode: raw.mode, error: data?.resultData?.error?.message, errors, runData, lastNode: data?.resultData?.lastNodeExecuted };
	}

	/** Waits for a finished execution of the workflow that is not among `knownIds`. */
	async waitForExecution(workflowId, { knownIds = [], timeoutMs = 60000, runtime } = {}) {
		const started = Date.now();
		for (;;) {
			const list = await this.executions(workflowId);
			const fresh = list.filter((e) => !knownIds.includes(String(e.id)) && e.status !== 'running' && e.status !== 'new' && e.status !== 'waiting');
			if (fresh.length) {
				fresh.sort((a, b) => Number(a.id) - Number(b.id));
				return await this.execution(fresh[0].id, runtime);
			}
			if (Date.now() - started > timeoutMs) throw new Error(`No new execution of workflow ${workflowId} within ${timeoutMs / 1000} s`);
			await sleep(500);
		}
	}

	/** Node type descriptions as the editor loads them (includes the `…Tool` variants n8n makes of usableAsTool nodes). */
	async nodeTypes() {
		const response = await fetch(`${this.baseUrl}/types/nodes.json`, { headers: { 'browser-id': this.browserId, cookie: this.cookie } });
		if (!response.ok) throw new Error(`GET /types/nodes.json → ${response.status}`);
		return await response.json();
	}
}

let flattedParse;
function parseFlatted(text, runtime) {
	if (!flattedParse) {
		const rt = runtime ?? ensureRuntime();
		flattedParse = require(require.resolve('flatted', { paths: [rt.n8nDir] })).parse;
	}
	return flattedParse(text);
}

// --- credentials and workflows -------------------------------------------------------------------

/** The credentials the example workflows use, pointed at this stack's services. */
function credentialSpecs({ sandbox, postgres, openai }) {
	return {
		metakockaApi: { name: 'Metakocka sandbox', type: 'metakockaApi', data: { companyId: sandbox.companyId, secretKey: sandbox.secretKey, baseUrl: sandbox.baseUrl } },
		postgres: {
			name: 'Postgres (Metakocka mappings)',
			type: 'postgres',
			data: {
				host: postgres.host,
				port: postgres.port,
				database: postgres.database,
				user: postgres.user,
				password: postgres.password ?? '',
				ssl: 'disable',
				allowUnauthorizedCerts: false,
				maxConnections: 10,
			},
		},
		openAiApi: openai ? { name: 'OpenAI (local stub)', type: 'openAiApi', data: { apiKey: 'sk-local-stub', url: openai.baseUrl } } : undefined,
	};
}

const CREDENTIAL_SLOTS = {
	'n8n-nodes-base.postgres': ['postgres'],
	'@n8n/n8n-nodes-langchain.lmChatOpenAi': ['openAiApi'],
	'@n8n/n8n-nodes-langchain.openAi': ['openAiApi'],
};

let packageSlots;
/** Credential names per node type of this package, read from the built nodes (dist/) that package.json lists. */
function packageCredentialSlots() {
	if (packageSlots) return packageSlots;
	packageSlots = {};
	const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
	for (const file of pkg.n8n?.nodes ?? []) {
		try {
			const mod = require(path.join(ROOT, file));
			for (const NodeClass of Object.values(mod)) {
				if (typeof NodeClass !== 'function') continue;
				const description = new NodeClass().description;
				if (description?.name) packageSlots[`${PACKAGE_NAME}.${description.name}`] = (description.credentials ?? []).map((c) => c.name);
			}
		} catch {
			// not built yet: such a node gets no credentials
		}
	}
	return packageSlots;
}

/**
 * Makes an example workflow runnable on this stack: credentials set on every node that takes them,
 * mapping tables in `schema`, the Postgres nodes writing into `schema`, and optional per-node patches
 * ({ nodeName: parameters merged in } or a function (node) → node).
 */
function adaptWorkflow(workflow, { credentials, schema, patch = {}, name } = {}) {
	const wf = JSON.parse(JSON.stringify(workflow));
	if (name) wf.name = name;
	for (const node of wf.nodes) {
		const ours = node.type.startsWith(`${PACKAGE_NAME}.`);
		const slots = ours ? (packageCredentialSlots()[node.type.replace(/Tool$/, '')] ?? []) : (CREDENTIAL_SLOTS[node.type] ?? []);
		for (const slot of slots) {
			if (credentials?.[slot]) node.credentials = { ...(node.credentials ?? {}), [slot]: { id: credentials[slot].id, name: credentials[slot].name } };
		}
		if (schema && ours && slots.includes('postgres')) {
			node.parameters.mappingStore = { ...(node.parameters.mappingStore ?? {}), schema };
		}
		if (schema && node.type === 'n8n-nodes-base.postgres') {
			if (node.parameters.schema && typeof node.parameters.schema === 'object') node.parameters.schema = { ...node.parameters.schema, value: schema, cachedResultName: schema };
			if (typeof node.parameters.query === 'string') node.parameters.query = node.parameters.query.replace(/\bpublic\./g, `"${schema}".`);
		}
		const p = patch[node.name];
		if (typeof p === 'function') Object.assign(node, p(node));
		else if (p) node.parameters = { ...node.parameters, ...p };
	}
	return wf;
}

function readExample(file) {
	return JSON.parse(fs.readFileSync(path.isAbsolute(file) ? file : path.join(ROOT, 'examples', file), 'utf8'));
}

// --- the whole stack ------------------------------------------------------------------------------

/**
 * Starts everything; resolves to the running stack. Options:
 *   port, brokerPort, sandboxPort: fixed ports (default: free ones)
 *   userFolder: n8n user folder to use (default: a fresh temp folder, removed by stop())
 *   workDir: where the pack, logs and the temp user folder go (default: a fresh temp folder)
 *   sandbox: {companyId, secretKey}, openai: false to skip the stub, embeddedPostgres: true to allow PGlite
 *   build: false to pack what dist/ holds, owner: {email, password, firstName, lastName}
 *   encryptionKey: n8n's (default: a fixed key per user folder, stored in it)
 */
async function startStack(options = {}) {
	const log = options.log ?? defaultLog;
	const startedAt = Date.now();
	const stops = [];
	const stack = { log, stops };
	let stopped = false;
	stack.stop = async () => {
		if (stopped) return;
		stopped = true;
		for (const fn of stops.reverse()) {
			try {
				await fn();
			} catch (error) {
				log(`stop: ${error.message}`);
			}
		}
	};
	try {
		const runtime = ensureRuntime();
		stack.runtime = runtime;
		const workDir = options.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-metakocka-'));
		fs.mkdirSync(workDir, { recursive: true });
		stack.workDir = workDir;
		if (!options.workDir && !options.keepWorkDir) stops.push(async () => fs.rmSync(workDir, { recursive: true, force: true }));

		const userFolder = options.userFolder ?? path.join(workDir, 'user');
		stack.userFolder = userFolder;
		const tgz = buildAndPack({ outDir: path.join(workDir, 'pack'), log, build: options.build !== false });
		stack.tgz = tgz;
		installPackage({ tgz, userFolder, log });

		// The sandbox from the freshly built package.
		const { startSandbox } = require(path.join(ROOT, 'dist', 'src', 'sandbox'));
		const companyId = options.sandbox?.companyId ?? '16';
		const secretKey = options.sandbox?.secretKey ?? `e2e-${crypto.randomBytes(6).toString('hex')}`;
		const sandbox = await startSandbox({ port: options.sandboxPort ?? 0, host: '127.0.0.1', companyId, secretKey });
		stops.push(() => sandbox.close());
		stack.sandbox = { baseUrl: sandbox.baseUrl, companyId, secretKey, api: sandbox };
		log(`Metakocka sandbox on ${sandbox.baseUrl} (company ${companyId})`);

		if (options.openai !== false) {
			const openai = await startOpenAiStub({ port: options.openaiPort ?? 0 });
			stops.push(() => openai.close());
			stack.openai = openai;
			log(`OpenAI-compatible stub on ${openai.baseUrl}`);
		}

		const pg = await resolvePostgres({ embedded: options.embeddedPostgres ?? false, embeddedPort: options.embeddedPostgresPort ?? 0, dataDir: options.embeddedPostgresDir, log });
		stops.push(() => pg.stop());
		stack.postgres = pg.config;

		const keyFile = path.join(userFolder, '.metakocka-encryption-key');
		fs.mkdirSync(userFolder, { recursive: true });
		if (!fs.existsSync(keyFile)) fs.writeFileSync(keyFile, options.encryptionKey ?? crypto.randomBytes(24).toString('hex'));
		const encryptionKey = fs.readFileSync(keyFile, 'utf8').trim();

		const port = options.port ?? (await freePort());
		const brokerPort = options.brokerPort ?? (await freePort());
		for (const p of [port, brokerPort]) if (await portInUse(p)) throw new Error(`Port ${p} on 127.0.0.1 is in use`);
		const n8n = await startN8n({
			runtime,
			userFolder,
			port,
			brokerPort,
			encryptionKey,
			logFile: options.logFile ?? path.join(workDir, 'n8n.log'),
			extraEnv: options.n8nEnv,
			log,
		});
		stops.push(async () => {
			if (options.copyLogTo) fs.copyFileSync(n8n.logFile, options.copyLogTo);
			await n8n.stop();
			log('n8n stopped');
		});
		stack.n8n = n8n;
		stack.url = n8n.url;

		const client = new N8nClient(n8n.url);
		stack.client = client;
		stack.owner = await client.ensureOwner(options.owner ?? DEFAULT_OWNER);

		const specs = credentialSpecs({ sandbox: stack.sandbox, postgres: stack.postgres, openai: stack.openai });
		stack.credentials = {};
		for (const [slot, spec] of Object.entries(specs)) if (spec) stack.credentials[slot] = await client.ensureCredential(spec);
		log(`credentials created in n8n: ${Object.values(stack.credentials).map((c) => `${c.name} (${c.type})`).join(', ')}`);
		log(`stack up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
		return stack;
	} catch (error) {
		await stack.stop();
		throw error;
	}
}

module.exports = {
	ROOT,
	PACKAGE_NAME,
	DEFAULT_OWNER,
	N8nClient,
	adaptWorkflow,
	buildAndPack,
	credentialSpecs,
	freePort,
	installPackage,
	readExample,
	startN8n,
	startStack,
};
