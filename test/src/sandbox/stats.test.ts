// The sandbox's concurrency stats: how many Metakocka calls a client had in flight at once (the
// benchmark reports it for the hand-built baseline workflows), and a reset for them.
import { post, useSandbox, V1, AUTH } from './helpers';

const { sb, v1 } = useSandbox();

describe('stats: calls in flight', () => {
	beforeEach(() => sb().resetStats());
	afterEach(() => sb().setLatency(0));

	it('one call after another is one in flight', async () => {
		for (let i = 0; i < 3; i++) expect((await v1('get_partner', { partner_id: '1' })).opr_code).toBe('2');
		expect(sb().stats()).toMatchObject({ maxConcurrentCalls: 1 });
	});

	it('counts calls answered at the same time, of any method, searches waiting in the queue included', async () => {
		// Held long enough that all of them are in the sandbox together.
		sb().setLatency(300);
		await Promise.all([
			v1('get_partner', { partner_email: 'nobody@example.com' }),
			v1('get_partner', { partner_tax_number: 'SI00000000' }),
			v1('search', { doc_type: 'sales_order', limit: '1' }),
			v1('search', { doc_type: 'sales_order', limit: '1' }),
		]);
		expect(sb().stats()).toMatchObject({ maxConcurrentCalls: 4, maxConcurrentSearchesPerCompany: 1, searchesQueued: 1 });
	});

	it('a call that is not a Metakocka method is not counted', async () => {
		await post(sb().baseUrl, V1 + 'no_such_method', AUTH);
		expect(sb().stats().maxConcurrentCalls).toBe(0);
	});

	it('is read and reset through the control API', async () => {
		await v1('get_partner', { partner_id: '1' });
		const read = async () => (await (await fetch(`${sb().baseUrl}/__sandbox/stats`)).json()) as Record<string, number>;
		expect(await read()).toMatchObject({ maxConcurrentCalls: 1 });
		const reset = await post(sb().baseUrl, '/__sandbox/stats/reset', {});
		expect(reset.json).toEqual({ ok: true });
		expect(await read()).toEqual({ maxConcurrentCalls: 0, maxConcurrentSearchesPerCompany: 0, searchesQueued: 0, maxProcessingPerCompany: 0, callsQueued: 0, maxQueuedPerCompany: 0, overloaded: 0 });
	});
});
