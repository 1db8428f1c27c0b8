// Issue 12 finding 11, product half: code is char 20; title is a LIKE-only filter.
import type { IDataObject } from 'n8n-workflow';

import { MetakockaProduct } from '../../../nodes/MetakockaProduct/MetakockaProduct.node';
import { fakeExecuteFunctions, type FakeRun } from '../../helpers/n8n';
import { startTestEnv, type TestEnv } from '../../helpers/env';

const node = new MetakockaProduct();
let env: TestEnv;
beforeAll(async () => {
	env = await startTestEnv();
});
afterAll(async () => env.close());

const product = (operation: string, params: FakeRun['params'], items: IDataObject[] = [{}]) =>
	node.execute.call(fakeExecuteFunctions({ params: { resource: 'product', operation, ...params }, items, credentials: env.credentials }));
const fields = { pricelist: '', price: '', unit: 'kos', otherFields: {}, extraColumns: {} };

it('a product code over 20 characters (product_concept.md: char 20) is refused before any call', async () => {
	env.sandbox.resetCounters();
	const error = await product('create', { ...fields, code: 'A'.repeat(21), name: 'Predolga šifra' }).then(
		() => new Error('no error'),
		(e: Error) => e,
	);
	expect(error.message).toContain('code');
	expect(error.message).toMatch(/20/);
	expect(env.sandbox.counters().product_add).toBeUndefined();
	const [ok] = await product('create', { ...fields, code: 'B'.repeat(20), name: 'Dvajset znakov' });
	expect(ok[0].json.status).toBe('created');
});

it('Exact Match on Title returns only products named exactly so, although Metakocka matches the title by LIKE', async () => {
	const [exact] = await product('getAll', { returnAll: true, filters: { title: 'Podložka M8', exactMatch: true }, listOptions: {} });
	expect(exact.map((o) => o.json.name)).toEqual(['Podložka M8']);
	const [withCode] = await product('getAll', { returnAll: true, filters: { title: 'M8', code: 'MAT-M8', exactMatch: true }, listOptions: {} });
	expect(withCode).toHaveLength(0);
	const [partial] = await product('getAll', { returnAll: true, filters: { title: 'm8' }, listOptions: {} });
	expect(partial.map((o) => o.json.code).sort()).toEqual(['MAT-M8', 'POD-M8', 'VIJ-M8-50']);
});
