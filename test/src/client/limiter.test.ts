// The adaptive concurrency limit: grows while answers come at their no-load latency, holds or
// shrinks when they queue, is cut on overload answers (once per round trip), never passes a
// caller's cap, and is one per base URL + company for the whole process.
import { AdaptiveLimiter, classifyOutcome, limiterFor, MetakockaClient, MetakockaError, resetLimiters } from '../../../src/client';

function deferred() {
	let resolve!: () => void;
	let reject!: (e: unknown) => void;
	const promise = new Promise<void>((res, rej) => {
		resolve = res;
		reject = rej;
	});
	return { promise, resolve, reject };
}

const flush = () => new Promise((r) => setImmediate(r));

/** A limiter on a hand-moved clock and calls that finish when the test says so. */
function rig(initialLimit = 4) {
	let now = 0;
	const limiter = new AdaptiveLimiter({ initialLimit, now: () => now });
	const running: Array<ReturnType<typeof deferred>> = [];
	const start = (n: number, cap = 32) => {
		for (let i = 0; i < n; i++) {
			limiter
				.run(cap, () => {
					const d = deferred();
					running.push(d);
					return d.promise;
				})
				.catch(() => undefined);
		}
	};
	/** Every call in flight answers after `rtt` ms (or fails with `error`). */
	const round = async (rtt: number, error?: unknown) => {
		await flush();
		now += rtt;
		const batch = running.splice(0);
		for (const d of batch) if (error) d.reject(error);
		else d.resolve();
		await flush();
		return batch.length;
	};
	/** Half the calls in flight answer after `fast` ms, the other half `slow` ms after they were sent. */
	const split = async (fast: number, slow: number) => {
		await flush();
		const batch = running.splice(0);
		now += fast;
		batch.filter((_, i) => i % 2 === 0).forEach((d) => d.resolve());
		await flush();
		now += slow - fast;
		batch.filter((_, i) => i % 2 === 1).forEach((d) => d.resolve());
		await flush();
		return batch.length;
	};
	return { limiter, start, round, split };
}

const overloaded = new MetakockaError({ code: 'HTTP_503', description: 'Service Temporarily Unavailable', method: 'add_partner', httpStatus: 503, retryable: false, delivery: 'unknown' });

describe('AdaptiveLimiter', () => {
	it('starts low and grows while the latency stays at its floor, up to the cap', async () => {
		const { limiter, start, round } = rig();
		start(500, 20);
		const inFlight: number[] = [];
		for (let r = 0; r < 8; r++) inFlight.push(await round(30));
		expect(inFlight[0]).toBe(4);
		// Slow start: about double per round trip.
		expect(inFlight[2]).toBeGreaterThan(inFlight[1]);
		expect(inFlight[3]).toBeGreaterThan(inFlight[2]);
		expect(Math.max(...inFlight)).toBe(20);
		expect(limiter.snapshot().peakInFlight).toBe(20);
		expect(limiter.snapshot().path[0]).toMatchObject({ limit: 4, reason: 'start' });
		expect(limiter.snapshot().path.some((s) => s.reason === 'grow')).toBe(true);
	});

	it('backs off when answers queue (latency well above the floor)', async () => {
		const { limiter, start, round } = rig(16);
		start(400);
		await round(30);
		await round(30);
		const grown = limiter.limit;
		// Three times the floor: about two thirds of the calls are waiting in the server's queue.
		for (let r = 0; r < 3; r++) await round(90);
		expect(limiter.limit).toBeLessThan(grown);
		expect(limiter.snapshot().path.some((s) => s.reason === 'queue')).toBe(true);
	});

	it('does not read a busy client (some answers late, others at the floor) as a queue', async () => {
		// The client's event loop delays half the answers of every round: the server had no queue,
		// since the other half came back at the floor. Judged answer by answer, the limit fell by one
		// per late answer; judged by the round's lowest latency it stays.
		const { limiter, start, split } = rig(16);
		start(400, 16);
		for (let r = 0; r < 6; r++) await split(30, 90);
		expect(limiter.limit).toBe(16);
		expect(limiter.snapshot().path.some((s) => s.reason === 'queue')).toBe(false);
	});

	it('settles a few calls above the server capacity, where the server never idles', async () => {
		// A server processing 16 at once, FIFO: with L in flight every call takes 30 ms × max(1, L / 16).
		const { limiter, start, round } = rig(4);
		start(3000, 64);
		const limits: number[] = [];
		for (let r = 0; r < 40; r++) {
			const inFlight = limiter.snapshot().inFlight;
			await round(30 * Math.max(1, inFlight / 16));
			limits.push(limiter.limit);
		}
		const settled = limits.slice(-10);
		// Vegas' band: between ALPHA (3) and BETA (6) calls waiting in the server, never below its capacity.
		expect(Math.min(...settled)).toBeGreaterThanOrEqual(16);
		expect(Math.max(...settled)).toBeLessThanOrEqual(16 + 8);
	});

	it('holds when a few calls queue (between alpha and beta)', async () => {
		const { limiter, start, round } = rig(20);
		start(400, 20);
		await round(30);
		const before = limiter.limit;
		// limit × (1 − 30/36) ≈ 3.3 waiting: inside the band.
		for (let r = 0; r < 3; r++) await round(36);
		expect(limiter.limit).toBe(before);
	});

	it('cuts the limit on a 503 once per round trip, however many calls report it', async () => {
		const { limiter, start, round } = rig(20);
		start(100);
		await round(30);
		const before = limiter.limit;
		const failed = await round(30, overloaded);
		expect(failed).toBeGreaterThan(5);
		expect(limiter.limit).toBe(Math.floor(before * 0.7));
		expect(limiter.snapshot()).toMatchObject({ drops: failed });
		expect(limiter.snapshot().path.at(-1)).toMatchObject({ reason: 'drop' });
	});

	it('never lets more than the caller cap in flight, while others with a higher cap pass', async () => {
		const limiter = new AdaptiveLimiter({ initialLimit: 8 });
		let active = 0;
		let peakLow = 0;
		const gates: Array<() => void> = [];
		const call = (cap: number, low: boolean) =>
			limiter.run(cap, async () => {
				if (low) peakLow = Math.max(peakLow, ++active);
				await new Promise<void>((r) => gates.push(r));
				if (low) active--;
			});
		const all = [...Array.from({ length: 6 }, () => call(2, true)), ...Array.from({ length: 4 }, () => call(8, false))];
		await flush();
		// Two capped calls run; the others behind them are not held back by the cap of 2.
		expect(limiter.snapshot().inFlight).toBe(6);
		while (gates.length) {
			gates.splice(0).forEach((g) => g());
			await flush();
		}
		await Promise.all(all);
		expect(peakLow).toBe(2);
	});

	it('classifies overload answers as drops, business errors as answered, refused connections as nothing', () => {
		const e = (code: string, extra: Partial<ConstructorParameters<typeof MetakockaError>[0]> = {}) =>
			new MetakockaError({ code, description: 'x', method: 'get_partner', retryable: false, ...extra });
		expect(classifyOutcome(e('TIMEOUT', { delivery: 'unknown' }))).toBe('drop');
		expect(classifyOutcome(e('HTTP_429', { httpStatus: 429, delivery: 'not_applied' }))).toBe('drop');
		expect(classifyOutcome(e('HTTP_504', { httpStatus: 504, delivery: 'unknown' }))).toBe('drop');
		expect(classifyOutcome(e('NETWORK', { delivery: 'unknown' }))).toBe('drop');
		expect(classifyOutcome(e('NETWORK', { delivery: 'not_applied' }))).toBe('ignore');
		expect(classifyOutcome(e('2'))).toBe('ok');
		expect(classifyOutcome(new Error('bug'))).toBe('ignore');
	});
});

describe('one limiter per base URL + company, shared by every client in the process', () => {
	beforeEach(() => resetLimiters());

	it('clients of the same company share it; another company or URL has its own', () => {
		const creds = { companyId: '16', secretKey: 'k', baseUrl: 'http://mk.invalid' };
		expect(limiterFor('http://mk.invalid', '16')).toBe(limiterFor('http://mk.invalid', '16'));
		expect(limiterFor('http://mk.invalid', '16')).not.toBe(limiterFor('http://mk.invalid', '17'));
		expect(limiterFor('http://mk.invalid', '16')).not.toBe(limiterFor('http://other.invalid', '16'));
		const a = new MetakockaClient(creds);
		const b = new MetakockaClient(creds);
		expect(a.concurrency()).toEqual(b.concurrency());
		expect(a.concurrency().limit).toBe(4);
	});
});
