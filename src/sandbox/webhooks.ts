// Webhook delivery [DOC:webhooks.md]: Metakocka POSTs `warehouse_product_stock_update` to a URL set up
// in its UI. The sandbox has no UI, so receivers are registered through the control API
// (POST /__sandbox/webhooks) [INF].
import { createHmac, randomUUID } from 'node:crypto';
import type { Company } from './model';
import { computeStock, renderStockRow, type StockView } from './stock';
import type { Obj } from './wire';

export const STOCK_EVENT = 'warehouse_product_stock_update';
/** "MK will try two more times with 60 seconds delay" [DOC]. */
export const DEFAULT_RETRY_DELAY_MS = 60_000;
const ATTEMPTS = 3;
const DELIVERY_TIMEOUT_MS = 10_000;
/** Kept for inspection; older deliveries are dropped [INF]. */
const MAX_DELIVERY_LOG = 500;

export interface WebhookReceiverSpec {
	url: string;
	client_secret: string;
	/** Default: the sandbox's first company. */
	company_id?: string;
	basic_auth_username?: string;
	basic_auth_password?: string;
	/** Delay between attempts; default 60 s as documented, short in tests [INF]. */
	retry_delay_ms?: number;
}

interface Receiver extends Required<Pick<WebhookReceiverSpec, 'url' | 'client_secret'>> {
	id: string;
	companyId: string;
	basicAuth?: string;
	retryDelayMs: number;
}

export interface WebhookAttempt {
	at: string;
	status?: number;
	error?: string;
	ok: boolean;
}

export interface WebhookDelivery {
	/** X-MetaKocka-Id: one per event, the same on its retries [INF]. */
	id: string;
	event: string;
	receiverId: string;
	url: string;
	companyId: string;
	productMkId: string;
	body: string;
	state: 'pending' | 'delivered' | 'failed';
	attempts: WebhookAttempt[];
}

/** Base64(HmacSHA1(body, client_secret)) [DOC:webhooks.md]. */
export function signWebhookBody(body: string | Buffer, clientSecret: string): string {
	return createHmac('sha1', clientSecret).update(body).digest('base64');
}

const isActive = (w: Obj): boolean => String(w.active ?? 'true').toLowerCase() !== 'false';

/**
 * The documented body: warehouse_stock rows of one product over every ACTIVE warehouse, a zero row
 * where it has no stock, one row per microlocation [DOC:webhooks.md].
 */
export function stockEventBody(c: Company, productMkId: string, stock: StockView[] = computeStock(c)): Obj {
	const rows: Obj[] = [];
	for (const w of c.warehouses.filter(isActive)) {
		const mine = stock.filter((r) => r.warehouse_id === w.mk_id && r.product_mk_id === productMkId);
		const list = mine.length ? mine : [{ warehouse_id: w.mk_id, product_mk_id: productMkId, amount: 0, reserved: 0, stocked: false }];
		for (const r of list) {
			const row = renderStockRow(c, r);
			// The documented example lists exactly these keys (microlocation only when the row has one).
			if (row.microlocation === undefined) delete row.microlocation;
			rows.push(row);
		}
	}
	return { opr_code: '0', opr_time_ms: '0', stock_list_count: String(rows.length), stock_list: rows };
}

/** Per product, a fingerprint of its stock rows: compared before and after a write. */
export function stockFingerprints(c: Company): Map<string, string> {
	const by = new Map<string, string[]>();
	for (const r of computeStock(c)) {
		const list = by.get(r.product_mk_id) ?? [];
		list.push(`${r.warehouse_id}|${r.microlocation ?? ''}|${r.amount}|${r.reserved}`);
		by.set(r.product_mk_id, list);
	}
	const out = new Map<string, string>();
	for (const [k, v] of by) out.set(k, v.sort().join(';'));
	return out;
}

export class WebhookDispatcher {
	private receivers: Receiver[] = [];
	private log: WebhookDelivery[] = [];
	private pending = new Set<Promise<void>>();
	private timers = new Map<NodeJS.Timeout, () => void>();
	private closed = false;

	constructor(
		private readonly defaultCompanyId: string,
		private defaultRetryDelayMs = DEFAULT_RETRY_DELAY_MS,
	) {}

	register(spec: WebhookReceiverSpec): string {
		const raw = String(spec?.url ?? '');
		if (!URL.canParse(raw)) throw new Error('url must be an absolute http(s) URL');
		const url = new URL(raw);
		if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('url must be an absolute http(s) URL');
		if (typeof spec.client_secret !== 'string' || !spec.client_secret) throw new Error('client_secret is required');
		const delay = spec.retry_delay_ms === undefined ? this.defaultRetryDelayMs : Number(spec.retry_delay_ms);
		if (!Number.isFinite(delay) || delay < 0) throw new Error('retry_delay_ms must be a number >= 0');
		const id = randomUUID();
		const user = spec.basic_auth_username;
		this.receivers.push({
			id,
			url: url.toString(),
			client_secret: spec.client_secret,
			companyId: String(spec.company_id ?? this.defaultCompanyId),
			basicAuth: user ? `Basic ${Buffer.from(`${user}:${spec.basic_auth_password ?? ''}`).toString('base64')}` : undefined,
			retryDelayMs: delay,
		});
		return id;
	}

	setDefaultRetryDelay(ms: number): void {
		this.defaultRetryDelayMs = Math.max(0, ms);
	}

	hasReceivers(companyId: string): boolean {
		return this.receivers.some((r) => r.companyId === companyId);
	}

	/** Receivers without their secrets. */
	list(): Obj[] {
		return this.receivers.map((r) => ({ id: r.id, url: r.url, company_id: r.companyId, basic_auth: !!r.basicAuth, retry_delay_ms: r.retryDelayMs }));
	}

	deliveries(): WebhookDelivery[] {
		return structuredClone(this.log);
	}

	clear(): void {
		this.receivers = [];
		this.log = [];
	}

	/** After a write: one event per product whose stock changed [INF: Metakocka fires on every recalculation]. */
	afterWrite(c: Company, before: Map<string, string>): void {
		const after = stockFingerprints(c);
		const stock = computeStock(c);
		for (const pid of new Set([...before.keys(), ...after.keys()])) {
			if (before.get(pid) !== after.get(pid) && c.product(pid)) this.fire(c, pid, stock);
		}
	}

	/** Deliver one stock event for a product to every receiver of the company; returns the event ids. */
	fire(c: Company, productMkId: string, stock?: StockView[]): string[] {
		if (this.closed) return [];
		const ids: string[] = [];
		for (const r of this.receivers.filter((x) => x.companyId === c.companyId)) {
			const delivery: WebhookDelivery = {
				id: randomUUID(),
				event: STOCK_EVENT,
				receiverId: r.id,
				url: r.url,
				companyId: c.companyId,
				productMkId,
				body: JSON.stringify(stockEventBody(c, productMkId, stock)),
				state: 'pending',
				attempts: [],
			};
			this.log.push(delivery);
			if (this.log.length > MAX_DELIVERY_LOG) this.log.splice(0, this.log.length - MAX_DELIVERY_LOG);
			ids.push(delivery.id);
			const p = this.deliver(r, delivery).finally(() => this.pending.delete(p));
			this.pending.add(p);
		}
		return ids;
	}

	/** Resolves when every delivery (with its retries) has finished. */
	async idle(): Promise<void> {
		while (this.pending.size) await Promise.allSettled([...this.pending]);
	}

	close(): void {
		this.closed = true;
		for (const [t, wake] of this.timers) {
			clearTimeout(t);
			wake();
		}
		this.timers.clear();
	}

	private wait(ms: number): Promise<void> {
		if (ms <= 0) return Promise.resolve();
		return new Promise((resolve) => {
			const t = setTimeout(() => {
				this.timers.delete(t);
				resolve();
			}, ms);
			this.timers.set(t, resolve);
		});
	}

	private async deliver(r: Receiver, d: WebhookDelivery): Promise<void> {
		for (let attempt = 1; attempt <= ATTEMPTS && !this.closed; attempt++) {
			if (attempt > 1) await this.wait(r.retryDelayMs);
			if (this.closed) break;
			const result = await this.post(r, d);
			d.attempts.push(result);
			if (result.ok) {
				d.state = 'delivered';
				return;
			}
		}
		d.state = 'failed';
	}

	/**
	 * Success = 2xx JSON carrying "check_respond_status_json_ok":"true" ("WebHook must return JSON with
	 * paramether check_respond_status_json_ok and value true (respond can have other JSON properties)")
	 * [DOC:webhooks.md]. The docs' example reply {"status":"ok"} lacks it, so it alone is retried.
	 */
	private async post(r: Receiver, d: WebhookDelivery): Promise<WebhookAttempt> {
		const at = new Date().toISOString();
		const headers: Record<string, string> = {
			'Content-Type': 'application/json; charset=UTF-8',
			'X-MetaKocka-Event': d.event,
			'X-MetaKocka-Id': d.id,
			'X-MetaKocka-Signature': signWebhookBody(Buffer.from(d.body, 'utf8'), r.client_secret),
		};
		if (r.basicAuth) headers.Authorization = r.basicAuth;
		try {
			const res = await fetch(r.url, { method: 'POST', headers, body: d.body, signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS) });
			const text = await res.text();
			let json: unknown;
			try {
				json = JSON.parse(text);
			} catch {
				json = undefined;
			}
			const statusOk = json !== null && typeof json === 'object' && String((json as Obj).check_respond_status_json_ok) === 'true';
			return { at, status: res.status, ok: res.ok && json !== undefined && statusOk };
		} catch (e) {
			return { at, error: e instanceof Error ? e.message : String(e), ok: false };
		}
	}
}
