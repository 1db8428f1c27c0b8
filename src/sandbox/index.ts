// Metakocka sandbox: a local HTTP server that behaves like the documented Metakocka REST API.
import type { SandboxReadings } from './model';
import { defaultSeed, loadSeedFile, type SeedData } from './seed';
import { type CapacityConfig, type FaultSpec, SandboxServer, type SandboxCompany, type SandboxStats, type SandboxStore } from './server';

export type { CapacityConfig, FaultKind, FaultSpec, OverloadMode, SandboxCompany, SandboxStats, SandboxStore } from './server';
export { DEFAULT_CAPACITY } from './server';
export type { SeedData, SeedStockRow } from './seed';
export type { SandboxReadings } from './model';
export type { WebhookAttempt, WebhookDelivery, WebhookReceiverSpec } from './webhooks';
export { signWebhookBody, STOCK_EVENT } from './webhooks';
import type { WebhookDelivery, WebhookReceiverSpec } from './webhooks';
export { defaultSeed } from './seed';

export interface SandboxOptions {
	/** 0 = random free port (default for the API; the CLI defaults to 8765). */
	port?: number;
	/** Default '127.0.0.1'. */
	host?: string;
	/** Default '16', the company id used throughout the docs. */
	companyId?: string;
	/** Default 'sandbox-secret'. */
	secretKey?: string;
	/** Extra companies; each has its own, fully isolated copy of the seed data. */
	companies?: SandboxCompany[];
	/** Added to every call (default 0). */
	latencyMs?: number;
	/** 0..1 probability of a random fault per call (default 0). */
	faultRate?: number;
	/** Seeds the fault RNG so runs are reproducible. */
	faultSeed?: number;
	/** Seed data object or path to a JSON file (default: src/sandbox/seed/default.json). */
	seed?: SeedData | string;
	/** Delay between webhook delivery attempts; default 60 000 ms as documented (tests use a few ms). */
	webhookRetryDelayMs?: number;
	/** Which reading of an undocumented behaviour to play, e.g. {partnerTaxNumberInReads: false}. */
	readings?: Partial<SandboxReadings>;
	/** Calls processed at once per company (default 8); the rest queue [INF]. */
	capacity?: number;
	/** Calls that may wait per company before new ones are shed (default 8 × capacity). */
	queueLimit?: number;
	/** How a call that finds the queue full is shed: a 503 page (default) or no answer at all. */
	overload?: CapacityConfig['overload'];
}

export interface Sandbox {
	baseUrl: string;
	close(): Promise<void>;
	/** Calls per Metakocka method name, e.g. {put_document: 3, search: 10}; plus __writes_applied and __faults. */
	counters(): Record<string, number>;
	resetCounters(): void;
	injectFault(spec: FaultSpec): void;
	clearFaults(): void;
	setLatency(ms: number): void;
	setFaultRate(rate: number): void;
	/** How many searches arrived while another of the same company ran, the highest per-company search concurrency, and the most calls in flight at once. */
	stats(): SandboxStats;
	/** Starts the stats afresh (counters are separate: resetCounters). */
	resetStats(): void;
	/** [ms since the stats reset (250 ms buckets), most calls in flight in that bucket]. */
	inFlightTimeline(): Array<[number, number]>;
	/** Changes the per-company capacity, queue bound or overload answer; returns the new settings. */
	setCapacity(capacity: Partial<CapacityConfig>): CapacityConfig;
	/** Snapshot of a company's data (default company when omitted), in the API's own shapes. */
	store(companyId?: string): SandboxStore;
	/** Back to the seed (the given one, else the one the sandbox started with). */
	reset(seed?: SeedData): void;
	/** Register a webhook receiver (Metakocka does this in its UI) [INF]; returns its id. */
	addWebhook(spec: WebhookReceiverSpec): string;
	/** Every delivery so far, with its attempts (newest last). */
	webhookDeliveries(): WebhookDelivery[];
	/** Deliver a stock event for a product now, as a recalculation without a change would; returns the event ids. */
	fireStockWebhook(product: { mk_id?: string; count_code?: string; code?: string }, companyId?: string): string[];
	/** Resolves when every pending delivery, retries included, has finished. */
	webhooksIdle(): Promise<void>;
	/** Remove all receivers and the delivery log. */
	clearWebhooks(): void;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const main: SandboxCompany = { companyId: options.companyId ?? '16', secretKey: options.secretKey ?? 'sandbox-secret' };
	const companies = [main, ...(options.companies ?? [])];
	const ids = new Set<string>();
	for (const c of companies) {
		if (ids.has(c.companyId)) throw new Error(`Duplicate sandbox company id ${c.companyId}`);
		ids.add(c.companyId);
	}
	const seed = typeof options.seed === 'string' ? loadSeedFile(options.seed) : (options.seed ?? defaultSeed());
	const server = new SandboxServer({
		companies,
		latencyMs: options.latencyMs ?? 0,
		faultRate: options.faultRate ?? 0,
		faultSeed: options.faultSeed ?? 20260806,
		seed,
		webhookRetryDelayMs: options.webhookRetryDelayMs,
		readings: options.readings,
		capacity: { capacity: options.capacity, queueLimit: options.queueLimit, overload: options.overload },
	});
	await server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
	return {
		baseUrl: server.baseUrl,
		close: () => server.close(),
		counters: () => server.counters(),
		resetCounters: () => server.resetCounters(),
		injectFault: (spec) => server.injectFault(spec),
		clearFaults: () => server.clearFaults(),
		setLatency: (ms) => server.setLatency(ms),
		setFaultRate: (rate) => server.setFaultRate(rate),
		stats: () => server.stats(),
		resetStats: () => server.resetStats(),
		setCapacity: (c) => server.setCapacity(c),
		inFlightTimeline: () => server.inFlightTimeline(),
		store: (companyId) => server.store(companyId),
		reset: (s) => server.reset(s),
		addWebhook: (spec) => server.addWebhook(spec),
		webhookDeliveries: () => server.webhookDeliveries(),
		fireStockWebhook: (product, companyId) => server.fireStockWebhook(product, companyId),
		webhooksIdle: () => server.webhooks.idle(),
		clearWebhooks: () => server.webhooks.clear(),
	};
}
