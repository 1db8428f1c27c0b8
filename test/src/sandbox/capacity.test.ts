// The sandbox as a server with a capacity [INF]: per company at most K calls processed at once, the
// rest queued (their latency grows), and past the queue bound a 503 (or no answer) for calls that
// were never processed. Searches stay one at a time.
import { post, useSandbox, V1, AUTH } from './helpers';

const { sb, v1 } = useSandbox({ capacity: 2, queueLimit: 3, companies: [{ companyId: '17', secretKey: 'other' }] });

const timed = async <T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> => {
	const t0 = Date.now();
	const value = await fn();
	return { ms: Date.now() - t0, value };
};

describe('capacity', () => {
	beforeEach(() => {
		sb().resetStats();
		sb().resetCounters();
		sb().setCapacity({ capacity: 2, queueLimit: 3, overload: 'http_503' });
		sb().setLatency(150);
	});
	afterAll(() => sb().setLatency(0));

	it('processes at most K calls of a company at once; the rest wait their turn', async () => {
		const calls = await Promise.all(Array.from({ length: 4 }, () => timed(() => v1('get_partner', { partner_id: '1' }))));
		// A queued call waits at least one other call's latency (a lower bound only: load adds time).
		expect(Math.max(...calls.map((c) => c.ms))).toBeGreaterThanOrEqual(290);
		expect(sb().stats()).toMatchObject({ maxProcessingPerCompany: 2, callsQueued: 2, maxQueuedPerCompany: 2, overloaded: 0, maxConcurrentCalls: 4 });
		// The in-flight timeline (250 ms buckets) saw all four at once.
		expect(Math.max(...sb().inFlightTimeline().map(([, n]) => n))).toBe(4);
	});

	it('past the queue bound answers 503, and a shed write is never applied', async () => {
		const results = await Promise.all(
			Array.from({ length: 7 }, (_, i) =>
				post(sb().baseUrl, V1 + 'add_partner', { ...AUTH, partner: { customer: `Capacity ${i}`, street: 'X 1', post_number: '1000', place: 'Ljubljana', country: 'SI' } }),
			),
		);
		const statuses = results.map((r) => r.status).sort();
		expect(statuses).toEqual([200, 200, 200, 200, 200, 503, 503]);
		expect(results.find((r) => r.status === 503)!.text).toMatch(/Service Temporarily Unavailable/);
		expect(sb().counters().__writes_applied).toBe(5);
		expect(sb().stats()).toMatchObject({ overloaded: 2, maxQueuedPerCompany: 3 });
	});

	it('in timeout mode a shed call gets no answer at all', async () => {
		sb().setCapacity({ overload: 'timeout', queueLimit: 0 });
		const held = Array.from({ length: 2 }, () => v1('get_partner', { partner_id: '1' }));
		const ctrl = new AbortController();
		const shed = fetch(sb().baseUrl + V1 + 'get_partner', {
			method: 'POST',
			body: JSON.stringify({ ...AUTH, partner_id: '1' }),
			signal: ctrl.signal,
		});
		setTimeout(() => ctrl.abort(), 600);
		await expect(shed).rejects.toThrow(/abort/i);
		await Promise.all(held);
		expect(sb().stats().overloaded).toBe(1);
	});

	it('companies have their own capacity', async () => {
		const other = (body: object) => post(sb().baseUrl, V1 + 'get_partner', { secret_key: 'other', company_id: '17', ...body });
		await Promise.all([v1('get_partner', { partner_id: '1' }), v1('get_partner', { partner_id: '1' }), other({ partner_id: '1' }), other({ partner_id: '1' })]);
		expect(sb().stats()).toMatchObject({ callsQueued: 0, maxProcessingPerCompany: 2 });
	});

	it('searches stay one at a time and take a slot only while they run', async () => {
		sb().setCapacity({ capacity: 4 });
		await Promise.all([
			v1('search', { doc_type: 'sales_order', limit: '1' }),
			v1('search', { doc_type: 'sales_order', limit: '1' }),
			v1('get_partner', { partner_id: '1' }),
		]);
		expect(sb().stats()).toMatchObject({ maxConcurrentSearchesPerCompany: 1, searchesQueued: 1, maxProcessingPerCompany: 2, callsQueued: 0 });
	});

	it('is read and set through the control API; nonsense is refused', async () => {
		const set = await post(sb().baseUrl, '/__sandbox/capacity', { capacity: 5 });
		expect(set.json).toEqual({ ok: true, capacity: 5, queueLimit: 40, overload: 'http_503' });
		expect(await (await fetch(`${sb().baseUrl}/__sandbox/capacity`)).json()).toEqual({ capacity: 5, queueLimit: 40, overload: 'http_503' });
		expect((await post(sb().baseUrl, '/__sandbox/capacity', { capacity: 0 })).status).toBe(400);
		expect((await post(sb().baseUrl, '/__sandbox/capacity', { overload: 'explode' })).status).toBe(400);
	});
});
