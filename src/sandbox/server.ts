// HTTP server: routing by URL family, auth, latency, faults, the per-company search queue, the
// per-company capacity and the /__sandbox/ control API.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
	changeDocumentStatus,
	deleteDocument,
	getChangeDocuments,
	getDocument,
	markOrdersAsShipped,
	putDocument,
	putTransaction,
	renderDoc,
	updateDocument,
} from './documents';
import { getMessage, sendMessage } from './messages';
import { Company, DEFAULT_READINGS, IdGen, type SandboxReadings } from './model';
import { addPartner, getPartner, renderPartner, updatePartner } from './partners';
import { productAdd, productDelete, productList, productUpdate, renderProduct } from './products';
import { DOC_TYPES, resolveMethod, WRITE_METHODS } from './registers';
import { isRaw, type RawReply, report } from './report';
import { search, searchQueryAdvanceDiscovery } from './search';
import { applySeed, type SeedData } from './seed';
import { computeStock, renderStockRow, syncStock, syncStockNeedsUser, warehouseList, warehouseStock } from './stock';
import { fail, html404Page, htmlErrorPage, INTERNAL_ERROR, isObj, type Obj, str, text } from './wire';
import { stockFingerprints, WebhookDispatcher, type WebhookDelivery, type WebhookReceiverSpec } from './webhooks';

export type FaultKind = 'http_500' | 'http_503' | 'drop' | 'timeout' | 'opr_error' | 'applied_lost' | 'html_404' | 'slow_answer';
export const FAULT_KINDS: readonly FaultKind[] = ['http_500', 'http_503', 'drop', 'timeout', 'opr_error', 'applied_lost', 'html_404', 'slow_answer'];

export interface FaultSpec {
	/** Metakocka method name or '*' (default: any). */
	method?: string;
	kind: FaultKind;
	/** How many calls it hits (default 1). */
	times?: number;
	/**
	 * 'timeout': how long the request is held before it is processed (default 60 s).
	 * 'slow_answer': the call is applied at once and its answer held this long (default 48 s: the
	 * docs' create_invoice example took 47.8 s [DOC:documents_put_document_sales_order.md], a public
	 * integration saw put_document take about 48 s [OBS time-4-action/t4a-admin lib/metakocka.ts]).
	 */
	delayMs?: number;
	/** Let this many matching calls through first (default 0): a fault in the middle of a run. */
	after?: number;
}

export interface SandboxCompany {
	companyId: string;
	secretKey: string;
	apiUserEmail?: string;
}

/** Read-only snapshot of one company's data, in the API's own shapes. */
export interface SandboxStore {
	companyId: string;
	partners: Obj[];
	products: Obj[];
	warehouses: Obj[];
	stock: Obj[];
	documents: Record<string, Obj[]>;
	messages: Obj[];
}

/** Queueing and concurrency seen by the sandbox since start or the last stats reset. */
export interface SandboxStats {
	/** The highest number of searches of one company running at once (1: the queue held). */
	maxConcurrentSearchesPerCompany: number;
	/** Searches that arrived while another search of the same company ran or waited. */
	searchesQueued: number;
	/** The highest number of Metakocka calls (any method) in flight at once: how hard a client pushed. */
	maxConcurrentCalls: number;
	/** The most calls of one company being processed at once (never above the capacity). */
	maxProcessingPerCompany: number;
	/** Calls that waited for a free slot of their company's capacity. */
	callsQueued: number;
	/** The longest wait queue of one company. */
	maxQueuedPerCompany: number;
	/** Calls refused (503) or held until the client gave up because the queue was full. */
	overloaded: number;
}

/** What the sandbox does with a call that finds its company's queue full [INF]. */
export type OverloadMode = 'http_503' | 'timeout';

/**
 * A server with a capacity [INF: Metakocka documents no write or rate limit; this models an
 * ordinary overloaded application server]: per company at most `capacity` calls are processed at
 * once, the rest wait in a FIFO queue (their latency grows), and past `queueLimit` waiting calls a
 * new one is answered 503 or held unanswered until the client gives up; either way it was never
 * processed.
 */
export interface CapacityConfig {
	/** Calls processed at once per company (default 8). */
	capacity: number;
	/** Calls that may wait per company before the sandbox sheds load (default 8 × capacity). */
	queueLimit: number;
	overload: OverloadMode;
}

export const DEFAULT_CAPACITY = 8;
const TRACE_BUCKET_MS = 250;
const TRACE_MAX = 20_000;

export interface ServerConfig {
	companies: SandboxCompany[];
	latencyMs: number;
	faultRate: number;
	faultSeed: number;
	seed: SeedData;
	/** Delay between webhook attempts (default 60 s, as documented). */
	webhookRetryDelayMs?: number;
	/** Which reading of an open question the sandbox plays (default: DEFAULT_READINGS). */
	readings?: Partial<SandboxReadings>;
	capacity?: Partial<CapacityConfig>;
}

type Handler = (c: Company, body: Obj, baseUrl: string) => Obj | RawReply;

/** A call the capacity gate shed: its answer (503 or none) is already decided. */
const SHED: Obj = Object.freeze({}) as Obj;

const HANDLERS: Record<string, Handler> = {
	put_document: (c, b) => putDocument(c, b),
	get_document: getDocument,
	update_document: updateDocument,
	delete_document: deleteDocument,
	get_change_documents: getChangeDocuments,
	change_document_status: changeDocumentStatus,
	put_transaction: putTransaction,
	mark_orders_as_shipped: markOrdersAsShipped,
	search,
	search_query_advance_discovery: searchQueryAdvanceDiscovery,
	add_partner: addPartner,
	update_partner: updatePartner,
	get_partner: getPartner,
	product_list: productList,
	product_add: productAdd,
	product_update: productUpdate,
	product_delete: productDelete,
	warehouse_list: warehouseList,
	warehouse_stock: warehouseStock,
	sync_stock: (c, b) => syncStockNeedsUser(c, b) ?? syncStock(c, b),
	send_message: sendMessage,
	get_message: getMessage,
	report: (c, b, baseUrl) => report(c, b, baseUrl),
};

/** Seeded PRNG (mulberry32) so random fault runs are reproducible. */
function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

interface Gate {
	processing: number;
	waiting: Array<() => void>;
}

const emptyStats = (): SandboxStats => ({
	maxConcurrentSearchesPerCompany: 0,
	searchesQueued: 0,
	maxConcurrentCalls: 0,
	maxProcessingPerCompany: 0,
	callsQueued: 0,
	maxQueuedPerCompany: 0,
	overloaded: 0,
});

export function capacityConfig(given: Partial<CapacityConfig> = {}, base?: CapacityConfig): CapacityConfig {
	const capacity = given.capacity ?? base?.capacity ?? DEFAULT_CAPACITY;
	if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`capacity must be a positive integer, got ${String(capacity)}`);
	const queueLimit = given.queueLimit ?? (given.capacity !== undefined || !base ? 8 * capacity : base.queueLimit);
	if (!Number.isInteger(queueLimit) || queueLimit < 0) throw new Error(`queueLimit must be a non-negative integer, got ${String(queueLimit)}`);
	const overload = given.overload ?? base?.overload ?? 'http_503';
	if (overload !== 'http_503' && overload !== 'timeout') throw new Error(`overload must be "http_503" or "timeout", got ${String(overload)}`);
	return { capacity, queueLimit, overload };
}

interface SearchLock {
	tail: Promise<void>;
	running: number;
	waiting: number;
}

export class SandboxServer {
	readonly http: http.Server;
	baseUrl = '';
	private companies = new Map<string, Company>();
	private readonly ids = new IdGen();
	private counts: Record<string, number> = {};
	private faults: Array<{ spec: FaultSpec; left: number; skip: number }> = [];
	private latency: number;
	private faultRate: number;
	private rng: () => number;
	private locks = new Map<string, SearchLock>();
	private searchStats = emptyStats();
	private gates = new Map<string, Gate>();
	private capacityCfg: CapacityConfig;
	/** Metakocka calls being answered right now (any method, any company). */
	private inFlight = 0;
	private inFlightTrace: Array<[number, number]> = [];
	private statsSince = Date.now();
	private timers = new Set<NodeJS.Timeout>();
	readonly webhooks: WebhookDispatcher;

	constructor(private readonly cfg: ServerConfig) {
		this.webhooks = new WebhookDispatcher(cfg.companies[0].companyId, cfg.webhookRetryDelayMs);
		this.latency = cfg.latencyMs;
		this.faultRate = cfg.faultRate;
		this.capacityCfg = capacityConfig(cfg.capacity);
		this.rng = mulberry32(cfg.faultSeed);
		this.reset(cfg.seed);
		this.http = http.createServer((req, res) => {
			this.handle(req, res).catch((e: unknown) => {
				if (!res.headersSent && !res.destroyed) this.sendJson(res, fail('1', INTERNAL_ERROR, { sandbox_error: String(e) }));
			});
		});
		// Keep-alive sockets must not hold close() open.
		this.http.keepAliveTimeout = 2000;
	}

	async listen(port: number, host: string): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			this.http.once('error', reject);
			this.http.listen(port, host, () => resolve());
		});
		const a = this.http.address() as AddressInfo;
		this.baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${a.port}`;
	}

	async close(): Promise<void> {
		this.webhooks.close();
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
		await new Promise<void>((resolve) => {
			this.http.close(() => resolve());
			this.http.closeAllConnections();
		});
	}

	// --- public controls ----------------------------------------------------------------------

	reset(seed?: SeedData): void {
		const data = structuredClone(seed ?? this.cfg.seed);
		this.companies.clear();
		for (const co of this.cfg.companies) {
			const c = new Company(co.companyId, co.secretKey, this.ids);
			c.readings = { ...DEFAULT_READINGS, ...this.cfg.readings };
			applySeed(c, structuredClone(data));
			if (co.apiUserEmail) c.apiUserEmails.push(co.apiUserEmail);
			this.companies.set(co.companyId, c);
		}
	}

	counters(): Record<string, number> {
		return { ...this.counts };
	}
	resetCounters(): void {
		this.counts = {};
	}
	injectFault(spec: FaultSpec): void {
		if (!FAULT_KINDS.includes(spec.kind)) throw new Error(`Unknown fault kind: ${String(spec.kind)}`);
		this.faults.push({ spec, left: Math.max(1, Math.trunc(spec.times ?? 1)), skip: Math.max(0, Math.trunc(spec.after ?? 0)) });
	}
	clearFaults(): void {
		this.faults = [];
	}
	setLatency(ms: number): void {
		this.latency = Math.max(0, Number(ms) || 0);
	}
	setFaultRate(rate: number): void {
		this.faultRate = Math.min(1, Math.max(0, Number(rate) || 0));
	}
	stats(): SandboxStats {
		return { ...this.searchStats };
	}
	resetStats(): void {
		this.searchStats = emptyStats();
		this.inFlightTrace = [];
		this.statsSince = Date.now();
	}
	/** Changes capacity, queue bound and overload answer; calls already waiting keep their place. */
	setCapacity(given: Partial<CapacityConfig>): CapacityConfig {
		this.capacityCfg = capacityConfig(given, this.capacityCfg);
		for (const gate of this.gates.values()) this.pump(gate);
		return { ...this.capacityCfg };
	}
	capacity(): CapacityConfig {
		return { ...this.capacityCfg };
	}

	// --- webhooks [DOC:webhooks.md]; receivers are registered here, not in a UI [INF] ----------------

	addWebhook(spec: WebhookReceiverSpec): string {
		if (spec.company_id !== undefined && !this.companies.has(String(spec.company_id))) throw new Error(`Unknown company ${String(spec.company_id)}`);
		return this.webhooks.register(spec);
	}

	/** A stock recalculation of one product without a change (by mk_id, count_code or code): delivers its event. */
	fireStockWebhook(product: { mk_id?: string; count_code?: string; code?: string }, companyId?: string): string[] {
		const c = this.companies.get(companyId ?? this.cfg.companies[0].companyId);
		if (!c) throw new Error(`Unknown company ${companyId}`);
		const p = c.products.find(
			(x) => (product.mk_id && x.mk_id === product.mk_id) || (product.count_code && x.count_code === product.count_code) || (product.code && str(x.fields.code) === product.code),
		);
		if (!p) throw new Error('Unknown product');
		return this.webhooks.fire(c, p.mk_id);
	}

	webhookDeliveries(): WebhookDelivery[] {
		return this.webhooks.deliveries();
	}

	store(companyId?: string): SandboxStore {
		const c = this.companies.get(companyId ?? this.cfg.companies[0].companyId);
		if (!c) throw new Error(`Unknown company ${companyId}`);
		const documents: Record<string, Obj[]> = {};
		for (const dt of DOC_TYPES) documents[dt] = c.docsOf(dt).map((d) => renderDoc(c, d, { show_product_detail: 'true', show_payment_detail: 'true' }));
		return structuredClone({
			companyId: c.companyId,
			partners: c.partners.map((p) => renderPartner(p, true)),
			products: c.products.map((p) => renderProduct(c, p, { return_warehause_stock: 'true', return_pricelist: 'true' })),
			warehouses: c.warehouses.map((w) => ({ ...w })),
			stock: computeStock(c).map((r) => renderStockRow(c, r)),
			documents,
			messages: c.messages,
		});
	}

	// --- request handling -----------------------------------------------------------------------

	private sleep(ms: number): Promise<void> {
		if (ms <= 0) return Promise.resolve();
		return new Promise((resolve) => {
			const t = setTimeout(() => {
				this.timers.delete(t);
				resolve();
			}, ms);
			this.timers.add(t);
		});
	}

	/** The most calls in flight per 250 ms since the stats were reset: a client's concurrency over time, as the server sees it. */
	private trace(): void {
		const bucket = Math.floor((Date.now() - this.statsSince) / TRACE_BUCKET_MS);
		const last = this.inFlightTrace[this.inFlightTrace.length - 1];
		if (last && last[0] === bucket) last[1] = Math.max(last[1], this.inFlight);
		else if (this.inFlightTrace.length < TRACE_MAX) this.inFlightTrace.push([bucket, this.inFlight]);
	}

	/** [250 ms bucket since the stats reset, most calls in flight in it]; only buckets with calls. */
	inFlightTimeline(): Array<[number, number]> {
		return this.inFlightTrace.map(([b, n]) => [b * TRACE_BUCKET_MS, n]);
	}

	private count(key: string): void {
		this.counts[key] = (this.counts[key] ?? 0) + 1;
	}

	private takeFault(method: string): FaultSpec | undefined {
		const i = this.faults.findIndex((f) => !f.spec.method || f.spec.method === '*' || f.spec.method === method);
		if (i >= 0) {
			const f = this.faults[i];
			if (f.skip > 0) f.skip--;
			else {
				if (--f.left <= 0) this.faults.splice(i, 1);
				return f.spec;
			}
		}
		if (this.faultRate > 0 && this.rng() < this.faultRate) {
			const kinds: FaultKind[] = ['http_503', 'drop', 'opr_error'];
			if (WRITE_METHODS.has(method)) kinds.push('applied_lost');
			return { kind: kinds[Math.floor(this.rng() * kinds.length)] };
		}
		return undefined;
	}

	private sendJson(res: http.ServerResponse, body: unknown, status = 200): void {
		const data = Buffer.from(JSON.stringify(body));
		res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': data.length });
		res.end(data);
	}

	private sendHtml(res: http.ServerResponse, status: number, html: string): void {
		const data = Buffer.from(html);
		res.writeHead(status, { 'Content-Type': 'text/html;charset=utf-8', 'Content-Length': data.length });
		res.end(data);
	}

	private async readBody(req: http.IncomingMessage): Promise<Buffer> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		return Buffer.concat(chunks);
	}

	private auth(body: Obj): Company | undefined {
		// company_id arrives as "16" or 16 [DOC].
		const c = this.companies.get(str(body.company_id)?.trim() ?? '');
		return c && str(body.secret_key) === c.secretKey ? c : undefined;
	}

	private pump(gate: Gate): void {
		while (gate.processing < this.capacityCfg.capacity && gate.waiting.length > 0) {
			gate.processing++;
			gate.waiting.shift()!();
		}
	}

	/**
	 * Runs fn in one of the company's processing slots [INF, see CapacityConfig]. false when the
	 * queue is full: the call was shed (answered 503 or left hanging) and fn never ran.
	 */
	private async withCapacity(companyId: string, res: http.ServerResponse, fn: () => Promise<void>): Promise<boolean> {
		let gate = this.gates.get(companyId);
		if (!gate) this.gates.set(companyId, (gate = { processing: 0, waiting: [] }));
		const cfg = this.capacityCfg;
		if (gate.processing >= cfg.capacity || gate.waiting.length > 0) {
			if (gate.waiting.length >= cfg.queueLimit) {
				this.searchStats.overloaded++;
				if (cfg.overload === 'http_503') this.sendHtml(res, 503, htmlErrorPage(503, 'Service Temporarily Unavailable'));
				// 'timeout': no answer; the socket closes when the client gives up (or the server stops).
				return false;
			}
			this.searchStats.callsQueued++;
			await new Promise<void>((resolve) => {
				gate.waiting.push(resolve);
				this.searchStats.maxQueuedPerCompany = Math.max(this.searchStats.maxQueuedPerCompany, gate.waiting.length);
			});
		} else gate.processing++;
		this.searchStats.maxProcessingPerCompany = Math.max(this.searchStats.maxProcessingPerCompany, gate.processing);
		try {
			await fn();
		} finally {
			gate.processing--;
			this.pump(gate);
		}
		return true;
	}

	/** One search at a time per company; parallel ones wait in a server-side queue [DOC:search_concept.md]. */
	private async serialSearch<T>(companyId: string, fn: () => Promise<T>): Promise<T> {
		let lock = this.locks.get(companyId);
		if (!lock) this.locks.set(companyId, (lock = { tail: Promise.resolve(), running: 0, waiting: 0 }));
		if (lock.running > 0 || lock.waiting > 0) this.searchStats.searchesQueued++;
		const prev = lock.tail;
		let release!: () => void;
		lock.tail = new Promise<void>((r) => (release = r));
		lock.waiting++;
		await prev;
		lock.waiting--;
		lock.running++;
		this.searchStats.maxConcurrentSearchesPerCompany = Math.max(this.searchStats.maxConcurrentSearchesPerCompany, lock.running);
		try {
			return await fn();
		} finally {
			lock.running--;
			release();
		}
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://sandbox');
		const raw = await this.readBody(req);
		if (url.pathname.startsWith('/__sandbox/')) return this.control(req, res, url, raw);
		if (req.method === 'GET' && url.pathname.startsWith('/download/report/')) return this.download(res, url.pathname);

		// Every call is a POST; GET, unknown paths and wrong URL families are an HTML 404 [OBS].
		const method = req.method === 'POST' ? resolveMethod(url.pathname) : undefined;
		if (!method) return this.sendHtml(res, 404, html404Page(url.pathname));
		this.count(method);
		this.inFlight++;
		this.searchStats.maxConcurrentCalls = Math.max(this.searchStats.maxConcurrentCalls, this.inFlight);
		this.trace();
		// 'close' comes once the answer is sent or the socket is gone (dropped, lost, client gave up).
		res.once('close', () => this.inFlight--);
		const started = Date.now();

		const fault = this.takeFault(method);
		if (fault) {
			this.count('__faults');
			switch (fault.kind) {
				case 'http_500':
					return this.sendHtml(res, 500, htmlErrorPage(500, 'Internal Server Error'));
				case 'http_503':
					return this.sendHtml(res, 503, htmlErrorPage(503, 'Service Temporarily Unavailable'));
				case 'html_404':
					return this.sendHtml(res, 404, html404Page(url.pathname));
				case 'drop':
					req.socket.destroy();
					return;
				case 'opr_error':
					return this.sendJson(res, fail('1', INTERNAL_ERROR));
				case 'timeout':
					// Held, then processed as usual: the write lands even if the client gave up.
					await this.sleep(fault.delayMs ?? 60_000);
					break;
				default:
					break;
			}
		}

		let body: unknown;
		try {
			body = JSON.parse(raw.toString('utf8'));
		} catch {
			body = undefined;
		}
		if (!isObj(body)) return this.sendJson(res, fail('1', 'Cannot parse JSON request body'));
		// The real reply for bad credentials is undocumented [INF].
		const company = this.auth(body);
		if (!company) {
			await this.sleep(this.latency);
			return this.sendJson(res, fail('1', 'Wrong secret_key or company_id'));
		}

		const handler = HANDLERS[method] ?? ((): Obj => fail('1', INTERNAL_ERROR));
		const writesBefore = company.writes;
		const body_ = body;
		// Stock before the write, only while someone listens: a changed product fires its webhook.
		let stockBefore: Map<string, string> | undefined;
		const run = (): Obj | RawReply => {
			stockBefore = this.webhooks.hasReceivers(company.companyId) ? stockFingerprints(company) : undefined;
			return handler(company, body_, this.baseUrl);
		};
		// The latency is a call's own run time, spent holding a processing slot; a search also holds its
		// company's search lock (and waits for it without taking a slot).
		const work = async (): Promise<Obj | RawReply> => {
			let out!: Obj | RawReply;
			const admitted = await this.withCapacity(company.companyId, res, async () => {
				await this.sleep(this.latency);
				out = run();
			});
			return admitted ? out : SHED;
		};
		const reply: Obj | RawReply = method === 'search' ? await this.serialSearch(company.companyId, work) : await work();
		if (reply === SHED) return;
		if (company.writes > writesBefore) {
			this.count('__writes_applied');
			if (stockBefore) this.webhooks.afterWrite(company, stockBefore);
		}

		if (fault?.kind === 'slow_answer') await this.sleep(fault.delayMs ?? 48_000);
		if (fault?.kind === 'applied_lost') {
			// The write is applied, the client never hears back.
			req.socket.destroy();
			return;
		}
		if (res.destroyed) return;
		if (isRaw(reply)) {
			res.writeHead(200, { 'Content-Type': reply.contentType, 'Content-Length': reply.raw.length });
			res.end(reply.raw);
			return;
		}
		if ('opr_time_ms' in reply) reply.opr_time_ms = String(Date.now() - started);
		this.sendJson(res, reply);
	}

	private download(res: http.ServerResponse, path: string): void {
		const token = path.slice('/download/report/'.length);
		for (const c of this.companies.values()) {
			const job = c.reports.get(token);
			if (!job) continue;
			res.writeHead(200, { 'Content-Type': job.file.contentType, 'Content-Length': job.file.data.length });
			res.end(job.file.data);
			return;
		}
		this.sendHtml(res, 404, html404Page(path));
	}

	// --- /__sandbox/ control API (not a Metakocka path) ------------------------------------------------

	private control(req: http.IncomingMessage, res: http.ServerResponse, url: URL, raw: Buffer): void {
		const route = `${req.method ?? 'GET'} ${url.pathname.replace(/\/+$/, '')}`;
		let body: unknown = undefined;
		if (raw.length) {
			try {
				body = JSON.parse(raw.toString('utf8'));
			} catch {
				return this.sendJson(res, { error: 'invalid JSON body' }, 400);
			}
		}
		const num = (k: string): number | undefined => (isObj(body) && typeof body[k] === 'number' ? (body[k] as number) : Number(isObj(body) ? body[k] : NaN));
		try {
			switch (route) {
				case 'GET /__sandbox/health':
					return this.sendJson(res, { status: 'ok', baseUrl: this.baseUrl, companies: this.cfg.companies.map((c) => c.companyId) });
				case 'GET /__sandbox/counters':
					return this.sendJson(res, this.counters());
				case 'POST /__sandbox/counters/reset':
					this.resetCounters();
					return this.sendJson(res, { ok: true });
				case 'GET /__sandbox/stats':
					return this.sendJson(res, this.stats());
				case 'GET /__sandbox/stats/timeline':
					return this.sendJson(res, { bucketMs: TRACE_BUCKET_MS, inFlight: this.inFlightTimeline() });
				case 'POST /__sandbox/stats/reset':
					this.resetStats();
					return this.sendJson(res, { ok: true });
				case 'POST /__sandbox/faults': {
					const specs = Array.isArray(body) ? body : [body];
					for (const s of specs) if (!isObj(s) || !FAULT_KINDS.includes(s.kind as FaultKind)) return this.sendJson(res, { error: `invalid fault spec: ${JSON.stringify(s)}`, kinds: FAULT_KINDS }, 400);
					for (const s of specs) this.injectFault(s as unknown as FaultSpec);
					return this.sendJson(res, { ok: true, queued: specs.length });
				}
				case 'DELETE /__sandbox/faults':
					this.clearFaults();
					return this.sendJson(res, { ok: true });
				case 'POST /__sandbox/latency': {
					const ms = num('ms');
					if (ms === undefined || !Number.isFinite(ms) || ms < 0) return this.sendJson(res, { error: 'body must be {"ms": number}' }, 400);
					this.setLatency(ms);
					return this.sendJson(res, { ok: true, ms });
				}
				case 'POST /__sandbox/fault-rate': {
					const rate = num('rate');
					if (rate === undefined || !Number.isFinite(rate) || rate < 0 || rate > 1) return this.sendJson(res, { error: 'body must be {"rate": 0..1}' }, 400);
					this.setFaultRate(rate);
					return this.sendJson(res, { ok: true, rate });
				}
				case 'GET /__sandbox/capacity':
					return this.sendJson(res, this.capacity());
				case 'POST /__sandbox/capacity': {
					if (!isObj(body)) return this.sendJson(res, { error: 'body must be {"capacity"?: n, "queueLimit"?: n, "overload"?: "http_503" | "timeout"}' }, 400);
					const given: Partial<CapacityConfig> = {};
					if (body.capacity !== undefined) given.capacity = Number(body.capacity);
					if (body.queueLimit !== undefined) given.queueLimit = Number(body.queueLimit);
					if (body.overload !== undefined) given.overload = body.overload as OverloadMode;
					return this.sendJson(res, { ok: true, ...this.setCapacity(given) });
				}
				case 'GET /__sandbox/state':
					return this.sendJson(res, this.store(url.searchParams.get('company_id') ?? undefined));
				case 'POST /__sandbox/webhooks': {
					if (!isObj(body)) return this.sendJson(res, { error: 'body must be {"url", "client_secret", ...}' }, 400);
					const id = this.addWebhook(body as unknown as WebhookReceiverSpec);
					return this.sendJson(res, { ok: true, id });
				}
				case 'GET /__sandbox/webhooks':
					return this.sendJson(res, { receivers: this.webhooks.list(), deliveries: this.webhookDeliveries() });
				case 'DELETE /__sandbox/webhooks':
					this.webhooks.clear();
					return this.sendJson(res, { ok: true });
				case 'POST /__sandbox/webhooks/fire': {
					const b = isObj(body) ? body : {};
					const ids = this.fireStockWebhook({ mk_id: text(b.mk_id), count_code: text(b.count_code), code: text(b.code) }, text(b.company_id));
					return this.sendJson(res, { ok: true, ids });
				}
				case 'POST /__sandbox/reset':
					this.reset(isObj(body) ? (body as SeedData) : undefined);
					return this.sendJson(res, { ok: true });
				default:
					return this.sendJson(res, { error: `unknown control endpoint ${route}` }, 404);
			}
		} catch (e) {
			return this.sendJson(res, { error: String(e instanceof Error ? e.message : e) }, 400);
		}
	}
}


