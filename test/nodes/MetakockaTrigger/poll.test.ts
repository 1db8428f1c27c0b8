import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { MetakockaTrigger } from '../../../nodes/MetakockaTrigger/MetakockaTrigger.node';
import { fakePollFunctions, order, startTriggerEnv, type FakePoll } from '../../helpers/trigger';

type Env = Awaited<ReturnType<typeof startTriggerEnv>>;

describe('Metakocka Trigger (polling)', () => {
	let env: Env;
	beforeEach(async () => {
		env = await startTriggerEnv();
	});
	afterEach(async () => env.close());

	const put = async (body: Record<string, unknown>) => (await env.client.call('put_document', body, 'write')) as { mk_id: string };
	const params = (extra: Record<string, unknown> = {}) => ({ watch: 'documents', docTypes: ['sales_order'], firstRun: 'nothing', options: {}, ...extra });
	/** One poll of a node instance, like n8n's poll tick. */
	const poll = async (node: MetakockaTrigger, run: Partial<FakePoll> & { staticData: IDataObject }): Promise<INodeExecutionData[]> => {
		const out = await node.poll.call(fakePollFunctions({ params: params(), credentials: env.credentials, ...run }));
		return out ? out[0] : [];
	};

	it('describes a polling trigger n8n accepts', () => {
		const d = new MetakockaTrigger().description;
		expect(d).toMatchObject({ name: 'metakockaTrigger', displayName: 'Metakocka Trigger', group: ['trigger'], polling: true, inputs: [] });
		expect(d.webhooks).toBeUndefined();
	});

	it('a document created in the sandbox fires once and only once', async () => {
		const node = new MetakockaTrigger();
		const staticData: IDataObject = {};
		expect(await poll(node, { staticData })).toEqual([]);
		const created = await put(order({ buyer_order: 'N8N-1' }));
		const fired = await poll(node, { staticData });
		expect(fired.map((i) => [i.json.mk_id, (i.json._change as IDataObject).type])).toEqual([[created.mk_id, 'created']]);
		for (let i = 0; i < 3; i++) expect(await poll(node, { staticData })).toEqual([]);
	});

	it('a restart in between loses and repeats nothing', async () => {
		let staticData: IDataObject = {};
		await poll(new MetakockaTrigger(), { staticData });
		const a = await put(order({ buyer_order: 'BEFORE' }));
		expect((await poll(new MetakockaTrigger(), { staticData })).map((i) => i.json.mk_id)).toEqual([a.mk_id]);

		// n8n stops; the static data is what it had persisted. A change happens while it is down.
		const persisted = JSON.stringify(staticData);
		const b = await put(order({ buyer_order: 'WHILE-DOWN' }));
		staticData = JSON.parse(persisted) as IDataObject;

		const afterRestart = await poll(new MetakockaTrigger(), { staticData });
		expect(afterRestart.map((i) => i.json.mk_id)).toEqual([b.mk_id]);
		expect(await poll(new MetakockaTrigger(), { staticData })).toEqual([]);
	});

	it('a poll that fails leaves the static data as it was; the change fires with the next poll', async () => {
		const node = new MetakockaTrigger();
		const staticData: IDataObject = {};
		await poll(node, { staticData });
		const before = JSON.stringify(staticData);
		const created = await put(order());
		env.sandbox.injectFault({ method: 'search', kind: 'opr_error' });
		await expect(poll(node, { staticData })).rejects.toThrow();
		expect(JSON.stringify(staticData)).toBe(before);
		expect((await poll(node, { staticData })).map((i) => i.json.mk_id)).toEqual([created.mk_id]);
		expect(await poll(node, { staticData })).toEqual([]);
	});

	it('manual mode returns a sample and does not touch the cursor', async () => {
		const node = new MetakockaTrigger();
		const staticData: IDataObject = {};
		const sample = await poll(node, { staticData, mode: 'manual' });
		expect(sample.length).toBeGreaterThan(0);
		expect(sample[0].json).toMatchObject({ doc_type: 'sales_order', _change: { sample: true, watch: 'documents' } });
		expect(staticData).toEqual({});
		await poll(node, { staticData });
		const cursor = JSON.stringify(staticData);
		await put(order());
		await poll(node, { staticData, mode: 'manual' });
		expect(JSON.stringify(staticData)).toBe(cursor);
		expect(await poll(node, { staticData })).toHaveLength(1);
	});

	it('first activation emits history when asked', async () => {
		const staticData: IDataObject = {};
		const all = await poll(new MetakockaTrigger(), { staticData, params: params({ firstRun: 'all' }) });
		expect(all).toHaveLength(env.sandbox.store().documents.sales_order.length);
		expect(await poll(new MetakockaTrigger(), { staticData, params: params({ firstRun: 'all' }) })).toEqual([]);

		const since = await poll(new MetakockaTrigger(), { staticData: {}, params: params({ firstRun: 'since', since: new Date(Date.now() + 60_000).toISOString() }) });
		expect(since).toEqual([]);
		await expect(poll(new MetakockaTrigger(), { staticData: {}, params: params({ firstRun: 'since', since: 'soon' }) })).rejects.toThrow('"Since" must be a date and time (got "soon")');
		await expect(poll(new MetakockaTrigger(), { staticData: {}, params: params({ docTypes: [] }) })).rejects.toThrow('"Document Types" needs at least one document type');
	});

	it('partners, products and stock: a change fires once', async () => {
		const watches = ['partners', 'products', 'stock'] as const;
		const data: Record<string, IDataObject> = { partners: {}, products: {}, stock: {} };
		for (const watch of watches) expect(await poll(new MetakockaTrigger(), { staticData: data[watch], params: params({ watch }) })).toEqual([]);
		// One new order: a new partner and a reservation; one product renamed.
		await put(order());
		const [vij] = env.sandbox.store().products.filter((p) => p.code === 'MAT-M8');
		await env.client.updateProduct({ mk_id: String(vij.mk_id), name: 'Matica M8 inox' });
		for (const watch of watches) {
			const fired = await poll(new MetakockaTrigger(), { staticData: data[watch], params: params({ watch }) });
			expect(fired).toHaveLength(1);
			expect(fired[0].json._change).toMatchObject({ watch });
			expect(await poll(new MetakockaTrigger(), { staticData: data[watch], params: params({ watch }) })).toEqual([]);
		}
	});

	it('the poll budget bounds a poll; the rest follows', async () => {
		const staticData: IDataObject = {};
		await poll(new MetakockaTrigger(), { staticData });
		await put(order());
		await put(order());
		const first = await poll(new MetakockaTrigger(), { staticData, params: params({ options: { maxItems: 1 } }) });
		const second = await poll(new MetakockaTrigger(), { staticData, params: params({ options: { maxItems: 1 } }) });
		expect(first).toHaveLength(1);
		expect(second).toHaveLength(1);
		expect(first[0].json.mk_id).not.toBe(second[0].json.mk_id);
		expect(await poll(new MetakockaTrigger(), { staticData })).toEqual([]);
	});

	it('lists warehouses for the picker', async () => {
		const ctx = { getCredentials: async () => env.credentials.metakockaApi, getNode: () => ({ name: 'x' }), logger: { debug: () => undefined, warn: () => undefined } };
		const options = await new MetakockaTrigger().methods.loadOptions.getWarehouses.call(ctx as never);
		expect(options.map((o) => o.name)).toEqual(expect.arrayContaining([expect.stringContaining('(GL)'), expect.stringContaining('(TR)')]));
	});
});
