// Fault injection, latency, counters and the /__sandbox/ control API.
import { startSandbox, type FaultSpec, type Sandbox } from '../../../src/sandbox';
import { AUTH, minimalOrder, post, useSandbox, V1, type Json } from './helpers';

const { sb, v1, json } = useSandbox();

beforeAll(async () => {
	await json('product_add', { count_code: 'PA_115_PA', code: 'art1', name: 'art1', unit: 'kos', sales: 'true' });
});
afterEach(() => {
	sb().clearFaults();
	sb().setLatency(0);
	sb().setFaultRate(0);
});

type Outcome = { kind: 'response'; status: number; contentType: string; json: Json } | { kind: 'error'; error: string };

async function attempt(path: string, body: Json, signal?: AbortSignal): Promise<Outcome> {
	try {
		const res = await fetch(sb().baseUrl + path, { method: 'POST', body: JSON.stringify({ ...AUTH, ...body }), signal });
		const text = await res.text();
		let parsed: Json = {};
		try {
			parsed = JSON.parse(text) as Json;
		} catch {
			// HTML
		}
		return { kind: 'response', status: res.status, contentType: res.headers.get('content-type') ?? '', json: parsed };
	} catch (e) {
		return { kind: 'error', error: String(e) };
	}
}

const orderCount = (): number => sb().store().documents.sales_order.length;
const put = (cc: string, signal?: AbortSignal): Promise<Outcome> => attempt(V1 + 'put_document', minimalOrder({ count_code: cc, buyer_order: cc }), signal);

describe('fault kinds', () => {
	it.each<[FaultSpec['kind'], number]>([
		['http_500', 500],
		['http_503', 503],
		['html_404', 404],
	])('%s answers HTTP %i with an HTML page and applies nothing', async (kind, status) => {
		const before = orderCount();
		sb().injectFault({ method: 'put_document', kind });
		const r = await put(`f-${kind}`);
		expect(r.kind).toBe('response');
		if (r.kind === 'response') {
			expect(r.status).toBe(status);
			expect(r.contentType).toContain('text/html');
		}
		expect(orderCount()).toBe(before);
	});

	it('drop destroys the socket before applying', async () => {
		const before = orderCount();
		sb().injectFault({ method: 'put_document', kind: 'drop' });
		expect((await put('f-drop')).kind).toBe('error');
		expect(orderCount()).toBe(before);
	});

	it('opr_error answers HTTP 200 opr_code "1" Internal server error. and applies nothing', async () => {
		const before = orderCount();
		sb().injectFault({ kind: 'opr_error' });
		const r = await put('f-opr');
		expect(r).toMatchObject({ kind: 'response', status: 200, json: { opr_code: '1', opr_desc: 'Internal server error.' } });
		expect(orderCount()).toBe(before);
	});

	it('applied_lost applies the write, then drops the socket: the object exists though the client saw an error', async () => {
		sb().injectFault({ method: 'put_document', kind: 'applied_lost' });
		const r = await put('f-lost');
		expect(r.kind).toBe('error');
		const found = await v1('search', { doc_type: 'sales_order', query: 'f-lost' });
		expect(found.result_all_records).toBe('1');
		// the naive retry duplicates the order, as on the real API
		expect((await put('f-lost')).kind).toBe('response');
		expect((await v1('search', { doc_type: 'sales_order', query: 'f-lost' })).result_all_records).toBe('2');
	});

	it('timeout holds the response for delayMs; a client that gives up still gets the write applied', async () => {
		sb().injectFault({ method: 'put_document', kind: 'timeout', delayMs: 300 });
		const t0 = Date.now();
		const r = await put('f-timeout', AbortSignal.timeout(100));
		expect(r.kind).toBe('error');
		expect(Date.now() - t0).toBeLessThan(250);
		expect((await v1('search', { doc_type: 'sales_order', query: 'f-timeout' })).result_all_records).toBe('0');
		await new Promise((res) => setTimeout(res, 350));
		expect((await v1('search', { doc_type: 'sales_order', query: 'f-timeout' })).result_all_records).toBe('1');
		sb().injectFault({ method: 'get_partner', kind: 'timeout', delayMs: 200 });
		const t1 = Date.now();
		const slow = await attempt(V1 + 'get_partner', { partner_name: 'novak' });
		expect(slow.kind).toBe('response');
		expect(Date.now() - t1).toBeGreaterThanOrEqual(190);
	});

	it('counts down `times`, matches by method, and clearFaults removes pending ones', async () => {
		sb().injectFault({ method: 'get_partner', kind: 'opr_error', times: 2 });
		expect((await v1('search', { doc_type: 'sales_order', limit: 1 })).opr_code).toBe('0');
		expect((await v1('get_partner', { partner_name: 'novak' })).opr_code).toBe('1');
		expect((await v1('get_partner', { partner_name: 'novak' })).opr_code).toBe('1');
		expect((await v1('get_partner', { partner_name: 'novak' })).partner_list_count).toBe('1');
		sb().injectFault({ method: '*', kind: 'opr_error', times: 5 });
		sb().clearFaults();
		expect((await v1('get_partner', { partner_name: 'novak' })).partner_list_count).toBe('1');
	});
});

describe('random faults', () => {
	async function run(s: Sandbox, n: number): Promise<string[]> {
		const out: string[] = [];
		for (let i = 0; i < n; i++) {
			try {
				const res = await fetch(s.baseUrl + V1 + 'put_document', { method: 'POST', body: JSON.stringify({ ...AUTH, ...minimalOrder({ count_code: `r-${i}` }) }) });
				const t = await res.text();
				out.push(`${res.status}:${res.status === 200 ? (JSON.parse(t) as Json).opr_code : 'html'}`);
			} catch {
				out.push('socket');
			}
		}
		return out;
	}

	it('are reproducible with faultSeed and only use http_503, drop, opr_error, applied_lost', async () => {
		const seed = { products: [{ count_code: 'PA_115_PA', code: 'art1', name: 'art1', unit: 'kos' }] };
		const a = await startSandbox({ faultRate: 0.5, faultSeed: 42, seed });
		const b = await startSandbox({ faultRate: 0.5, faultSeed: 42, seed });
		try {
			const ra = await run(a, 30);
			const rb = await run(b, 30);
			expect(ra).toEqual(rb);
			expect(new Set(ra).size).toBeGreaterThan(1);
			for (const o of ra) expect(['200:0', '200:1', '503:html', 'socket']).toContain(o);
			expect(a.counters().put_document).toBe(30);
			// applied_lost: some dropped calls were applied anyway
			expect(a.store().documents.sales_order.length).toBeGreaterThan(ra.filter((o) => o === '200:0').length);
		} finally {
			await a.close();
			await b.close();
		}
	});
});

describe('latency and counters', () => {
	it('adds latency to every call', async () => {
		sb().setLatency(120);
		const t0 = Date.now();
		await v1('get_partner', { partner_name: 'novak' });
		expect(Date.now() - t0).toBeGreaterThanOrEqual(115);
	});

	it('counts calls per Metakocka method, faulted ones included, plus applied writes', async () => {
		sb().resetCounters();
		await v1('get_partner', { partner_name: 'novak' });
		await v1('get_partner', { partner_name: 'nobody-at-all' });
		sb().injectFault({ method: 'put_document', kind: 'http_503' });
		await put('c-1');
		await put('c-2');
		await post(sb().baseUrl, V1 + 'put_document', { secret_key: 'wrong', company_id: '16' });
		await post(sb().baseUrl, '/rest/eshop/v1/json/put_document', AUTH);
		expect(sb().counters()).toEqual({ get_partner: 2, put_document: 3, __faults: 1, __writes_applied: 1 });
		sb().resetCounters();
		expect(sb().counters()).toEqual({});
	});
});

describe('control API (/__sandbox/)', () => {
	const ctl = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> => {
		const res = await fetch(sb().baseUrl + '/__sandbox/' + path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
		return { status: res.status, json: (await res.json()) as Json };
	};

	it('health, counters and counters/reset', async () => {
		expect((await ctl('GET', 'health')).json).toMatchObject({ status: 'ok', companies: ['16'] });
		await json('warehouse_list');
		expect((await ctl('GET', 'counters')).json.warehouse_list).toBeGreaterThanOrEqual(1);
		await ctl('POST', 'counters/reset');
		expect((await ctl('GET', 'counters')).json).toEqual({});
	});

	it('faults (single and array), DELETE faults, and invalid specs', async () => {
		expect((await ctl('POST', 'faults', { method: 'warehouse_list', kind: 'http_500' })).json.queued).toBe(1);
		const r500 = await attempt('/rest/eshop/v1/json/warehouse_list', {});
		expect(r500.kind === 'response' && r500.status).toBe(500);
		expect((await ctl('POST', 'faults', [{ method: 'warehouse_list', kind: 'opr_error' }, { method: 'warehouse_list', kind: 'opr_error' }])).json.queued).toBe(2);
		expect((await json('warehouse_list')).opr_code).toBe('1');
		await ctl('DELETE', 'faults');
		expect((await json('warehouse_list')).opr_code).toBe('0');
		expect((await ctl('POST', 'faults', { kind: 'explode' })).status).toBe(400);
	});

	it('latency and fault-rate', async () => {
		expect((await ctl('POST', 'latency', { ms: 100 })).json).toMatchObject({ ok: true, ms: 100 });
		const t0 = Date.now();
		await json('warehouse_list');
		expect(Date.now() - t0).toBeGreaterThanOrEqual(95);
		await ctl('POST', 'latency', { ms: 0 });
		expect((await ctl('POST', 'fault-rate', { rate: 1 })).json.rate).toBe(1);
		const r = await attempt('/rest/eshop/v1/json/warehouse_list', {});
		expect(r.kind === 'error' || (r.kind === 'response' && (r.status === 503 || r.json.opr_code === '1'))).toBe(true);
		await ctl('POST', 'fault-rate', { rate: 0 });
		expect((await ctl('POST', 'fault-rate', { rate: 3 })).status).toBe(400);
	});

	it('state dumps a company and reset restores the seed (or a given one)', async () => {
		const partner = { customer: 'Reset Test d.o.o.', street: 'Ulica 1', post_number: '1000', place: 'Ljubljana', country: 'Slovenia' };
		await v1('add_partner', { partner });
		const state = (await ctl('GET', 'state?company_id=16')).json;
		expect(state.companyId).toBe('16');
		expect(state.partners.some((p: Json) => p.customer === 'Reset Test d.o.o.')).toBe(true);
		expect(Object.keys(state.documents)).toEqual(expect.arrayContaining(['sales_order', 'sales_offer', 'sales_bill_domestic']));
		await ctl('POST', 'reset');
		expect((await v1('get_partner', { partner_name: 'Reset Test' })).opr_code).toBe('2');
		expect(sb().store().partners).toHaveLength(10);
		await ctl('POST', 'reset', { partners: [partner] });
		expect(sb().store().partners.map((p) => p.customer)).toEqual(['Reset Test d.o.o.']);
		sb().reset();
		expect(sb().store().documents.sales_order.length).toBeGreaterThan(0);
		expect((await ctl('GET', 'nope')).status).toBe(404);
	});
});
