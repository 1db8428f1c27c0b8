import { MetakockaProduct } from '../../../nodes/MetakockaProduct/MetakockaProduct.node';
import { defaultSeed } from '../../../src/sandbox';
import { fakeExecuteFunctions, type FakeRun } from '../../helpers/n8n';
import { startTestEnv, type TestEnv } from '../../helpers/env';

const node = new MetakockaProduct();
const TOTAL = 2500;

describe('Metakocka Product: paging over 2,500 products', () => {
	let env: TestEnv;
	beforeAll(async () => {
		const seed = defaultSeed();
		seed.products = Array.from({ length: TOTAL }, (_, i) => ({
			count_code: `BULK-${String(i).padStart(4, '0')}`,
			code: `B${i}`,
			name: `Izdelek ${i}`,
			unit: 'kos',
			sales: 'true',
		}));
		seed.stock = [];
		seed.documents = [];
		env = await startTestEnv({ seed });
	});
	afterAll(async () => env.close());

	const exec = (operation: string, params: FakeRun['params']) =>
		node.execute.call(
			fakeExecuteFunctions({
				params: { resource: 'product', operation, mappingStore: env.mappingStore, filters: {}, listOptions: {}, ...params },
				credentials: env.credentials,
			}),
		);

	it('Get Many with Return All reads windows of 1000, 1000 and 500', async () => {
		env.sandbox.resetCounters();
		const [out] = await exec('getAll', { returnAll: true });
		expect(out).toHaveLength(TOTAL);
		expect(env.sandbox.counters().product_list).toBe(3);
		expect(new Set(out.map((o) => o.json.mk_id)).size).toBe(TOTAL);
		expect(out[0].json.count_code).toBe('BULK-0000');
		expect(out[TOTAL - 1].json.count_code).toBe('BULK-2499');
	});

	it('Get Many with a limit reads only the windows it needs', async () => {
		env.sandbox.resetCounters();
		const [small] = await exec('getAll', { returnAll: false, limit: 20 });
		expect(small).toHaveLength(20);
		expect(env.sandbox.counters().product_list).toBe(1);

		env.sandbox.resetCounters();
		const [big] = await exec('getAll', { returnAll: false, limit: 1500 });
		expect(big).toHaveLength(1500);
		expect(env.sandbox.counters().product_list).toBe(2);
	});

	it('Import streams the whole catalogue in the same windows', async () => {
		env.sandbox.resetCounters();
		const [out] = await exec('import', { returnAll: true });
		expect(out).toHaveLength(TOTAL);
		expect(env.sandbox.counters().product_list).toBe(3);
	});
});
