// Change detection for the Metakocka Trigger: one poll reads what changed since the cursor and returns
// the items to emit plus the next cursor. n8n-free; the cursor is plain JSON for n8n's static data.
//
// Metakocka has no general change feed: documents have the search filter last_change_from (a
// timestamp [DOC:search_examples.md]) and, for the four warehouse types, get_change_documents
// (consumed on read, request/response undocumented). Partners, products and stock have no change
// filter at all, so the trigger compares content stamps (a short hash per object) with the previous
// poll. A stamp map is what makes every change fire EXACTLY once although windows overlap.

import {
	changedSince,
	DOC_TYPE_INFO,
	SEARCH_PAGE_MAX,
	hasLastChangeFilter,
	orderDirectionFor,
	parseMkDate,
	type DocType,
	type MetakockaClient,
	type MkDocument,
	type ProductFilter,
	type StockRow,
	type Warehouse,
	withoutEnvelope,
} from '../client';
import { stamp } from './hash';

export type Watch = 'documents' | 'partners' | 'products' | 'stock';
export const WATCHES: readonly Watch[] = ['documents', 'partners', 'products', 'stock'];

export interface ChangeInfo {
	/** created: new since the trigger's window (documents: created_ts in it; others: not seen before). */
	type: 'created' | 'changed';
	watch: Watch;
	/** When the poll that saw the change started (ISO). */
	at: string;
	/** Partners: the document that revealed the partner. */
	source?: { doc_type: string; mk_id: string };
	/** Manual (test) runs: a sample, not a change. */
	sample?: boolean;
}

export type TriggerItem = Record<string, unknown> & { _change: ChangeInfo };

/** [stamp, last time (ms) the object was returned by a poll]. */
type Seen = [string, number];

export interface DocTypeCursor {
	/** Start (ms) of the last complete poll; the next search reads last_change_from = from − overlap. null = everything. */
	from: number | null;
	/** mk_id → stamp of every document returned by the current window. */
	seen: Record<string, Seen>;
	/**
	 * A window read part way (Max Records per Run): the next poll continues at this offset of the
	 * same search instead of reading the window again from the start; `startedAt` (ms) becomes the
	 * next window's start once it is through, so changes made during a long sweep come again.
	 */
	sweep?: { offset: number; startedAt: number; total: number };
}

export interface TriggerCursor {
	v: 1;
	/** What the cursor was made for; a different configuration starts over. */
	key: string;
	/** First activation (ISO). */
	activatedAt: string;
	docs?: Record<string, DocTypeCursor>;
	/** mk_id → [stamp, last seen]. */
	partners?: Record<string, Seen>;
	/** mk_id → stamp. Always the whole (filtered) catalogue. */
	products?: Record<string, string>;
	/** `warehouse_id|product mk_id` → stamp. */
	stock?: Record<string, string>;
}

export interface PollOptions {
	watch: Watch;
	/** documents, partners: which document types (default sales_order). */
	docTypes?: DocType[];
	/** stock: warehouse mk_ids (default all). */
	warehouses?: string[];
	/** First activation: emit what already exists (since `since` when given) instead of only recording it. */
	emitHistory?: boolean;
	/** First activation: emit changes since this instant (implies emitHistory). */
	since?: Date | string;
	/** documents: read the four warehouse types through get_change_documents instead of search. */
	useChangeFeed?: boolean;
	/** documents: get_document flags (show_payment_detail, ...) for the search with result_type doc. */
	docFlags?: Record<string, boolean>;
	/** products: product_list filter. */
	productFilter?: ProductFilter;
	/** Safety margin for clock skew between n8n and Metakocka (default 5 minutes). */
	overlapMs?: number;
	/** At most this many items per poll (default 500); the rest come with the next poll. */
	maxItems?: number;
	/** Epoch ms: stop reading after it and leave the rest to the next poll (n8n's poll budget). */
	deadline?: number;
	/** Entries per stamp map before the least recently seen are dropped (default 50 000). */
	maxTracked?: number;
	now?: () => number;
}

export interface PollResult {
	items: TriggerItem[];
	cursor: TriggerCursor;
	/** false when maxItems or the deadline stopped the poll early (the next poll continues). */
	complete: boolean;
	/** true when this poll only recorded the current state (first activation without history). */
	baseline: boolean;
}

export const DEFAULT_OVERLAP_MS = 5 * 60_000;
export const DEFAULT_MAX_ITEMS = 500;
export const DEFAULT_MAX_TRACKED = 50_000;
/** The change feed has no window: stamps older than this are dropped. */
const FEED_SEEN_TTL_MS = 7 * 24 * 3600_000;

const DEFAULT_DOC_TYPES: DocType[] = ['sales_order'];

/** What a cursor was made for: another watch, warehouse set or product filter starts over. */
export function cursorKey(options: PollOptions): string {
	const parts: unknown[] = [options.watch];
	if (options.watch === 'stock') parts.push([...(options.warehouses ?? [])].sort());
	if (options.watch === 'products') parts.push(stamp(options.productFilter ?? {}));
	// Document types are tracked one by one: adding a type keeps the others' windows.
	return JSON.stringify(parts);
}

class Budget {
	count = 0;
	stopped = false;
	constructor(
		private readonly maxItems: number,
		private readonly deadline: number | undefined,
		private readonly clock: () => number,
	) {}
	/** false = stop now and leave the rest for the next poll. */
	take(): boolean {
		if (this.stopped) return false;
		if (this.count >= this.maxItems || (this.deadline !== undefined && this.clock() >= this.deadline)) {
			this.stopped = true;
			return false;
		}
		this.count++;
		return true;
	}
	/** Reads without emitting also stop at the deadline. */
	expired(): boolean {
		if (!this.stopped && this.deadline !== undefined && this.clock() >= this.deadline) this.stopped = true;
		return this.stopped;
	}
}

interface Ctx {
	client: MetakockaClient;
	options: PollOptions;
	now: () => number;
	pollStart: number;
	at: string;
	overlap: number;
	maxTracked: number;
	budget: Budget;
	history: boolean;
	sinceMs: number | null;
	items: TriggerItem[];
}

function toMs(since: Date | string | undefined): number | null {
	if (since === undefined || since === '') return null;
	const d = since instanceof Date ? since : (parseMkDate(since) ?? new Date(since));
	if (Number.isNaN(d.getTime())) throw new RangeError(`Invalid "since" date: ${String(since)}`);
	return d.getTime();
}

/** Drops the least recently seen entries beyond `max`. */
function capSeen(map: Record<string, Seen>, max: number): void {
	const keys = Object.keys(map);
	if (keys.length <= max) return;
	keys.sort((a, b) => map[a][1] - map[b][1]);
	for (const k of keys.slice(0, keys.length - max)) delete map[k];
}

/**
 * One poll. The cursor given is not modified; the returned cursor is the one to keep (store it only
 * after the items were handed on, so a failed poll repeats its window instead of losing it).
 */
export async function pollChanges(client: MetakockaClient, cursor: TriggerCursor | null | undefined, options: PollOptions): Promise<PollResult> {
	const now = options.now ?? Date.now;
	const pollStart = now();
	const key = cursorKey(options);
	const fresh = !cursor || cursor.v !== 1 || cursor.key !== key;
	// Not structuredClone: n8n hands static data loaded from its database back as a Proxy, which it cannot clone.
	const next: TriggerCursor = fresh ? { v: 1, key, activatedAt: new Date(pollStart).toISOString() } : (JSON.parse(JSON.stringify(cursor)) as TriggerCursor);
	const sinceMs = toMs(options.since);
	const ctx: Ctx = {
		client,
		options,
		now,
		pollStart,
		at: new Date(pollStart).toISOString(),
		overlap: Math.max(0, options.overlapMs ?? DEFAULT_OVERLAP_MS),
		maxTracked: Math.max(100, options.maxTracked ?? DEFAULT_MAX_TRACKED),
		budget: new Budget(Math.max(1, options.maxItems ?? DEFAULT_MAX_ITEMS), options.deadline, now),
		history: !!options.emitHistory || sinceMs !== null,
		sinceMs,
		items: [],
	};
	let baseline = false;
	switch (options.watch) {
		case 'documents':
		case 'partners':
			baseline = await pollDocuments(ctx, next);
			break;
		case 'products':
			baseline = await pollProducts(ctx, next);
			break;
		case 'stock':
			baseline = await pollStock(ctx, next);
			break;
		default:
			throw new RangeError(`Unknown watch "${String(options.watch)}"`);
	}
	return { items: ctx.items, cursor: next, complete: !ctx.budget.stopped, baseline };
}

// ------------------------------------------------------------------------------------- documents

function docTypesOf(options: PollOptions): DocType[] {
	const types = options.docTypes?.length ? [...new Set(options.docTypes)] : DEFAULT_DOC_TYPES;
	for (const dt of types) if (!(dt in DOC_TYPE_INFO)) throw new RangeError(`Unknown document type "${dt}"`);
	return types;
}

const useFeed = (ctx: Ctx, dt: DocType): boolean => !!ctx.options.useChangeFeed && DOC_TYPE_INFO[dt].getChangeDocuments;

/** Documents and partners: both walk the documents that changed. Returns true for a pure baseline. */
async function pollDocuments(ctx: Ctx, next: TriggerCursor): Promise<boolean> {
	const types = docTypesOf(ctx.options);
	const docs = (next.docs ??= {});
	for (const dt of Object.keys(docs)) if (!types.includes(dt as DocType)) delete docs[dt];
	if (ctx.options.watch === 'partners') next.partners ??= {};
	let allBaseline = true;
	const checkedPartners = new Set<string>();
	for (const dt of types) {
		if (ctx.budget.expired()) {
			allBaseline = false;
			break;
		}
		const feed = useFeed(ctx, dt);
		let state = docs[dt];
		if (!state) {
			if (!ctx.history) {
				docs[dt] = await baselineDocType(ctx, dt, feed);
				continue;
			}
			// The first window starts exactly at `since` (the overlap is for later windows).
			state = docs[dt] = { from: feed ? ctx.pollStart : ctx.sinceMs === null ? null : ctx.sinceMs + ctx.overlap, seen: {} };
		}
		allBaseline = false;
		const queryFrom = state.from === null ? null : state.from - ctx.overlap;
		const sweep = feed ? undefined : (state.sweep ?? { offset: 0, startedAt: ctx.pollStart, total: 0 });
		const source = feed ? feedDocuments(ctx, dt) : searchDocuments(ctx, dt, queryFrom, sweep);
		let complete = true;
		// Types without a documented last_change filter are read whole each poll [DOC:search_examples.md]:
		// their stamps are kept for every document still there, not only for the recent window.
		const filtered = feed || hasLastChangeFilter(dt);
		const scanned = new Set<string>();
		for await (const doc of source) {
			const id = doc.mk_id;
			scanned.add(id);
			const docStamp = stamp(doc);
			const prev = state.seen[id];
			if (prev && prev[0] === docStamp) {
				prev[1] = ctx.now();
				continue;
			}
			const emitted = ctx.options.watch === 'partners' ? await emitPartnerOf(ctx, next, doc, dt, checkedPartners) : emitDocument(ctx, doc, dt, prev, queryFrom);
			if (!emitted) {
				// Out of budget: the next poll continues at this document.
				complete = false;
				break;
			}
			state.seen[id] = [docStamp, ctx.now()];
		}
		if (sweep) {
			if (complete) delete state.sweep;
			// The generator's offset points at the document that did not fit.
			else state.sweep = { ...sweep, offset: sweep.offset - 1 };
		}
		if (feed) {
			// The feed moved on the server when it was read: nothing to re-read, only stale stamps to drop.
			state.from = ctx.pollStart;
			for (const [k, v] of Object.entries(state.seen)) if (v[1] < ctx.pollStart - FEED_SEEN_TTL_MS) delete state.seen[k];
		} else if (complete && !filtered) {
			state.from = ctx.pollStart;
			for (const k of Object.keys(state.seen)) if (!scanned.has(k)) delete state.seen[k];
		} else if (complete) {
			const windowStart = sweep?.startedAt ?? ctx.pollStart;
			if (queryFrom !== null && queryFrom > windowStart - ctx.overlap) {
				// A "since" later than the next window's start: what changed between the two is history,
				// recorded so the next poll's overlap does not emit it.
				for await (const doc of searchDocuments(ctx, dt, windowStart - ctx.overlap)) state.seen[doc.mk_id] ??= [stamp(doc), ctx.now()];
			}
			state.from = windowStart;
			// A document seen before the next window (minus a second overlap for skew) can only come back changed.
			const keepAfter = state.from - 2 * ctx.overlap;
			for (const [k, v] of Object.entries(state.seen)) if (v[1] < keepAfter) delete state.seen[k];
		}
		capSeen(state.seen, ctx.maxTracked);
	}
	if (next.partners) capSeen(next.partners, ctx.maxTracked);
	return allBaseline;
}

/** First activation of a doc type: remember what the current window holds and emit nothing. */
async function baselineDocType(ctx: Ctx, dt: DocType, feed: boolean): Promise<DocTypeCursor> {
	const state: DocTypeCursor = { from: ctx.pollStart, seen: {} };
	if (feed) {
		// Drain the server-side feed: what changed before activation is history.
		await ctx.client.getChangeDocuments(dt);
		return state;
	}
	for await (const doc of searchDocuments(ctx, dt, ctx.pollStart - ctx.overlap)) state.seen[doc.mk_id] = [stamp(doc), ctx.now()];
	return state;
}

/**
 * The window's documents, oldest first, by pages of 100. With `at`, reading starts at at.offset and
 * at.offset always points past the document last yielded (so a stop can be resumed); if the window
 * shrank since (a deletion), it steps back by as much: a repeat is caught by the stamps, a skip
 * would be lost.
 */
async function* searchDocuments(ctx: Ctx, dt: DocType, from: number | null, at?: { offset: number; total: number }): AsyncGenerator<MkDocument> {
	const query_advance = from === null || !hasLastChangeFilter(dt) ? [] : [changedSince(from)];
	const pos = at ?? { offset: 0, total: 0 };
	for (;;) {
		const page = await ctx.client.search({ doc_type: dt, result_type: 'doc', query_advance, order_direction: orderDirectionFor(dt, 'asc'), limit: SEARCH_PAGE_MAX, offset: pos.offset, flags: ctx.options.docFlags });
		if (pos.total > 0 && page.total < pos.total && pos.offset > 0) {
			pos.offset = Math.max(0, pos.offset - (pos.total - page.total));
			pos.total = page.total;
			continue;
		}
		pos.total = page.total;
		for (const hit of page.records) {
			pos.offset++;
			// Search results carry a per-record opr_code; get_document's document (the node's Get output) does not.
			yield withoutEnvelope(hit as Record<string, unknown>) as MkDocument;
		}
		if (page.records.length < SEARCH_PAGE_MAX || pos.offset >= page.total) return;
	}
}

async function* feedDocuments(ctx: Ctx, dt: DocType): AsyncGenerator<MkDocument> {
	const rows = await ctx.client.getChangeDocuments(dt);
	const ids = [...new Set(rows.map((r) => r.mk_id).filter(Boolean))];
	for (const id of ids) {
		// A document deleted since it changed is gone: nothing to emit.
		const doc = await ctx.client.getDocument(dt, { mk_id: id }, ctx.options.docFlags ?? {});
		if (doc) yield doc;
	}
}

function emitDocument(ctx: Ctx, doc: MkDocument, dt: DocType, prev: Seen | undefined, queryFrom: number | null): boolean {
	if (!ctx.budget.take()) return false;
	const created = parseMkDate(String((doc as Record<string, unknown>).created_ts ?? ''))?.getTime();
	const isNew = !prev && (queryFrom === null || (created !== undefined && created >= queryFrom));
	ctx.items.push({ ...doc, doc_type: doc.doc_type ?? dt, _change: { type: isNew ? 'created' : 'changed', watch: 'documents', at: ctx.at } });
	return true;
}

/**
 * Partners have no listing and no change filter: the partner of each changed document is read with
 * get_partner (once per poll) and emitted when its content differs from what the trigger last saw.
 */
async function emitPartnerOf(ctx: Ctx, next: TriggerCursor, doc: MkDocument, dt: DocType, checked: Set<string>): Promise<boolean> {
	const partnerId = doc.partner?.mk_id ? String(doc.partner.mk_id) : '';
	if (!partnerId || checked.has(partnerId)) return true;
	if (ctx.budget.expired()) return false;
	const [partner] = await ctx.client.getPartners({ partner_id: partnerId });
	checked.add(partnerId);
	if (!partner) return true;
	const known = next.partners!;
	const partnerStamp = stamp(partner);
	const prev = known[partnerId];
	if (prev && prev[0] === partnerStamp) {
		prev[1] = ctx.now();
		return true;
	}
	if (!ctx.budget.take()) {
		checked.delete(partnerId);
		return false;
	}
	known[partnerId] = [partnerStamp, ctx.now()];
	ctx.items.push({
		...partner,
		_change: { type: prev ? 'changed' : 'created', watch: 'partners', at: ctx.at, source: { doc_type: doc.doc_type ?? dt, mk_id: doc.mk_id } },
	});
	return true;
}

// -------------------------------------------------------------------------------------- products

/**
 * product_list has no "changed since" filter: every poll reads the whole filtered catalogue (one
 * call per 1,000 products) and compares a stamp per product. The cursor holds ~30 bytes per product.
 */
async function pollProducts(ctx: Ctx, next: TriggerCursor): Promise<boolean> {
	const first = next.products === undefined;
	const known = (next.products ??= {});
	const listed = new Set<string>();
	let complete = true;
	for await (const product of ctx.client.iterateProducts(ctx.options.productFilter ?? {})) {
		const id = product.mk_id ? String(product.mk_id) : '';
		if (!id) continue;
		listed.add(id);
		if (listed.size > ctx.maxTracked) throw new RangeError(`More than ${ctx.maxTracked} products match: narrow the product filter`);
		const productStamp = stamp(product);
		if (known[id] === productStamp) continue;
		if (first && !ctx.history) {
			known[id] = productStamp;
			continue;
		}
		if (!ctx.budget.take()) {
			complete = false;
			break;
		}
		ctx.items.push({ ...product, _change: { type: known[id] === undefined ? 'created' : 'changed', watch: 'products', at: ctx.at } });
		known[id] = productStamp;
	}
	// Deleted products leave the snapshot (only after a full read: a partial one lists too few).
	if (complete) for (const id of Object.keys(known)) if (!listed.has(id)) delete known[id];
	return first && !ctx.history;
}

// ----------------------------------------------------------------------------------------- stock

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : Number(v) || 0);
const roundSum = (n: number): number => Number(n.toPrecision(15));

/** One row per (warehouse, product), microlocations and lots summed, like Get Stock's default rows. */
export function stockRowsByPair(rows: StockRow[], warehouses: Map<string, Warehouse>): Map<string, Record<string, unknown>> {
	const out = new Map<string, Record<string, unknown>>();
	for (const row of rows) {
		const key = `${String(row.warehouse_id ?? '')}|${String(row.mk_id ?? '')}`;
		const amount = num(row.amount);
		const reserved = num(row.reserved_amount);
		const free = row.free_amount === undefined ? amount - reserved : num(row.free_amount);
		const seen = out.get(key);
		if (seen) {
			seen.amount = roundSum(num(seen.amount) + amount);
			seen.reserved_amount = roundSum(num(seen.reserved_amount) + reserved);
			seen.free_amount = roundSum(num(seen.free_amount) + free);
			seen.rows = num(seen.rows) + 1;
			continue;
		}
		const w = warehouses.get(String(row.warehouse_id ?? ''));
		const first: Record<string, unknown> = {
			...row,
			warehouse_mark: w?.mark ?? null,
			warehouse_name: w?.name ?? null,
			amount,
			reserved_amount: reserved,
			free_amount: free,
			rows: 1,
		};
		delete first.microlocation;
		out.set(key, first);
	}
	return out;
}

/** Stock of the chosen warehouses; a stamp per (warehouse, product) of amount, reserved and free. */
async function pollStock(ctx: Ctx, next: TriggerCursor): Promise<boolean> {
	const first = next.stock === undefined;
	const known = (next.stock ??= {});
	const warehouses = new Map((await ctx.client.listWarehouses()).map((w) => [String(w.mk_id), w]));
	const wanted = ctx.options.warehouses?.length ? ctx.options.warehouses : undefined;
	const rows = await ctx.client.getStock({ ...(wanted ? { wh_id_list: wanted } : {}), return_reservation_without_stock: true });
	const pairs = stockRowsByPair(rows, warehouses);
	const valueStamp = (r: Record<string, unknown>): string => stamp([r.amount, r.reserved_amount, r.free_amount]);
	if (first && !ctx.history) {
		for (const [k, r] of pairs) known[k] = valueStamp(r);
		return true;
	}
	for (const [k, r] of pairs) {
		const s = valueStamp(r);
		if (known[k] === s) continue;
		if (!ctx.budget.take()) return false;
		ctx.items.push({ ...r, _change: { type: known[k] === undefined ? 'created' : 'changed', watch: 'stock', at: ctx.at } });
		known[k] = s;
	}
	// A pair Metakocka no longer lists has no stock and no reservation left: emitted once as zero.
	for (const k of Object.keys(known)) {
		if (pairs.has(k)) continue;
		const [warehouseId, mkId] = k.split('|');
		if (wanted && !wanted.includes(warehouseId)) {
			delete known[k];
			continue;
		}
		if (!ctx.budget.take()) return false;
		const w = warehouses.get(warehouseId);
		ctx.items.push({
			warehouse_id: warehouseId,
			mk_id: mkId,
			warehouse_mark: w?.mark ?? null,
			warehouse_name: w?.name ?? null,
			amount: 0,
			reserved_amount: 0,
			free_amount: 0,
			rows: 0,
			_change: { type: 'changed', watch: 'stock', at: ctx.at },
		});
		delete known[k];
	}
	if (Object.keys(known).length > ctx.maxTracked) throw new RangeError(`More than ${ctx.maxTracked} stock rows: choose fewer warehouses`);
	return false;
}

// ----------------------------------------------------------------------------------------- sample

/**
 * For a manual (test) run: a few current objects shaped like the real output, marked `sample`.
 * Reads only; no cursor involved.
 */
export async function sampleChanges(client: MetakockaClient, options: PollOptions, size = 3): Promise<TriggerItem[]> {
	const at = new Date((options.now ?? Date.now)()).toISOString();
	const mark = (o: Record<string, unknown>, extra: Partial<ChangeInfo> = {}): TriggerItem => ({
		...o,
		_change: { type: 'changed', watch: options.watch, at, sample: true, ...extra },
	});
	const out: TriggerItem[] = [];
	switch (options.watch) {
		case 'documents':
		case 'partners':
			for (const dt of docTypesOf(options)) {
				const page = await client.search({ doc_type: dt, result_type: 'doc', order_direction: orderDirectionFor(dt, 'desc'), limit: size, flags: options.docFlags });
				for (const doc of page.records as MkDocument[]) {
					if (out.length >= size) break;
					if (options.watch === 'documents') {
						out.push(mark(doc));
						continue;
					}
					const partnerId = doc.partner?.mk_id ? String(doc.partner.mk_id) : '';
					if (!partnerId || out.some((o) => o.mk_id === partnerId)) continue;
					const [partner] = await client.getPartners({ partner_id: partnerId });
					if (partner) out.push(mark(partner, { source: { doc_type: doc.doc_type ?? dt, mk_id: doc.mk_id } }));
				}
				if (out.length >= size) break;
			}
			return out;
		case 'products':
			return (await client.listProducts(options.productFilter ?? {}, { limit: size })).map((p) => mark(p));
		case 'stock': {
			const warehouses = new Map((await client.listWarehouses()).map((w) => [String(w.mk_id), w]));
			const wanted = options.warehouses?.length ? { wh_id_list: options.warehouses } : {};
			const rows = await client.getStock({ ...wanted, return_reservation_without_stock: true });
			return [...stockRowsByPair(rows, warehouses).values()].slice(0, size).map((r) => mark(r));
		}
		default:
			throw new RangeError(`Unknown watch "${String(options.watch)}"`);
	}
}
