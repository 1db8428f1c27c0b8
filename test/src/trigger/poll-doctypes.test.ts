// Issue 12 finding 11: last_change_from and order_direction only where Metakocka documents them.
import { pollChanges, type PollOptions, type TriggerCursor } from '../../../src/trigger';
import type { SearchParams } from '../../../src/client';
import { order, startTriggerEnv } from '../../helpers/trigger';

type Env = Awaited<ReturnType<typeof startTriggerEnv>>;
let env: Env;
const searches: SearchParams[] = [];

beforeEach(async () => {
	env = await startTriggerEnv();
	searches.length = 0;
	const original = env.client.search.bind(env.client);
	env.client.search = async (params) => {
		searches.push(params);
		return await original(params);
	};
});
afterEach(async () => env.close());

async function polls(options: PollOptions, n: number, between: () => Promise<void> = async () => undefined) {
	let cursor: TriggerCursor | undefined;
	const out = [];
	for (let i = 0; i < n; i++) {
		const r = await pollChanges(env.client, cursor, { overlapMs: 1, ...options });
		cursor = JSON.parse(JSON.stringify(r.cursor)) as TriggerCursor;
		out.push(r.items);
		await between();
	}
	return out;
}

it('an offer poll sends no last_change_from, and an old offer never fires again', async () => {
	const put = async (body: Record<string, unknown>) => (await env.client.call('put_document', body, 'write')) as { mk_id: string };
	const offer = await put({ ...order(), doc_type: 'sales_offer' });
	// Several polls, far enough apart that a last-change window would have let the stamp expire.
	const results = await polls({ watch: 'documents', docTypes: ['sales_offer'] }, 4, async () => await new Promise((r) => setTimeout(r, 20)));
	expect(results.flat()).toEqual([]);
	const offerSearches = searches.filter((s) => s.doc_type === 'sales_offer');
	expect(offerSearches.length).toBeGreaterThan(0);
	expect(offerSearches.every((s) => !(s.query_advance ?? []).some((q) => q.type === 'last_change_from'))).toBe(true);
	expect(offer.mk_id).toMatch(/^\d+$/);
});

it('sales orders keep the last_change_from window', async () => {
	await polls({ watch: 'documents', docTypes: ['sales_order'] }, 2);
	expect(searches.some((s) => (s.query_advance ?? []).some((q) => q.type === 'last_change_from'))).toBe(true);
});
