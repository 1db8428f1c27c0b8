import { pollChanges, type PollOptions, type TriggerCursor, type TriggerItem } from '../../../src/trigger';
import { acceptanceNote, order, startTriggerEnv } from '../../helpers/trigger';

type Env = Awaited<ReturnType<typeof startTriggerEnv>>;

/** Polls like n8n would: the cursor goes through JSON between polls (static data is persisted). */
function poller(env: () => Env, options: PollOptions) {
	let cursor: TriggerCursor | undefined;
	const poll = async (extra: Partial<PollOptions> = {}): Promise<TriggerItem[]> => {
		const result = await pollChanges(env().client, cursor, { ...options, ...extra });
		cursor = JSON.parse(JSON.stringify(result.cursor)) as TriggerCursor;
		return result.items;
	};
	return { poll, cursor: () => cursor, setCursor: (c: TriggerCursor | undefined) => (cursor = c) };
}

describe('pollChanges', () => {
	let env: Env;
	beforeEach(async () => {
		env = await startTriggerEnv();
	});
	afterEach(async () => env.close());

	const put = async (body: Record<string, unknown>) => (await env.client.call('put_document', body, 'write')) as { mk_id: string; count_code: string };

	describe('documents', () => {
		it('first activation records the current state and emits nothing', async () => {
			const p = poller(() => env, { watch: 'documents', docTypes: ['sales_order', 'sales_offer'] });
			expect(await p.poll()).toEqual([]);
			expect(await p.poll()).toEqual([]);
			expect(Object.keys(p.cursor()!.docs!)).toEqual(['sales_order', 'sales_offer']);
		});

		it('a new document fires once and only once over several polls, shaped like get_document', async () => {
			const p = poller(() => env, { watch: 'documents', docTypes: ['sales_order'] });
			await p.poll();
			const created = await put(order({ buyer_order: 'TRIG-1' }));
			const first = await p.poll();
			expect(first).toHaveLength(1);
			expect(first[0]).toMatchObject({ mk_id: created.mk_id, doc_type: 'sales_order', buyer_order: 'TRIG-1', _change: { type: 'created', watch: 'documents' } });
			const viaGet = await env.client.getDocument('sales_order', { mk_id: created.mk_id });
			const { _change, ...doc } = first[0];
			expect(doc).toEqual(viaGet);
			expect(typeof _change.at).toBe('string');
			for (let i = 0; i < 4; i++) expect(await p.poll()).toEqual([]);
		});

		it('a change fires once as changed; an identical update fires nothing', async () => {
			const p = poller(() => env, { watch: 'documents', docTypes: ['sales_order'] });
			const created = await put(order());
			await p.poll();
			await env.client.call('update_document', { doc_type: 'sales_order', mk_id: created.mk_id, notes: 'Prosim hitro dostavo' }, 'write');
			const changed = await p.poll();
			expect(changed).toHaveLength(1);
			expect(changed[0]).toMatchObject({ mk_id: created.mk_id, notes: 'Prosim hitro dostavo', _change: { type: 'changed' } });
			await env.client.call('update_document', { doc_type: 'sales_order', mk_id: created.mk_id, notes: 'Prosim hitro dostavo' }, 'write');
			expect(await p.poll()).toEqual([]);
			await env.client.changeDocumentStatus('sales_order', { mk_id: created.mk_id }, 'shipped');
			expect((await p.poll()).map((i) => i.status_desc)).toEqual(['shipped']);
			expect(await p.poll()).toEqual([]);
		});

		it('only the chosen document types fire', async () => {
			const p = poller(() => env, { watch: 'documents', docTypes: ['sales_offer'] });
			await p.poll();
			await put(order());
			expect(await p.poll()).toEqual([]);
			await put({ ...order(), doc_type: 'sales_offer' });
			expect((await p.poll()).map((i) => i.doc_type)).toEqual(['sales_offer']);
		});

		it('emitHistory: the first poll emits every existing document, then only changes', async () => {
			const seeded = env.sandbox.store().documents.sales_order.length;
			const p = poller(() => env, { watch: 'documents', docTypes: ['sales_order'], emitHistory: true });
			const first = await p.poll();
			expect(first).toHaveLength(seeded);
			expect(first.every((i) => i._change.type === 'created')).toBe(true);
			expect(await p.poll()).toEqual([]);
		});

		it('since: the first poll emits what changed after the date; a future date emits nothing', async () => {
			const past = poller(() => env, { watch: 'documents', docTypes: ['sales_order'], since: new Date(Date.now() - 3600_000) });
			expect((await past.poll()).length).toBe(env.sandbox.store().documents.sales_order.length);
			const future = poller(() => env, { watch: 'documents', docTypes: ['sales_order'], since: new Date(Date.now() + 3600_000) });
			expect(await future.poll()).toEqual([]);
			await put(order());
			expect(await future.poll()).toHaveLength(1);
		});

		it('maxItems spreads a backlog over polls without losing or repeating anything', async () => {
			const p = poller(() => env, { watch: 'documents', docTypes: ['sales_order'] });
			await p.poll();
			const ids = [];
			for (let i = 0; i < 5; i++) ids.push((await put(order({ buyer_order: `BATCH-${i}` }))).mk_id);
			const got: string[] = [];
			for (let i = 0; i < 4; i++) got.push(...(await p.poll({ maxItems: 2 })).map((x) => x.mk_id as string));
			expect(got.sort()).toEqual(ids.sort());
			expect(await p.poll({ maxItems: 2 })).toEqual([]);
		});

		it('an expired deadline stops early; the next poll continues', async () => {
			const p = poller(() => env, { watch: 'documents', docTypes: ['sales_order'] });
			await p.poll();
			await put(order());
			expect(await p.poll({ deadline: Date.now() - 1 })).toEqual([]);
			expect(await p.poll()).toHaveLength(1);
		});

		it('a failed poll moves nothing: the change comes with the next poll, once', async () => {
			const p = poller(() => env, { watch: 'documents', docTypes: ['sales_order'] });
			await p.poll();
			const before = JSON.stringify(p.cursor());
			await put(order());
			env.sandbox.injectFault({ method: 'search', kind: 'opr_error' });
			await expect(pollChanges(env.client, p.cursor(), { watch: 'documents', docTypes: ['sales_order'] })).rejects.toThrow();
			expect(JSON.stringify(p.cursor())).toBe(before);
			expect(await p.poll()).toHaveLength(1);
			expect(await p.poll()).toEqual([]);
		});

		it('documents changed inside the overlap are re-read but fire once', async () => {
			const p = poller(() => env, { watch: 'documents', docTypes: ['sales_order'], overlapMs: 60_000 });
			await p.poll();
			const from = p.cursor()!.docs!.sales_order.from!;
			expect(Math.abs(from - Date.now())).toBeLessThan(10_000);
			// A document changed inside the overlap is re-read but filtered by its stamp.
			await put(order());
			expect(await p.poll()).toHaveLength(1);
			expect(Object.keys(p.cursor()!.docs!.sales_order.seen).length).toBeGreaterThan(0);
			expect(await p.poll()).toEqual([]);
		});

		it('stamps older than the window are pruned; the cursor stays small', async () => {
			let clock = Date.now();
			const p = poller(() => env, { watch: 'documents', docTypes: ['sales_order'], overlapMs: 1000, now: () => clock });
			await p.poll();
			await put(order());
			clock += 10;
			expect(await p.poll()).toHaveLength(1);
			clock += 60_000;
			await p.poll();
			clock += 60_000;
			await p.poll();
			expect(p.cursor()!.docs!.sales_order.seen).toEqual({});
			expect(JSON.stringify(p.cursor()).length).toBeLessThan(500);
		});

		it('change feed: warehouse documents through get_change_documents fire once', async () => {
			const p = poller(() => env, { watch: 'documents', docTypes: ['warehouse_acceptance_note'], useChangeFeed: true });
			expect(await p.poll()).toEqual([]);
			env.sandbox.resetCounters();
			const note = await put(acceptanceNote('5'));
			const first = await p.poll();
			expect(first.map((i) => i.mk_id)).toEqual([note.mk_id]);
			expect(env.sandbox.counters().get_change_documents).toBe(1);
			expect(env.sandbox.counters().search ?? 0).toBe(0);
			expect(await p.poll()).toEqual([]);
		});
	});

	describe('partners', () => {
		it('a partner on a changed document fires when new or different, once', async () => {
			const p = poller(() => env, { watch: 'partners', docTypes: ['sales_order'] });
			expect(await p.poll()).toEqual([]);
			const created = await put(order());
			const first = await p.poll();
			expect(first).toHaveLength(1);
			const [partner] = await env.client.getPartners({ partner_tax_number: 'SI55555555' });
			const { _change, ...json } = first[0];
			expect(json).toEqual(partner);
			expect(_change).toMatchObject({ type: 'created', watch: 'partners', source: { doc_type: 'sales_order', mk_id: created.mk_id } });
			expect(await p.poll()).toEqual([]);

			// Another order of the same, unchanged partner: nothing.
			const same = { mk_id: partner.mk_id, street: 'Dunajska 1', post_number: '1000', place: 'Ljubljana', country: 'Slovenia' };
			await put(order({ partner: same }));
			expect(await p.poll()).toEqual([]);

			// The partner changes and shows up on a changed document: once, as changed.
			const billing = partner.partner_delivery_address_list!.find((a) => a.address_type === 'Račun')!.mk_id;
			await env.client.updatePartner({ mk_id: partner.mk_id, partner_delivery_address_list: [{ mk_id: billing, street: 'Dunajska 99' }] });
			await put(order({ partner: same }));
			const changed = await p.poll();
			expect(changed).toHaveLength(1);
			expect(changed[0]).toMatchObject({ mk_id: partner.mk_id, _change: { type: 'changed' } });
			expect(await p.poll()).toEqual([]);
		});
	});

	describe('products', () => {
		it('records the catalogue first, then fires created/changed once', async () => {
			const p = poller(() => env, { watch: 'products' });
			expect(await p.poll()).toEqual([]);
			expect(Object.keys(p.cursor()!.products!)).toHaveLength(env.sandbox.store().products.length);
			const [vij] = env.sandbox.store().products.filter((x) => x.code === 'VIJ-M8-50');
			await env.client.updateProduct({ mk_id: String(vij.mk_id), name: 'Vijak M8x50 inox' });
			const changed = await p.poll();
			expect(changed).toHaveLength(1);
			const listed = await env.client.getProduct({ mk_id: String(vij.mk_id) });
			const { _change, ...json } = changed[0];
			expect(json).toEqual(listed);
			expect(_change).toMatchObject({ type: 'changed', watch: 'products' });
			expect(await p.poll()).toEqual([]);
			await env.client.addProduct({ code: 'TRIG-NEW', name: 'Nov izdelek', unit: 'kos' });
			expect((await p.poll()).map((i) => [i.code, i._change.type])).toEqual([['TRIG-NEW', 'created']]);
			expect(await p.poll()).toEqual([]);
			await env.client.deleteProduct({ mk_id: String(vij.mk_id) }).catch(() => undefined);
		});

		it('emitHistory emits the catalogue once, in chunks when capped', async () => {
			const total = env.sandbox.store().products.length;
			const p = poller(() => env, { watch: 'products', emitHistory: true, maxItems: 8 });
			const got: string[] = [];
			for (let i = 0; i < 5; i++) got.push(...(await p.poll()).map((x) => String(x.mk_id)));
			expect(new Set(got).size).toBe(total);
			expect(got).toHaveLength(total);
		});
	});

	describe('stock', () => {
		it('a stock change fires once per warehouse and product, shaped like Get Stock', async () => {
			const p = poller(() => env, { watch: 'stock' });
			expect(await p.poll()).toEqual([]);
			const before = (await env.client.getStock({ product_code_list: ['VIJ-M8-50'] })).filter((r) => r.warehouse_id === env.sandbox.store().warehouses.find((w) => w.mark === 'GL')!.mk_id);
			const amountBefore = before.reduce((sum, r) => sum + (r.amount ?? 0), 0);
			await put(acceptanceNote('10', 'GL'));
			const changed = await p.poll();
			expect(changed).toHaveLength(1);
			const gl = env.sandbox.store().warehouses.find((w) => w.mark === 'GL')!;
			expect(changed[0]).toMatchObject({ warehouse_id: gl.mk_id, warehouse_mark: 'GL', code: 'VIJ-M8-50', amount: amountBefore + 10, _change: { type: 'changed', watch: 'stock' } });
			expect(typeof changed[0].reserved_amount).toBe('number');
			expect(await p.poll()).toEqual([]);
		});

		it('a new order reserves stock: fires once; only the chosen warehouses are watched', async () => {
			const tr = env.sandbox.store().warehouses.find((w) => w.mark === 'TR')!;
			const p = poller(() => env, { watch: 'stock', warehouses: [String(tr.mk_id)] });
			await p.poll();
			await put(acceptanceNote('10', 'GL'));
			expect(await p.poll()).toEqual([]);
			await put(order({ warehouse: 'TR' }));
			const changed = await p.poll();
			expect(changed.map((r) => [r.warehouse_mark, r.code, r.reserved_amount])).toEqual([['TR', 'VIJ-M8-50', 2]]);
			expect(await p.poll()).toEqual([]);
		});
	});

	it('another watch on the same cursor starts over with a baseline', async () => {
		const p = poller(() => env, { watch: 'products' });
		await p.poll();
		await put(order());
		const result = await pollChanges(env.client, p.cursor(), { watch: 'documents', docTypes: ['sales_order'] });
		expect(result.items).toEqual([]);
		expect(result.baseline).toBe(true);
		expect(result.cursor.products).toBeUndefined();
	});
});
