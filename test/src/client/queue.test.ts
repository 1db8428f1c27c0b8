import { KeyedSemaphores, Semaphore, searchQueues } from '../../../src/client/queue';
import { auth, BASE, makeClient, mk, ok } from './helpers';
import nock from 'nock';


const page = (id: string) =>
	ok({ result_all_records: '1', result_count: '1', offset: '0', limit: '100', result: [{ mk_id: id, count_code: `C${id}` }] });

/** Counts requests in flight per company: replies after `ms`, recording the peak. */
function trackingSearch(ms: number, times: number) {
	const inFlight: Record<string, number> = {};
	const peak: Record<string, number> = {};
	let globalInFlight = 0;
	let globalPeak = 0;
	const scope = nock(BASE)
		.post('/rest/eshop/v1/search')
		.times(times)
		.reply(function (_uri, body, cb) {
			const company = (body as Record<string, string>).company_id;
			inFlight[company] = (inFlight[company] ?? 0) + 1;
			peak[company] = Math.max(peak[company] ?? 0, inFlight[company]);
			globalInFlight++;
			globalPeak = Math.max(globalPeak, globalInFlight);
			setTimeout(() => {
				inFlight[company]--;
				globalInFlight--;
				cb(null, [200, page((body as Record<string, string>).query)]);
			}, ms);
		});
	return { scope, peak, globalPeak: () => globalPeak };
}

describe('Semaphore', () => {
	it('bounds concurrency and keeps FIFO order', async () => {
		const sem = new Semaphore(2);
		let active = 0;
		let peak = 0;
		const order: number[] = [];
		await Promise.all(
			[0, 1, 2, 3, 4].map((i) =>
				sem.run(async () => {
					active++;
					peak = Math.max(peak, active);
					await new Promise((r) => setTimeout(r, 10));
					order.push(i);
					active--;
				}),
			),
		);
		expect(peak).toBe(2);
		expect(order).toEqual([0, 1, 2, 3, 4]);
		expect(sem.running).toBe(0);
	});

	it('releases the slot when the task throws', async () => {
		const sem = new Semaphore(1);
		await expect(sem.run(async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
		await expect(sem.run(async () => 'ok')).resolves.toBe('ok');
	});

	it('keyed semaphores drop idle keys', async () => {
		const keyed = new KeyedSemaphores(1);
		await keyed.run('a', async () => 1);
		expect(keyed.size()).toBe(0);
	});
});

describe('search queue', () => {
	it('runs one search at a time per company, while two companies run in parallel', async () => {
		const { scope, peak, globalPeak } = trackingSearch(40, 6);
		const a = makeClient({}, '111');
		const b = makeClient({}, '222');
		const started = Date.now();
		const results = await Promise.all([
			a.search({ doc_type: 'sales_order', query: '1' }),
			a.search({ doc_type: 'sales_order', query: '2' }),
			a.search({ doc_type: 'sales_order', query: '3' }),
			b.search({ doc_type: 'sales_order', query: '4' }),
			b.search({ doc_type: 'sales_order', query: '5' }),
			b.search({ doc_type: 'sales_order', query: '6' }),
		]);
		const elapsed = Date.now() - started;
		expect(results.map((r) => r.records[0].mk_id)).toEqual(['1', '2', '3', '4', '5', '6']);
		expect(peak['111']).toBe(1);
		expect(peak['222']).toBe(1);
		expect(globalPeak()).toBe(2);
		// At least 3 serial rounds of 40 ms (the peaks above show the two companies overlapped).
		expect(elapsed).toBeGreaterThanOrEqual(110);
		expect(scope.isDone()).toBe(true);
	});

	it('is shared by client instances of the same company and base URL', async () => {
		const { peak } = trackingSearch(25, 3);
		await Promise.all(['1', '2', '3'].map((q) => makeClient({}, '333').search({ doc_type: 'sales_order', query: q })));
		expect(peak['333']).toBe(1);
		expect(searchQueues().size()).toBe(0);
	});

	it('reads are not queued behind searches', async () => {
		trackingSearch(80, 1);
		mk().post('/rest/eshop/v1/json/warehouse_list', { ...auth }).reply(200, ok({ warehouse_list: [] }));
		const client = makeClient();
		const finished: string[] = [];
		const search = client.search({ doc_type: 'sales_order', query: '1' }).then(() => finished.push('search'));
		await client.listWarehouses().then(() => finished.push('read'));
		await search;
		expect(finished).toEqual(['read', 'search']);
	});
});

describe('write concurrency', () => {
	it('never has more than writeConcurrency writes in flight', async () => {
		let active = 0;
		let peak = 0;
		nock(BASE)
			.post('/rest/eshop/v1/update_document')
			.times(6)
			.reply(function (_uri, _body, cb) {
				active++;
				peak = Math.max(peak, active);
				setTimeout(() => {
					active--;
					cb(null, [200, ok()]);
				}, 20);
			});
		const client = makeClient({ writeConcurrency: 2 });
		await Promise.all([1, 2, 3, 4, 5, 6].map((i) => client.updateDocument('sales_order', { mk_id: String(i), notes: 'n' })));
		expect(peak).toBe(2);
	});
});
