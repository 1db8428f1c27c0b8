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

/**
 * Starts `n8n start` with Node 24; resolves once the REST API answers. With `command: 'worker'` it
 * starts `n8n worker` (queue mode) instead: `port` is then the main instance's port (for the URLs the
 * worker builds), `healthPort` the worker server's (QUEUE_HEALTH_CHECK_PORT, on 127.0.0.1), and it
 * resolves once /healthz/readiness there answers 200 (database migrated, Redis connected, jobs taken).
 * `args` are appended to the command (e.g. ['--concurrency=1']).
 */
async function startN8n({ runtime, userFolder, port, brokerPort, encryptionKey, logFile, extraEnv, log = defaultLog, timeoutMs = 240000, command = 'start', args = [], healthPort, name }) {
	const worker = command === 'worker';
	if (worker && !healthPort) throw new Error('startN8n: a worker needs a healthPort');
	fs.mkdirSync(userFolder, { recursive: true });
	const out = fs.openSync(logFile, 'a');
	const workerEnv = worker
		? { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(healthPort), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1', EXECUTIONS_MODE: 'queue' }
		: {};
	const env = n8nEnv({ userFolder, port, brokerPort, encryptionKey, extraEnv: { ...workerEnv, ...(extraEnv ?? {}) }, nodeBin: runtime.nodeBin });
	const child = spawn(runtime.nodeBin, ['--require', path.join(__dirname, 'parent-watchdog.js'), runtime.n8nBin, command, ...args], {
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
	const url = worker ? `http://127.0.0.1:${healthPort}` : `http://127.0.0.1:${port}`;
	const tail = () => fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
	const label = name ?? (worker ? 'n8n worker' : 'n8n');
	const handle = {
		url,
		port: worker ? healthPort : port,
		brokerPort,
		pid: child.pid,
		logFile,
		role: worker ? 'worker' : 'main',
		name: label,
		userFolder,
		tail,
		/** Whether the process has exited (and how). */
		exited: () => exited,
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
	if (worker) log(`starting ${label} ${runtime.n8nVersion} (health ${url}, broker 127.0.0.1:${brokerPort}, user folder ${userFolder})`);
	else log(`starting n8n ${runtime.n8nVersion} on ${url} (broker 127.0.0.1:${brokerPort}, user folder ${userFolder})`);
	for (;;) {
		if (exited) throw new Error(`${label} exited during start-up (${JSON.stringify(exited)}):\n${tail()}`);
		if (Date.now() - started > timeoutMs) {
			await handle.stop();
			throw new Error(`${label} did not answer on ${url} within ${timeoutMs / 1000} s:\n${tail()}`);
		}
		try {
			const ready = await fetch(`${url}/healthz/readiness`);
			if (ready.ok) {
				if (worker) break;
				const settings = await fetch(`${url}/rest/settings`);
				if (settings.ok) break;
			}
		} catch {
			// not listening yet
		}
		await sleep(500);
	}
	log(`${label} answered after ${((Date.now() - started) / 1000).toFixed(1)} s`);
	return handle;
}

/** n8n's internal REST API as the editor uses it: the auth cookie plus the browser-id it was issued for. */
class N8nClient {
	constructor(baseUrl, { cookie = '', browserId = `n8n-nodes-metakocka-${crypto.randomBytes(6).toString('hex')}`, webhookHeaders = {} } = {}) {
		this.baseUrl = baseUrl.replace(/\/+$/, '');
		this.cookie = cookie;
		this.browserId = browserId;
		// Sent with every webhook() call unless told otherwise: the examples' Header Auth.
		this.webhookHeaders = webhookHeaders;
	}

	/**
	 * One call to n8n. A read that fails before any answer (a kept-alive connection n8n closed meanwhile:
	 * "fetch failed", other side closed) is tried again; a write is not (it may have arrived), and the
	 * error names the call and the cause.
	 */
	async request(method, urlPath, body, { headers = {} } = {}) {
		let response;
		for (let attempt = 1; ; attempt++) {
			try {
				response = await fetch(`${this.baseUrl}${urlPath}`, {
					method,
					headers: {
						'browser-id': this.browserId,
						...(this.cookie ? { cookie: this.cookie } : {}),
						...(body === undefined ? {} : { 'content-type': 'application/json' }),
						...headers,
					},
					body: body === undefined ? undefined : JSON.stringify(body),
				});
				break;
			} catch (error) {
				const cause = error.cause?.code ?? error.cause?.message ?? error.message;
				if (method === 'GET' && attempt < 3) {
					await sleep(500 * attempt);
					continue;
				}
				const failure = new Error(`${method} ${urlPath}: no answer from n8n (${cause})`);
				failure.noAnswer = true;
				throw failure;
			}
		}
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
		try {
			return await this.rest('POST', '/workflows', { ...body, active: false });
		} catch (error) {
			if (!error.noAnswer) throw error;
			// No answer: created or not? Look before sending it again.
			const existing = (await this.workflows()).find((w) => w.name === workflow.name);
			if (existing) return existing;
			return await this.rest('POST', '/workflows', { ...body, active: false });
		}
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

	/**
	 * Calls a production webhook; retries while n8n is still registering it after activation. Sends
	 * the client's webhookHeaders (the examples' Header Auth) unless `auth: false`; `headers` are added.
	 */
	async webhook(webhookPath, body, { method = 'POST', timeoutMs = 30000, auth = true, headers = {} } = {}) {
		const started = Date.now();
		for (;;) {
			const response = await fetch(`${this.baseUrl}/webhook/${webhookPath}`, {
				method,
				headers: { 'content-type': 'application/json', ...(auth ? this.webhookHeaders : {}), ...headers },
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
		// Every output of every node (the error output too), with each item's json, pairedItem and error.
		const outputs = {};
		for (const [node, runs] of Object.entries(data?.resultData?.runData ?? {})) {
			outputs[node] = (runs[0]?.data?.main ?? []).map((items) => (items ?? []).map((item) => ({ json: item.json, pairedItem: item.pairedItem, error: item.error })));
		}
		const nodeErrors = {};
		for (const [node, runs] of Object.entries(data?.resultData?.runData ?? {})) {
			const error = runs.find((run) => run.error)?.error;
			if (error) nodeErrors[node] = error;
		}
		return { id: raw.id, status: raw.status, finished: raw.finished, mode: raw.mode, error: data?.resultData?.error?.message, errors, nodeErrors, runData, outputs, lastNode: data?.resultData?.lastNodeExecuted };
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
function credentialSpecs({ sandbox, postgres, openai, webhookToken }) {
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
		// The Header Auth every example webhook requires (they write to Metakocka or answer with its data).
		httpHeaderAuth: webhookToken ? { name: 'Webhook token (examples)', type: 'httpHeaderAuth', data: { name: 'Authorization', value: `Bearer ${webhookToken}` } } : undefined,
	};
}

const CREDENTIAL_SLOTS = {
	'n8n-nodes-base.postgres': ['postgres'],
	// Only a webhook that asks for Header Auth gets the credential (see adaptWorkflow).
	'n8n-nodes-base.webhook': ['httpHeaderAuth'],
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
		let slots = ours ? (packageCredentialSlots()[node.type.replace(/Tool$/, '')] ?? []) : (CREDENTIAL_SLOTS[node.type] ?? []);
		if (node.type === 'n8n-nodes-base.webhook' && node.parameters?.authentication !== 'headerAuth') slots = [];
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

// --- queue mode: n8n's database in Postgres, Redis ----------------------------------------------

/** Whether Redis answers PING on host:port. */
function redisAnswers({ host, port }, timeoutMs = 2000) {
	return new Promise((resolve) => {
		const socket = net.connect({ port, host });
		const done = (ok) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(timeoutMs, () => done(false));
		socket.once('error', () => done(false));
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.once('data', (data) => done(/^\+PONG/.test(data.toString())));
	});
}

/** Deletes every Redis key under the given prefixes (the run's Bull queue, pub/sub and cache keys). */
async function deleteRedisKeys({ host, port }, prefixes, runtime) {
	const Redis = require(require.resolve('ioredis', { paths: [runtime.n8nDir] }));
	const redis = new Redis({ host, port, lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
	let deleted = 0;
	try {
		await redis.connect();
		for (const prefix of prefixes) {
			let cursor = '0';
			do {
				const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
				cursor = next;
				if (keys.length) deleted += await redis.del(...keys);
			} while (cursor !== '0');
		}
	} finally {
		redis.disconnect();
	}
	return deleted;
}

function pgClient(config, database = config.database) {
	const { Client } = require(require.resolve('pg', { paths: [ROOT] }));
	return new Client({ host: config.host, port: config.port, user: config.user, password: config.password ?? '', database, connectionTimeoutMillis: 5000 });
}

async function createDatabase(config, name) {
	const client = pgClient(config);
	await client.connect();
	try {
		await client.query(`CREATE DATABASE "${name}"`);
	} finally {
		await client.end().catch(() => {});
	}
}

async function dropDatabase(config, name) {
	const client = pgClient(config);
	await client.connect();
	try {
		// WITH (FORCE): a killed n8n may leave a connection behind (Postgres 13+).
		await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
	} finally {
		await client.end().catch(() => {});
	}
}

/** The log file of worker `index` (1-based), next to the main log: n8n.log → n8n.worker-1.log. */
function workerLogFile(mainLogFile, index) {
	const ext = path.extname(mainLogFile);
	return `${mainLogFile.slice(0, mainLogFile.length - ext.length)}.worker-${index}${ext || '.log'}`;
}

/**
 * A worker's own user folder (n8n keeps a crash journal, an event log and its settings there, and a
 * second process finding the first one's crash journal waits 10 s), sharing the main instance's
 * installed community packages through a symlink.
 */
function prepareWorkerFolder(folder, mainUserFolder) {
	const dotN8n = path.join(folder, '.n8n');
	fs.mkdirSync(dotN8n, { recursive: true });
	const link = path.join(dotN8n, 'nodes');
	const target = path.join(mainUserFolder, '.n8n', 'nodes');
	let current;
	try {
		current = fs.readlinkSync(link);
	} catch {
		current = undefined;
	}
	if (current !== target) {
		fs.rmSync(link, { recursive: true, force: true });
		fs.symlinkSync(target, link, 'dir');
	}
}

/** Which worker ran which execution, from the workers' logs ("Worker started execution 12 (job 3)"). */
function executionWorkers(workers) {
	const byExecution = {};
	workers.forEach((w, i) => {
		let text = '';
		try {
			text = fs.readFileSync(w.logFile, 'utf8');
		} catch {
			return;
		}
		for (const m of text.matchAll(/Worker started execution (\d+) \(job ([^)]+)\)/g)) {
			(byExecution[m[1]] ??= []).push({ worker: i + 1, name: w.name, job: m[2] });
		}
	});
	return byExecution;
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
 *   tgz: an already packed package to install (no build, no pack)
 *   n8nDatabase: 'sqlite' (default) or 'postgres': n8n's own database in a fresh Postgres database
 *     (n8n_e2e_<random>) on the Postgres the credentials use, dropped by stop();
 *     n8nPostgresDatabase: use this existing database instead (kept)
 *   queueMode: true for EXECUTIONS_MODE=queue with Redis (implies n8nDatabase 'postgres'):
 *     redis: {host, port} (default REDIS_HOST/REDIS_PORT or 127.0.0.1:6379), a unique Bull and Redis
 *     key prefix per stack (keys deleted by stop()), workers: how many `n8n worker` processes
 *     (default 2), workerConcurrency: their --concurrency (default n8n's), workerEnv: extra env for them
 *   n8nEnv: extra environment for every n8n process
 * The stack has stop(), and stopN8n(), startN8n() and restart({ whileStopped }) to stop and start
 * n8n (main and workers) again with the same user folder, database, ports and key; the sandbox, the
 * stub and the credentials stay.
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

		const queueMode = options.queueMode === true;
		const workerCount = queueMode ? Math.max(0, Number(options.workers ?? 2)) : 0;
		if (!queueMode && options.workers) throw new Error('startStack: workers need queueMode: true');
		const n8nDatabase = options.n8nDatabase ?? (queueMode ? 'postgres' : 'sqlite');
		if (queueMode && n8nDatabase !== 'postgres') throw new Error('startStack: queue mode needs n8nDatabase: postgres (a database all processes share)');

		const userFolder = options.userFolder ?? path.join(workDir, 'user');
		stack.userFolder = userFolder;
		const tgz = options.tgz ?? buildAndPack({ outDir: path.join(workDir, 'pack'), log, build: options.build !== false });
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

		// n8n's own database.
		const n8nEnvExtra = {};
		if (n8nDatabase === 'postgres') {
			if (pg.embedded) throw new Error('startStack: n8n in Postgres (queue mode) needs a real Postgres, not the embedded PGlite');
			const database = options.n8nPostgresDatabase ?? `n8n_e2e_${crypto.randomBytes(5).toString('hex')}`;
			if (!options.n8nPostgresDatabase) {
				await createDatabase(pg.config, database);
				stops.push(async () => {
					await dropDatabase(pg.config, database);
					log(`dropped n8n's database ${database}`);
				});
			}
			stack.n8nDatabase = { type: 'postgresdb', ...pg.config, database };
			Object.assign(n8nEnvExtra, {
				DB_TYPE: 'postgresdb',
				DB_POSTGRESDB_HOST: pg.config.host,
				DB_POSTGRESDB_PORT: String(pg.config.port),
				DB_POSTGRESDB_DATABASE: database,
				DB_POSTGRESDB_USER: pg.config.user,
				DB_POSTGRESDB_PASSWORD: pg.config.password ?? '',
				DB_POSTGRESDB_SCHEMA: 'public',
			});
			log(`n8n's database: Postgres ${pg.config.host}:${pg.config.port}/${database}`);
		} else if (n8nDatabase === 'sqlite') {
			stack.n8nDatabase = { type: 'sqlite', file: path.join(userFolder, '.n8n', 'database.sqlite') };
		} else {
			throw new Error(`startStack: unknown n8nDatabase ${n8nDatabase}`);
		}

		if (queueMode) {
			const redis = {
				host: options.redis?.host ?? process.env.REDIS_HOST ?? '127.0.0.1',
				port: Number(options.redis?.port ?? process.env.REDIS_PORT ?? 6379),
			};
			if (!(await redisAnswers(redis))) throw new Error(`Queue mode needs Redis; nothing answered PING on ${redis.host}:${redis.port} (set REDIS_HOST/REDIS_PORT)`);
			const token = crypto.randomBytes(5).toString('hex');
			// Unique per stack, so runs (and other stacks on the same Redis) never see each other's jobs or messages.
			const bullPrefix = `bull-mke2e-${token}`;
			const redisPrefix = `n8n-mke2e-${token}`;
			stack.queue = { redis, bullPrefix, redisPrefix };
			Object.assign(n8nEnvExtra, {
				EXECUTIONS_MODE: 'queue',
				QUEUE_BULL_REDIS_HOST: redis.host,
				QUEUE_BULL_REDIS_PORT: String(redis.port),
				QUEUE_BULL_PREFIX: bullPrefix,
				N8N_REDIS_KEY_PREFIX: redisPrefix,
			});
			stops.push(async () => {
				const deleted = await deleteRedisKeys(redis, [bullPrefix, redisPrefix], runtime);
				log(`deleted ${deleted} Redis keys under ${bullPrefix}:*, ${redisPrefix}:*`);
			});
			log(`queue mode: Redis ${redis.host}:${redis.port}, Bull prefix ${bullPrefix}, ${workerCount} worker(s)`);
		}

		const port = options.port ?? (await freePort());
		const brokerPort = options.brokerPort ?? (await freePort());
		for (const p of [port, brokerPort]) if (await portInUse(p)) throw new Error(`Port ${p} on 127.0.0.1 is in use`);
		const logFile = options.logFile ?? path.join(workDir, 'n8n.log');
		const mainEnv = { ...n8nEnvExtra, ...(options.n8nEnv ?? {}) };
		const workerSpecs = [];
		for (let i = 1; i <= workerCount; i++) {
			const healthPort = await freePort();
			const workerBroker = await freePort();
			workerSpecs.push({
				index: i,
				name: `n8n worker ${i}`,
				userFolder: path.join(workDir, `worker-${i}`),
				healthPort,
				brokerPort: workerBroker,
				logFile: workerLogFile(logFile, i),
				args: options.workerConcurrency ? [`--concurrency=${options.workerConcurrency}`] : [],
				env: { ...mainEnv, ...(options.workerEnv ?? {}) },
			});
		}
		stack.workers = [];

		const startProcesses = async () => {
			const n8n = await startN8n({ runtime, userFolder, port, brokerPort, encryptionKey, logFile, extraEnv: mainEnv, log });
			stack.n8n = n8n;
			stack.url = n8n.url;
			// Workers after the main instance: it runs the database migrations they wait for.
			stack.workers = [];
			const results = await Promise.allSettled(
				workerSpecs.map(async (w) => {
					prepareWorkerFolder(w.userFolder, userFolder);
					return await startN8n({
						runtime,
						userFolder: w.userFolder,
						port,
						brokerPort: w.brokerPort,
						healthPort: w.healthPort,
						encryptionKey,
						logFile: w.logFile,
						extraEnv: w.env,
						command: 'worker',
						args: w.args,
						name: w.name,
						log,
					});
				}),
			);
			stack.workers = results.filter((r) => r.status === 'fulfilled').map((r) => r.value);
			const failed = results.find((r) => r.status === 'rejected');
			if (failed) {
				await stopProcesses();
				throw failed.reason;
			}
		};
		let processesRunning = false;
		const stopProcesses = async () => {
			const workers = stack.workers ?? [];
			await Promise.all(workers.map((w) => w.stop()));
			if (stack.n8n) await stack.n8n.stop();
			processesRunning = false;
		};

		await startProcesses();
		processesRunning = true;
		stops.push(async () => {
			if (options.copyLogTo) fs.copyFileSync(stack.n8n.logFile, options.copyLogTo);
			await stopProcesses();
			log('n8n stopped');
		});

		const client = new N8nClient(stack.n8n.url);
		stack.client = client;
		stack.owner = await client.ensureOwner(options.owner ?? DEFAULT_OWNER);

		/** Stops n8n (workers first, then main); the rest of the stack keeps running. */
		stack.stopN8n = async () => {
			if (!processesRunning) return;
			await stopProcesses();
			log('n8n stopped (for a restart)');
		};
		/** Starts n8n again as it was (same user folder, database, ports, key) and logs the client in again. */
		stack.startN8n = async () => {
			if (processesRunning) return;
			if (stopped) throw new Error('startN8n: the stack was stopped');
			await startProcesses();
			processesRunning = true;
			await client.ensureOwner(stack.owner);
		};
		/** stopN8n, then whileStopped() (e.g. changes n8n must not see live), then startN8n. */
		stack.restart = async ({ whileStopped } = {}) => {
			const t = Date.now();
			await stack.stopN8n();
			if (whileStopped) await whileStopped();
			await stack.startN8n();
			log(`n8n restarted in ${((Date.now() - t) / 1000).toFixed(1)} s`);
		};
		/** executionId → [{worker (1-based), name, job}] from the workers' logs. */
		stack.executionWorkers = () => executionWorkers(stack.workers ?? []);

		// The examples' webhook token: kept in the user folder like the encryption key, so it stays the same across restarts.
		const tokenFile = path.join(userFolder, '.metakocka-webhook-token');
		if (!fs.existsSync(tokenFile)) fs.writeFileSync(tokenFile, options.webhookToken ?? crypto.randomBytes(24).toString('hex'), { mode: 0o600 });
		const webhookToken = fs.readFileSync(tokenFile, 'utf8').trim();
		stack.webhookAuth = { header: 'Authorization', value: `Bearer ${webhookToken}` };
		client.webhookHeaders = { authorization: stack.webhookAuth.value };
		const specs = credentialSpecs({ sandbox: stack.sandbox, postgres: stack.postgres, openai: stack.openai, webhookToken });
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
	deleteRedisKeys,
	executionWorkers,
	freePort,
	installPackage,
	readExample,
	redisAnswers,
	startN8n,
	startStack,
};
