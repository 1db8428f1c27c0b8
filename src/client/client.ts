import { DOC_TYPE_INFO, isDocType, orderDirectionFor, unsupportedUpdateFields } from './doctypes';
import { invalidInput, isNotFound, MetakockaError, redactSecrets, redactString, settle } from './errors';
import { hasEmail, taxNumberMatch } from './partnerMatch';
import { methodInfo, normaliseBaseUrl, type CallKind } from './paths';
import { limiterFor, type AdaptiveLimiter } from './limiter';
import { searchQueueKey, searchQueues } from './queue';
import { surfaceUnknownOutcome, writeWithReconcile } from './reconcile';
import { withRetry, sleep } from './retry';
import {
	addPartnerResponseSchema,
	changeDocumentsResponseSchema,
	documentSchema,
	parseResponse,
	partnerListResponseSchema,
	productListResponseSchema,
	productWriteResponseSchema,
	putDocumentResponseSchema,
	searchHitSchema,
	searchResponseSchema,
	stockResponseSchema,
	warehouseListResponseSchema,
	withoutEnvelope,
	type MkDocument,
	type Partner,
	type Product,
	type PutDocumentResult,
	type SearchHit,
	type StockRow,
	type Warehouse,
} from './schemas';
import { interpretJson, interpretRaw, postOnce, type RawResponse, type TransportConfig } from './transport';
import type {
	AddPartnerResult,
	ClientLogger,
	ClientOptions,
	DocType,
	DocumentInput,
	MetakockaCredentials,
	PartnerInput,
	PartnerLookup,
	ProductFilter,
	ProductInput,
	SearchParams,
	SearchPage,
	StockFilter,
	WriteResult,
} from './types';

export const SEARCH_PAGE_MAX = 100;
/** Calls (other than searches) one client may have in flight at most; the adaptive limit is usually lower. */
export const DEFAULT_MAX_CONCURRENCY = 32;
export const PRODUCT_PAGE_MAX = 1000;
export const STOCK_PAGE_SIZE = 1000;
/** Reads answer within seconds; writes can take about 48 s (create_invoice 47.8 s [DOC], put_document ~48 s [OBS]). */
export const DEFAULT_READ_TIMEOUT_MS = 30_000;
export const DEFAULT_WRITE_TIMEOUT_MS = 120_000;
/** The fields add_partner.md says a new partner must declare ("street, post number, place, country"). */
export const ADD_PARTNER_ADDRESS_FIELDS = ['street', 'post_number', 'place', 'country'] as const;
/** A reconcile search by count_code reads at most this many pages before giving up. */
const RECONCILE_SEARCH_MAX_PAGES = 10;

const PARTNER_LOOKUP_KEYS: Array<keyof PartnerLookup> = [
	'partner_id',
	'partner_name',
	'partner_tax_number',
	'partner_email',
	'partner_phone_number',
];

const norm = (s: unknown): string => (s === undefined || s === null ? '' : String(s)).trim().toLowerCase();
const nonEmpty = (s: unknown): s is string => typeof s === 'string' && s.trim() !== '';

/** Newest first: mk_ids are increasing digit strings. */
function newest<T extends { mk_id?: string }>(items: T[]): T | null {
	let best: T | null = null;
	for (const item of items) {
		const id = item.mk_id ?? '';
		const bestId = best?.mk_id ?? '';
		if (!best || id.length > bestId.length || (id.length === bestId.length && id > bestId)) best = item;
	}
	return best;
}

export class MetakockaClient {
	readonly companyId: string;
	readonly baseUrl: string;
	// ES private fields: invisible to JSON.stringify and util.inspect, so the key can't leak via the client.
	readonly #transport: TransportConfig;
	readonly #maxRetries: number;
	readonly #retryBaseDelayMs: number;
	readonly #retryMaxDelayMs: number;
	readonly #reconcileDelayMs: number;
	/** Shared by every client of this base URL + company in the process. */
	readonly #limiter: AdaptiveLimiter;
	readonly #maxConcurrency: number;
	readonly #logger?: ClientLogger;

	constructor(credentials: MetakockaCredentials, options: ClientOptions = {}) {
		if (!nonEmpty(credentials?.companyId) && typeof credentials?.companyId !== 'number') {
			throw invalidInput('configuration', 'companyId is required');
		}
		if (!nonEmpty(credentials?.secretKey)) throw invalidInput('configuration', 'secretKey is required');
		this.companyId = String(credentials.companyId).trim();
		this.baseUrl = normaliseBaseUrl(credentials.baseUrl);
		this.#transport = {
			baseUrl: this.baseUrl,
			companyId: this.companyId,
			secretKey: credentials.secretKey,
			timeoutMs: options.readTimeoutMs ?? options.timeoutMs ?? DEFAULT_READ_TIMEOUT_MS,
			writeTimeoutMs: options.writeTimeoutMs ?? options.timeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS,
		};
		this.#maxRetries = Math.max(0, options.maxRetries ?? 3);
		this.#retryBaseDelayMs = Math.max(0, options.retryBaseDelayMs ?? 250);
		this.#retryMaxDelayMs = Math.max(this.#retryBaseDelayMs, options.retryMaxDelayMs ?? 10000);
		this.#reconcileDelayMs = Math.max(0, options.reconcileDelayMs ?? 1000);
		this.#limiter = limiterFor(this.baseUrl, this.companyId);
		this.#maxConcurrency = Math.max(1, Math.floor(options.maxConcurrency ?? options.writeConcurrency ?? DEFAULT_MAX_CONCURRENCY));
		this.#logger = options.logger;
	}

	// ---------------------------------------------------------------- low level

	/** POST the body (auth added) to the right URL family for `method`; checks opr_code; returns the envelope as received (strings). */
	async call(method: string, body: Record<string, unknown> = {}, kind?: CallKind): Promise<Record<string, unknown>> {
		const k = kind ?? methodInfo(method).kind;
		return this.#execute(method, body, k, (res) => interpretJson(res, method, k, this.#transport.secretKey));
	}

	async #execute<T>(method: string, body: Record<string, unknown>, kind: CallKind, interpret: (res: RawResponse) => T): Promise<T> {
		methodInfo(method); // unknown method: throw before anything is queued or sent
		return withRetry(
			(attempt) => this.#slot(kind, () => this.#attempt(method, body, kind, attempt, interpret)),
			// `retryable` is only true for reads/searches with transient failures, and for writes that provably never arrived.
			(error) => error instanceof MetakockaError && error.retryable,
			{
				maxRetries: this.#maxRetries,
				baseDelayMs: this.#retryBaseDelayMs,
				maxDelayMs: this.#retryMaxDelayMs,
				onRetry: (error, attempt, delayMs) =>
					this.#log('warn', `Metakocka ${method}: retrying (attempt ${attempt + 1}) in ${delayMs} ms`, {
						method,
						kind,
						delayMs,
						code: (error as MetakockaError).code,
						description: (error as MetakockaError).description,
					}),
			},
		);
	}

	// Searches: one at a time per company (Metakocka queues the rest server-side). Every other call,
	// read or write: the adaptive limit this process shares for the company, under this client's cap.
	#slot<T>(kind: CallKind, fn: () => Promise<T>): Promise<T> {
		if (kind === 'search') return searchQueues().run(searchQueueKey(this.baseUrl, this.companyId), fn);
		return this.#limiter.run(this.#maxConcurrency, fn);
	}

	/** The shared limit's state (calls in flight, limit, its path): for logs and the benchmark. */
	concurrency() {
		return this.#limiter.snapshot();
	}

	async #attempt<T>(
		method: string,
		body: Record<string, unknown>,
		kind: CallKind,
		attempt: number,
		interpret: (res: RawResponse) => T,
	): Promise<T> {
		const started = Date.now();
		this.#log('debug', `Metakocka ${method}: request`, { method, kind, attempt: attempt + 1 });
		try {
			const res = await postOnce(this.#transport, method, body, kind);
			const out = interpret(res);
			this.#log('debug', `Metakocka ${method}: ok`, { method, status: res.status, ms: Date.now() - started });
			return out;
		} catch (error) {
			const e = error instanceof MetakockaError ? error : this.#wrapUnexpected(method, error);
			this.#log('debug', `Metakocka ${method}: failed`, {
				method,
				code: e.code,
				description: e.description,
				httpStatus: e.httpStatus,
				ms: Date.now() - started,
			});
			throw e;
		}
	}

	#wrapUnexpected(method: string, error: unknown): MetakockaError {
		const message = error instanceof Error ? error.message : String(error);
		return new MetakockaError({
			code: error instanceof RangeError ? 'INVALID_INPUT' : 'INVALID_RESPONSE',
			description: message,
			method,
			retryable: false,
			delivery: error instanceof RangeError ? 'answered' : 'unknown',
			secrets: [this.#transport.secretKey],
		});
	}

	#log(level: 'debug' | 'warn', message: string, meta: Record<string, unknown>): void {
		const logger = this.#logger;
		if (!logger) return;
		const secrets = [this.#transport.secretKey];
		try {
			logger[level](redactString(message, secrets), redactSecrets({ companyId: this.companyId, ...meta }, secrets) as Record<string, unknown>);
		} catch {
			// A broken logger must not break the call.
		}
	}

	async #reconcilePause(): Promise<void> {
		if (this.#reconcileDelayMs > 0) await sleep(this.#reconcileDelayMs);
	}

	#reconcileEvent = (message: string, meta: Record<string, unknown>): void => this.#log('warn', message, meta);

	// ---------------------------------------------------------------- partners

	/** [] when Metakocka answers "no match"; the hits match loosely (substring), so callers compare them. */
	async getPartners(by: PartnerLookup, opts: { showDiscounts?: boolean } = {}): Promise<Partner[]> {
		const lookup: Record<string, unknown> = {};
		for (const key of PARTNER_LOOKUP_KEYS) if (nonEmpty(by?.[key])) lookup[key] = String(by[key]).trim();
		if (Object.keys(lookup).length === 0) {
			throw invalidInput('get_partner', `give one of ${PARTNER_LOOKUP_KEYS.join(', ')}`);
		}
		if (opts.showDiscounts) lookup.show_partner_discount = true;
		const outcome = await settle(() => this.call('get_partner', lookup, 'read'));
		if (!outcome.ok) {
			// get_partner answers "no match" with an opr_code 2 instead of an empty list; only that
			// answer means no match: any other failure must not look like "create it".
			if (isNotFound(outcome.error)) return [];
			throw outcome.error;
		}
		return parseResponse(partnerListResponseSchema, outcome.value, 'get_partner').partner_list ?? [];
	}

	/** Reconciles a lost answer via tax number, then e-mail (+ name), then name + post number. */
	async addPartner(partner: PartnerInput): Promise<WriteResult<AddPartnerResult>> {
		if (!nonEmpty(partner?.customer)) throw invalidInput('add_partner', 'partner.customer (the name) is required');
		const missing = ADD_PARTNER_ADDRESS_FIELDS.filter((key) => !nonEmpty(partner[key]));
		if (missing.length) throw invalidInput('add_partner', `a new partner needs ${missing.map((k) => `partner.${k}`).join(', ')} (add_partner.md: street, post number, place, country)`);
		const hasKey =
			nonEmpty(partner.tax_id_number) ||
			nonEmpty(this.#partnerEmail(partner)) ||
			nonEmpty(partner.post_number);
		return writeWithReconcile<AddPartnerResult>({
			method: 'add_partner',
			what: `partner "${partner.customer}"`,
			send: async () => {
				const envelope = await this.call('add_partner', { partner }, 'write');
				const parsed = parseResponse(addPartnerResponseSchema, withoutEnvelope(envelope), 'add_partner');
				return { ...parsed, mk_address_id_list: parsed.mk_address_id_list ?? [] } as AddPartnerResult;
			},
			lookup: hasKey
				? async () => {
						const found = await this.#findPartner(partner);
						return found ? partnerToAddResult(found) : null;
					}
				: undefined,
			pause: () => this.#reconcilePause(),
			onEvent: this.#reconcileEvent,
		});
	}

	#partnerEmail(partner: PartnerInput): string | undefined {
		const email = partner.partner_contact?.email ?? partner.partner_contact_list?.find((c) => nonEmpty(c?.email))?.email;
		return nonEmpty(email) ? email : undefined;
	}

	/** Natural-key lookup used by addPartner's reconcile; null = definitely not there. */
	async #findPartner(partner: PartnerInput): Promise<Partner | null> {
		const name = norm(partner.customer);
		if (nonEmpty(partner.tax_id_number)) {
			// The hits match loosely; an answer without tax_id_number must at least carry the same name.
			const rows = await this.getPartners({ partner_tax_number: partner.tax_id_number });
			const hit = newest(
				rows.filter((p) => {
					const tax = taxNumberMatch(p, partner.tax_id_number!);
					return tax === 'same' || (tax === 'unknown' && norm(p.customer) === name);
				}),
			);
			if (hit) return hit;
		}
		const email = this.#partnerEmail(partner);
		if (email) {
			// An e-mail can be shared (a company's info@), so the name must match too; the search is fuzzy.
			const rows = await this.getPartners({ partner_email: email });
			const hit = newest(rows.filter((p) => norm(p.customer) === name && hasEmail(p, email)));
			if (hit) return hit;
		}
		if (nonEmpty(partner.post_number)) {
			const post = norm(partner.post_number);
			const rows = await this.getPartners({ partner_name: partner.customer });
			const hit = newest(
				rows.filter(
					(p) =>
						norm(p.customer) === name &&
						(norm(p.post_number) === post || (p.partner_delivery_address_list ?? []).some((a) => norm(a.post_number) === post)),
				),
			);
			if (hit) return hit;
		}
		return null;
	}

	/** By mk_id or count_code; idempotent, so a lost answer is surfaced (non-retryable), never reconciled. */
	async updatePartner(partner: PartnerInput & { mk_id?: string; count_code?: string }): Promise<Partner> {
		if (!nonEmpty(partner?.mk_id) && !nonEmpty(partner?.count_code)) {
			throw invalidInput('update_partner', 'partner.mk_id or partner.count_code is required');
		}
		let envelope: Record<string, unknown>;
		try {
			envelope = await this.call('update_partner', { partner }, 'write');
		} catch (error) {
			surfaceUnknownOutcome(error);
		}
		const first = parseResponse(partnerListResponseSchema, envelope, 'update_partner').partner_list?.[0];
		if (first) return first;
		// The documented answer is the get_partner shape; if it is missing, read the partner back.
		if (nonEmpty(partner.mk_id)) {
			const [again] = await this.getPartners({ partner_id: partner.mk_id });
			if (again) return again;
		}
		throw new MetakockaError({
			code: 'INVALID_RESPONSE',
			description: 'update_partner succeeded but returned no partner_list',
			method: 'update_partner',
			retryable: false,
			delivery: 'answered',
		});
	}

	// ---------------------------------------------------------------- products

	async #productPage(filter: ProductFilter, limit: number, offset: number): Promise<{ rows: Product[]; count: number }> {
		const envelope = await this.call('product_list', { ...filter, limit, offset }, 'read');
		const parsed = parseResponse(productListResponseSchema, envelope, 'product_list');
		const rows = parsed.product_list ?? [];
		return { rows, count: parsed.product_list_count ?? rows.length };
	}

	/** One window (limit ≤ 1000, default 1000). */
	async listProducts(filter: ProductFilter = {}, window: { limit?: number; offset?: number } = {}): Promise<Product[]> {
		const limit = clampInt(window.limit ?? PRODUCT_PAGE_MAX, 1, PRODUCT_PAGE_MAX);
		const offset = Math.max(0, Math.floor(window.offset ?? 0));
		return (await this.#productPage(filter, limit, offset)).rows;
	}

	/** Windows until one is short: product_list has no total, product_list_count = rows in this answer. */
	async *iterateProducts(filter: ProductFilter = {}, pageSize = PRODUCT_PAGE_MAX): AsyncGenerator<Product> {
		const limit = clampInt(pageSize, 1, PRODUCT_PAGE_MAX);
		for (let offset = 0; ; ) {
			const { rows, count } = await this.#productPage(filter, limit, offset);
			yield* rows;
			if (rows.length === 0 || count < limit) return;
			offset += rows.length;
		}
	}

	/** `extras`: product_list flags such as return_pricelist / return_warehause_stock, sent with the lookup. */
	async getProduct(by: { mk_id?: string; count_code?: string; code?: string }, extras: ProductFilter = {}): Promise<Product | null> {
		if (nonEmpty(by?.count_code)) {
			const rows = await this.listProducts({ ...extras, count_code: by.count_code });
			return newest(rows.filter((p) => p.count_code === by.count_code));
		}
		if (nonEmpty(by?.mk_id)) {
			const rows = await this.listProducts({ ...extras, mk_id: by.mk_id });
			const hit = rows.find((p) => p.mk_id === by.mk_id);
			if (hit || rows.length === 0) return hit ?? null;
			// The mk_id filter is reportedly ignored (rows came back, none matching): scan the catalogue.
			for await (const p of this.iterateProducts(extras)) if (p.mk_id === by.mk_id) return p;
			return null;
		}
		if (nonEmpty(by?.code)) {
			const rows = await this.listProducts({ ...extras, code: by.code });
			return newest(rows.filter((p) => p.code === by.code));
		}
		throw invalidInput('product_list', 'give mk_id, count_code or code');
	}

	/** Reconciles a lost answer via count_code and/or code. */
	async addProduct(product: ProductInput): Promise<WriteResult<{ mk_id: string; count_code: string }>> {
		if (!nonEmpty(product?.code) || !nonEmpty(product?.name) || !nonEmpty(product?.unit)) {
			throw invalidInput('product_add', 'code, name and unit are required');
		}
		const countCode = nonEmpty(product.count_code) ? product.count_code : undefined;
		return writeWithReconcile({
			method: 'product_add',
			what: `product ${countCode ? `count_code "${countCode}"` : `code "${product.code}"`}`,
			send: async () => {
				const parsed = parseResponse(productWriteResponseSchema, await this.call('product_add', product, 'write'), 'product_add');
				return { mk_id: parsed.mk_id, count_code: parsed.count_code ?? countCode ?? '' };
			},
			lookup: async () => {
				const filter: ProductFilter = countCode ? { count_code: countCode } : { code: product.code };
				const rows = await this.listProducts(filter);
				const hit = newest(rows.filter((p) => (!countCode || p.count_code === countCode) && p.code === product.code));
				return hit?.mk_id ? { mk_id: hit.mk_id, count_code: hit.count_code ?? countCode ?? '' } : null;
			},
			pause: () => this.#reconcilePause(),
			onEvent: this.#reconcileEvent,
		});
	}

	async updateProduct(product: ProductInput & { mk_id?: string; count_code?: string }): Promise<{ mk_id: string; count_code: string }> {
		if (!nonEmpty(product?.mk_id) && !nonEmpty(product?.count_code)) {
			throw invalidInput('product_update', 'mk_id or count_code is required');
		}
		try {
			const parsed = parseResponse(productWriteResponseSchema, await this.call('product_update', product, 'write'), 'product_update');
			return { mk_id: parsed.mk_id, count_code: parsed.count_code ?? product.count_code ?? '' };
		} catch (error) {
			surfaceUnknownOutcome(error);
		}
	}

	async deleteProduct(by: { mk_id?: string; count_code?: string }): Promise<void> {
		const body: Record<string, unknown> = {};
		if (nonEmpty(by?.mk_id)) body.mk_id = by.mk_id;
		else if (nonEmpty(by?.count_code)) body.count_code = by.count_code;
		else throw invalidInput('product_delete', 'mk_id or count_code is required');
		try {
			await this.call('product_delete', body, 'write');
		} catch (error) {
			surfaceUnknownOutcome(error);
		}
	}

	async listWarehouses(): Promise<Warehouse[]> {
		const envelope = await this.call('warehouse_list', {}, 'read');
		return parseResponse(warehouseListResponseSchema, envelope, 'warehouse_list').warehouse_list ?? [];
	}

	/** All pages (1000 rows each) until a short one. */
	async getStock(filter: StockFilter = {}): Promise<StockRow[]> {
		const body: Record<string, unknown> = { ...filter };
		for (const key of ['wh_id_list', 'product_code_list', 'product_mk_id_list'] as const) {
			const v = filter[key];
			if (Array.isArray(v)) {
				if (v.length === 0) delete body[key];
				else body[key] = v.join(',');
			}
		}
		const rows: StockRow[] = [];
		for (let offset = 0; ; ) {
			const envelope = await this.call('warehouse_stock', { ...body, limit: STOCK_PAGE_SIZE, offset }, 'read');
			const page = parseResponse(stockResponseSchema, envelope, 'warehouse_stock').stock_list ?? [];
			rows.push(...page);
			if (page.length < STOCK_PAGE_SIZE) return rows;
			offset += page.length;
		}
	}

	// ---------------------------------------------------------------- documents

	#requireDocType(method: string, docType: unknown): asserts docType is DocType {
		if (!isDocType(docType)) throw invalidInput(method, `unknown doc_type "${String(docType)}"`);
	}

	/**
	 * Insert (no mk_id) or replace (mk_id). A lost insert is reconciled via count_code (search) or, for
	 * sales_order, buyer_order (get_document). A replace rewrites the same document, so it is not
	 * reconciled: a lost answer surfaces as non-retryable.
	 */
	async putDocument(doc: DocumentInput): Promise<WriteResult<PutDocumentResult>> {
		this.#requireDocType('put_document', doc?.doc_type);
		const send = async (): Promise<PutDocumentResult> =>
			parseResponse(putDocumentResponseSchema, withoutEnvelope(await this.call('put_document', doc, 'write')), 'put_document');
		if (nonEmpty(doc.mk_id)) {
			try {
				return { result: await send(), reconciled: false };
			} catch (error) {
				surfaceUnknownOutcome(error);
			}
		}
		// "COUNT_CODE_SELECT#..." asks Metakocka to pick the number: not a key we can look up.
		const countCode = nonEmpty(doc.count_code) && !doc.count_code.startsWith('COUNT_CODE_SELECT') ? doc.count_code.trim() : undefined;
		const buyerOrder = doc.doc_type === 'sales_order' && nonEmpty(doc.buyer_order) ? doc.buyer_order.trim() : undefined;
		return writeWithReconcile<PutDocumentResult>({
			method: 'put_document',
			what: `${doc.doc_type}${countCode ? ` count_code "${countCode}"` : ''}${buyerOrder ? ` buyer_order "${buyerOrder}"` : ''}`,
			send,
			lookup:
				countCode || buyerOrder
					? async () => {
							if (countCode) {
								const hit = await this.#findDocumentByCountCode(doc.doc_type, countCode);
								if (hit) return hit;
							}
							if (buyerOrder) {
								const found = await this.getDocument('sales_order', { buyer_order: buyerOrder });
								if (found?.mk_id) return { ...found, mk_id: found.mk_id } as PutDocumentResult;
							}
							return null;
						}
					: undefined,
			pause: () => this.#reconcilePause(),
			onEvent: this.#reconcileEvent,
		});
	}

	async #findDocumentByCountCode(docType: DocType, countCode: string): Promise<PutDocumentResult | null> {
		let pages = 0;
		let offset = 0;
		// Newest first: a document just written is on the first page.
		for (;;) {
			const page = await this.search({ doc_type: docType, query: countCode, order_direction: orderDirectionFor(docType, 'desc'), limit: SEARCH_PAGE_MAX, offset });
			const hit = page.records.find((r) => r.count_code === countCode);
			if (hit?.mk_id) return { mk_id: hit.mk_id, count_code: hit.count_code };
			pages++;
			offset += page.records.length;
			if (page.records.length === 0 || offset >= page.total) return null;
			if (pages >= RECONCILE_SEARCH_MAX_PAGES) {
				throw new MetakockaError({
					code: 'OUTCOME_UNKNOWN',
					description: `searching count_code "${countCode}" matched over ${offset} documents`,
					method: 'search',
					retryable: false,
					delivery: 'unknown',
				});
			}
		}
	}

	/** null when Metakocka answers "Cannot find ..." (opr_code 2 or 6). */
	async getDocument(
		docType: DocType,
		by: { mk_id?: string; buyer_order?: string },
		flags: Record<string, boolean> = {},
	): Promise<MkDocument | null> {
		this.#requireDocType('get_document', docType);
		const body: Record<string, unknown> = { ...flags, doc_type: docType };
		if (nonEmpty(by?.mk_id)) body.doc_id = by.mk_id;
		else if (nonEmpty(by?.buyer_order)) {
			if (!DOC_TYPE_INFO[docType].buyerOrder) throw invalidInput('get_document', `${docType} cannot be read by buyer_order`);
			body.buyer_order = by.buyer_order;
		} else throw invalidInput('get_document', 'mk_id or buyer_order is required');
		const outcome = await settle(() => this.call('get_document', body, 'read'));
		if (!outcome.ok) {
			if (isNotFound(outcome.error)) return null;
			throw outcome.error;
		}
		return parseResponse(documentSchema, withoutEnvelope(outcome.value), 'get_document');
	}

	/** Partial update by mk_id (or buyer_order / count_code where supported). Idempotent: never reconciled. */
	async updateDocument(docType: DocType, fields: Record<string, unknown>): Promise<void> {
		this.#requireDocType('update_document', docType);
		// Metakocka answers "0" to fields it ignores: refuse them here (doctypes.ts owns the table).
		if (DOC_TYPE_INFO[docType].update === 'none') {
			throw invalidInput('update_document', `${docType} has no update_document in Metakocka; replace it with put_document and its mk_id`);
		}
		const extra = unsupportedUpdateFields(docType, fields);
		if (extra.length) {
			const what = DOC_TYPE_INFO[docType].update === 'status' ? 'only accepts status_code updates' : 'does not update';
			throw invalidInput('update_document', `${docType} ${what} (got ${extra.join(', ')})`);
		}
		try {
			await this.call('update_document', { ...fields, doc_type: docType }, 'write');
		} catch (error) {
			surfaceUnknownOutcome(error);
		}
	}

	async deleteDocument(docType: DocType, mkId: string): Promise<void> {
		this.#requireDocType('delete_document', docType);
		if (!DOC_TYPE_INFO[docType].delete) throw invalidInput('delete_document', `${docType} cannot be deleted through the API`);
		if (!nonEmpty(mkId)) throw invalidInput('delete_document', 'mk_id is required');
		try {
			// delete_document wants mk_id (doc_id answers "Paramether mk_id must be set").
			await this.call('delete_document', { doc_type: docType, mk_id: mkId }, 'write');
		} catch (error) {
			surfaceUnknownOutcome(error);
		}
	}

	async changeDocumentStatus(
		docType: DocType,
		target: { mk_id?: string; mk_id_list?: string[]; buyer_order?: string },
		statusCode: string,
		opts: { api_user_email?: string } = {},
	): Promise<void> {
		this.#requireDocType('change_document_status', docType);
		if (!DOC_TYPE_INFO[docType].changeDocumentStatus) {
			throw invalidInput('change_document_status', `${docType} does not support change_document_status`);
		}
		if (!nonEmpty(statusCode)) throw invalidInput('change_document_status', 'status_code is required');
		const body: Record<string, unknown> = { doc_type: docType, status_code: statusCode };
		const given = [nonEmpty(target?.mk_id), (target?.mk_id_list?.length ?? 0) > 0, nonEmpty(target?.buyer_order)].filter(Boolean).length;
		if (given !== 1) throw invalidInput('change_document_status', 'give exactly one of mk_id, mk_id_list, buyer_order');
		if (nonEmpty(target.mk_id)) body.mk_id = target.mk_id;
		if (target.mk_id_list?.length) body.mk_id_list = target.mk_id_list;
		if (nonEmpty(target.buyer_order)) {
			if (!DOC_TYPE_INFO[docType].buyerOrder) throw invalidInput('change_document_status', `${docType} has no buyer_order`);
			body.buyer_order = target.buyer_order;
		}
		if (nonEmpty(opts.api_user_email)) body.api_user_email = opts.api_user_email;
		try {
			await this.call('change_document_status', body, 'write');
		} catch (error) {
			surfaceUnknownOutcome(error);
		}
	}

	/** Documents changed since the previous call (warehouse types only; request/response undocumented). */
	async getChangeDocuments(docType: DocType): Promise<Array<{ mk_id: string; count_code?: string; doc_type: string }>> {
		this.#requireDocType('get_change_documents', docType);
		if (!DOC_TYPE_INFO[docType].getChangeDocuments) {
			throw invalidInput('get_change_documents', `${docType} does not support get_change_documents`);
		}
		const envelope = await this.call('get_change_documents', { doc_type: docType }, 'read');
		// The answer's shape is undocumented (the sandbox's is invented): anything but a `result` list,
		// or an explicit empty count, is an error. Parsing an unknown shape to [] would lose the feed.
		if (envelope.result === undefined && !(envelope.result_count !== undefined && String(envelope.result_count) === '0')) {
			throw new MetakockaError({
				code: 'INVALID_RESPONSE',
				description: `get_change_documents answered without a "result" list (keys: ${Object.keys(envelope).join(', ') || 'none'}); its shape is undocumented, so nothing was taken as "no changes"`,
				method: 'get_change_documents',
				retryable: false,
				delivery: 'answered',
				response: envelope,
			});
		}
		const rows = parseResponse(changeDocumentsResponseSchema, envelope, 'get_change_documents').result ?? [];
		return rows.map((r) => ({ ...r, mk_id: r.mk_id, count_code: r.count_code, doc_type: r.doc_type ?? docType }));
	}

	// ---------------------------------------------------------------- search

	/** One page; limit clamped to 1..100 (default 100). Queued: one search per company at a time. */
	async search(params: SearchParams): Promise<SearchPage> {
		if (!nonEmpty(params?.doc_type)) throw invalidInput('search', 'doc_type is required');
		const limit = clampInt(params.limit ?? SEARCH_PAGE_MAX, 1, SEARCH_PAGE_MAX);
		const offset = Math.max(0, Math.floor(params.offset ?? 0));
		const body: Record<string, unknown> = { ...(params.flags ?? {}), doc_type: params.doc_type, limit, offset };
		if (nonEmpty(params.query)) body.query = params.query;
		if (params.query_advance?.length) body.query_advance = params.query_advance;
		if (params.result_type) body.result_type = params.result_type;
		if (params.order_direction) body.order_direction = params.order_direction;
		const envelope = await this.call('search', body, 'search');
		const parsed = parseResponse(searchResponseSchema, envelope, 'search');
		const raw = parsed.result ?? parsed.result_product ?? [];
		const itemSchema = params.result_type === 'doc' ? documentSchema : searchHitSchema;
		const records = raw.map((item) => parseResponse(itemSchema, item, 'search') as MkDocument | SearchHit);
		return {
			records,
			total: parsed.result_all_records ?? offset + records.length,
			count: parsed.result_count ?? records.length,
			offset: parsed.offset ?? offset,
			limit: parsed.limit ?? limit,
		};
	}

	/** Pages of 100 via offset until result_all_records is reached; one page in memory at a time. */
	async *iterateSearch(params: Omit<SearchParams, 'offset'>): AsyncGenerator<MkDocument | SearchHit> {
		const limit = clampInt(params.limit ?? SEARCH_PAGE_MAX, 1, SEARCH_PAGE_MAX);
		for (let offset = 0; ; ) {
			const page = await this.search({ ...params, limit, offset });
			yield* page.records;
			offset += page.records.length;
			if (page.records.length === 0 || page.records.length < limit || offset >= page.total) return;
		}
	}

	// ---------------------------------------------------------------- report

	/** Raw file bytes; a JSON answer is an error envelope and throws. */
	async report(params: {
		mk_id: string;
		report_id: string;
		type?: 'PDF' | 'XLS' | 'CSV' | 'XML' | 'HTM' | 'JSN';
		locale?: string;
	}): Promise<{ data: Buffer; contentType: string }> {
		if (!nonEmpty(params?.mk_id) || !nonEmpty(params?.report_id)) throw invalidInput('report', 'mk_id and report_id are required');
		const reportParams: Array<{ type: string; value: string }> = [{ type: 'REPORT_TYPE', value: params.type ?? 'PDF' }];
		if (nonEmpty(params.locale)) reportParams.push({ type: 'ADD_ATT_HIDDEN_DEFAULT_LOCALE', value: params.locale });
		return this.#execute('report', { mk_id: params.mk_id, report_id: params.report_id, params: reportParams }, 'read', (res) =>
			interpretRaw(res, 'report', 'read', this.#transport.secretKey),
		);
	}
}

function clampInt(n: number, min: number, max: number): number {
	const v = Math.floor(Number.isFinite(n) ? n : max);
	return Math.min(max, Math.max(min, v));
}

function partnerToAddResult(p: Partner): AddPartnerResult {
	return {
		mk_id: p.mk_id ?? '',
		mk_contact_id: p.partner_contact_list?.[0]?.mk_id,
		count_code: p.count_code,
		mk_address_id_list: (p.partner_delivery_address_list ?? []).map((a) => ({ mk_id: a.mk_id, street: a.street })),
		partner: p,
	};
}
