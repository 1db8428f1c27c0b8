import { performance } from 'node:perf_hooks';

import { MetakockaError } from './errors';

// How many Metakocka calls (other than searches) may be in flight at once, found at run time.
// Metakocka documents no limit, and the right number depends on the server's load and on how many
// executions share it, so a fixed number is either too timid or too hard on a production ERP.
//
// A latency-based limit in the style of TCP Vegas, as Netflix's concurrency-limits (VegasLimit) and
// Envoy's adaptive concurrency filter estimate it: with rtt the latency of a call and minRtt the
// latency without load, limit × (1 − minRtt / rtt) calls are waiting in the server's queue.
// As Linux's tcp_vegas does, the limit changes once per round trip, judged by the LOWEST latency of
// that round trip's calls (only calls sent after the last change count): a server queue delays every
// call of the round, while a busy client (n8n's event loop, a loaded machine) delays only some of them
// and is not mistaken for a queue. Judging each answer on its own, the limit fell by one per late
// answer and collapsed to half the server's capacity whenever the client's CPU was busy.
// While that queue is about empty the limit doubles per round trip (TCP's slow start); below ALPHA
// waiting calls it grows by one; between ALPHA and BETA it holds; above BETA it moves half-way
// towards BETA waiting calls. A 429, 503, 502/504, a lost connection or a timeout is a "drop": the
// limit is cut by DROP_FACTOR, at most once per round trip (the calls in flight when it happened say
// the same thing).
// One limiter per base URL + company, shared by every client of the process (module state, not
// globalThis): n8n runs every execution of a workflow, and every workflow, in the same process.

export const DEFAULT_INITIAL_LIMIT = 4;
/** Absolute ceiling; each caller also brings its own (the node's Max Parallel Calls). */
export const HARD_MAX_LIMIT = 256;
const ALPHA = 3;
const BETA = 6;
const DROP_FACTOR = 0.7;
/** The no-load latency is re-learned per window, so a server that got slower for good is not read as "queued" forever. */
const MIN_RTT_WINDOW_MS = 60_000;
const PATH_MAX = 400;

export type CallOutcome = 'ok' | 'drop' | 'ignore';

export interface LimiterStep {
	/** ms since the limiter was created. */
	at: number;
	limit: number;
	reason: 'start' | 'grow' | 'queue' | 'drop';
}

export interface LimiterSnapshot {
	limit: number;
	inFlight: number;
	waiting: number;
	peakInFlight: number;
	minRttMs: number | null;
	drops: number;
	/** Every change of the (whole-number) limit, oldest first; the last PATH_MAX are kept. */
	path: LimiterStep[];
}

/** What a failed attempt says about the server's capacity. */
export function classifyOutcome(error: unknown): CallOutcome {
	if (!(error instanceof MetakockaError)) return 'ignore';
	if (error.code === 'TIMEOUT') return 'drop';
	if (error.httpStatus === 429 || error.httpStatus === 502 || error.httpStatus === 503 || error.httpStatus === 504) return 'drop';
	// A reset mid-call is load-shedding too; a refused connection never reached the server.
	if (error.code === 'NETWORK') return error.delivery === 'unknown' ? 'drop' : 'ignore';
	// Answered (business errors, 4xx, pages): the latency is real.
	return 'ok';
}

interface Waiter {
	cap: number;
	resolve: (seq: number) => void;
}

export class AdaptiveLimiter {
	#limit: number;
	#inFlight = 0;
	#waiters: Waiter[] = [];
	#minRtt = Infinity;
	#windowMin = Infinity;
	#windowStart: number;
	#lastDrop = -Infinity;
	/** Calls are numbered as they are sent; a round trip is judged by calls sent since it began. */
	#nextSeq = 0;
	#roundStartSeq = 0;
	#roundSamples = 0;
	#roundMinRtt = Infinity;
	#roundMaxInFlight = 0;
	#peak = 0;
	#drops = 0;
	#path: LimiterStep[] = [];
	readonly #created: number;
	readonly #now: () => number;

	constructor(options: { initialLimit?: number; now?: () => number } = {}) {
		this.#now = options.now ?? (() => performance.now());
		this.#created = this.#now();
		this.#windowStart = this.#created;
		this.#limit = Math.max(1, options.initialLimit ?? DEFAULT_INITIAL_LIMIT);
		this.#record('start');
	}

	get limit(): number {
		return Math.max(1, Math.floor(this.#limit));
	}

	/**
	 * Runs fn once a slot is free under both the adaptive limit and the caller's own cap; the
	 * answer (or error, classified by `classify`) updates the limit.
	 */
	async run<T>(cap: number, fn: () => Promise<T>, classify: (error: unknown) => CallOutcome = classifyOutcome): Promise<T> {
		const ceiling = Math.max(1, Math.min(HARD_MAX_LIMIT, Math.floor(cap)));
		const seq = await this.#acquire(ceiling);
		const started = this.#now();
		let outcome: CallOutcome = 'ok';
		try {
			return await fn();
		} catch (error) {
			outcome = classify(error);
			throw error;
		} finally {
			const inFlight = this.#inFlight;
			this.#inFlight--;
			this.#update(seq, started, this.#now() - started, inFlight, outcome, ceiling);
			this.#pump();
		}
	}

	snapshot(): LimiterSnapshot {
		return {
			limit: this.limit,
			inFlight: this.#inFlight,
			waiting: this.#waiters.length,
			peakInFlight: this.#peak,
			minRttMs: Number.isFinite(this.#minRtt) ? this.#minRtt : null,
			drops: this.#drops,
			path: this.#path.map((s) => ({ ...s })),
		};
	}

	#admits(cap: number): boolean {
		return this.#inFlight < Math.min(this.limit, cap);
	}

	#acquire(cap: number): Promise<number> {
		if (this.#waiters.length === 0 && this.#admits(cap)) return Promise.resolve(this.#take());
		const waiting = new Promise<number>((resolve) => this.#waiters.push({ cap, resolve }));
		// Waiters ahead may be held only by their own cap.
		this.#pump();
		return waiting;
	}

	/** Takes a slot; returns the call's number. */
	#take(): number {
		this.#inFlight++;
		if (this.#inFlight > this.#peak) this.#peak = this.#inFlight;
		return this.#nextSeq++;
	}

	/** Oldest first; a waiter with a lower cap does not hold back the ones behind it. */
	#pump(): void {
		for (let i = 0; i < this.#waiters.length && this.#inFlight < this.limit; ) {
			const w = this.#waiters[i];
			if (this.#admits(w.cap)) {
				this.#waiters.splice(i, 1);
				w.resolve(this.#take());
			} else i++;
		}
	}

	#update(seq: number, started: number, rtt: number, inFlight: number, outcome: CallOutcome, cap: number): void {
		if (outcome === 'ignore') return;
		const before = this.limit;
		if (outcome === 'drop') {
			this.#drops++;
			// Only calls sent after the last cut may cut again: one cut per round trip.
			if (started >= this.#lastDrop) {
				this.#limit = Math.max(1, this.#limit * DROP_FACTOR);
				this.#lastDrop = this.#now();
				this.#newRound();
			}
			if (this.limit !== before) this.#record('drop');
			return;
		}
		const sample = Math.max(rtt, 0.001);
		const now = this.#now();
		if (now - this.#windowStart > MIN_RTT_WINDOW_MS) {
			// Half-way towards the last window's floor: slow to forget a fast server, quick to learn a faster one.
			if (Number.isFinite(this.#windowMin)) this.#minRtt = Math.min(this.#windowMin, (this.#minRtt + this.#windowMin) / 2);
			this.#windowMin = Infinity;
			this.#windowStart = now;
		}
		if (sample < this.#windowMin) this.#windowMin = sample;
		if (sample < this.#minRtt) this.#minRtt = sample;
		// Calls sent before the round began answer for the limit before it: they do not count.
		if (seq < this.#roundStartSeq) return;
		this.#roundSamples++;
		if (sample < this.#roundMinRtt) this.#roundMinRtt = sample;
		if (inFlight > this.#roundMaxInFlight) this.#roundMaxInFlight = inFlight;
		// A round trip: half the limit's calls sent since the round began have answered.
		if (this.#roundSamples < Math.max(1, Math.ceil(this.#limit / 2))) return;
		const rttOfRound = this.#roundMinRtt;
		const busiest = this.#roundMaxInFlight;
		this.#newRound();
		const queue = this.#limit * (1 - this.#minRtt / rttOfRound);
		let reason: LimiterStep['reason'] = 'grow';
		if (queue > BETA) {
			// Half-way towards BETA calls waiting: fast enough after a sudden slowdown, no overshoot below the capacity.
			this.#limit = Math.max(1, this.#limit - (queue - BETA) / 2);
			reason = 'queue';
		} else if (queue >= ALPHA) {
			return;
		} else {
			// Grow only while the limit is what holds calls back (not when callers send fewer), up to the caller's cap.
			if (busiest * 2 < this.#limit || this.#limit >= cap) return;
			const grown = queue <= 1 ? this.#limit * 2 : this.#limit + 1;
			this.#limit = Math.max(this.#limit, Math.min(HARD_MAX_LIMIT, cap, grown));
		}
		if (this.limit !== before) this.#record(reason);
	}

	/** The next round trip counts only calls sent from now on. */
	#newRound(): void {
		this.#roundStartSeq = this.#nextSeq;
		this.#roundSamples = 0;
		this.#roundMinRtt = Infinity;
		this.#roundMaxInFlight = 0;
	}

	#record(reason: LimiterStep['reason']): void {
		this.#path.push({ at: Math.round(this.#now() - this.#created), limit: this.limit, reason });
		if (this.#path.length > PATH_MAX) this.#path.splice(1, this.#path.length - PATH_MAX);
	}
}

// One per base URL + company for the whole process; a bounded map so a process that talks to many
// companies does not keep every limiter forever (the least recently used one goes).
const LIMITERS = new Map<string, AdaptiveLimiter>();
const MAX_LIMITERS = 200;

export function limiterFor(baseUrl: string, companyId: string): AdaptiveLimiter {
	const key = `${baseUrl}|${companyId}`;
	let limiter = LIMITERS.get(key);
	if (limiter) {
		LIMITERS.delete(key);
	} else {
		limiter = new AdaptiveLimiter();
		if (LIMITERS.size >= MAX_LIMITERS) LIMITERS.delete(LIMITERS.keys().next().value as string);
	}
	LIMITERS.set(key, limiter);
	return limiter;
}

/** Tests and the benchmark: forget every learned limit. */
export function resetLimiters(): void {
	LIMITERS.clear();
}

/** The limiter of a base URL + company, if one was made (for reports); undefined otherwise. */
export function peekLimiter(baseUrl: string, companyId: string): AdaptiveLimiter | undefined {
	return LIMITERS.get(`${baseUrl}|${companyId}`);
}
