// parseResponse converts Metakocka's answer in place through a compiled form of the zod schemas.
// The zod schemas stay the definition: on every response shape the sandbox produces, and on the
// edge cases below, the lean result equals zod's and fails exactly where zod fails.
import { startSandbox } from '../../../src/sandbox';
import {
	documentSchema,
	parseResponse,
	parseResponseWithZod,
	partnerListResponseSchema,
	productListResponseSchema,
	searchResponseSchema,
	stockResponseSchema,
	warehouseListResponseSchema,
} from '../../../src/client/schemas';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function same(schema: Parameters<typeof parseResponse>[0], data: unknown) {
	const reference = parseResponseWithZod(schema, clone(data));
	expect(reference.success).toBe(true);
	const input = clone(data);
	const lean = parseResponse(schema, input, 'test');
	expect(lean).toEqual(reference.success ? reference.data : undefined);
	return { input, lean };
}

describe('lean parseResponse', () => {
	it('gives what zod gives for every document, partner, product, warehouse and stock row of the sandbox seed', async () => {
		const sb = await startSandbox();
		try {
			const state = sb.store();
			let docs = 0;
			for (const list of Object.values(state.documents)) {
				for (const d of list) {
					same(documentSchema, d);
					docs++;
				}
			}
			expect(docs).toBeGreaterThan(5);
			same(partnerListResponseSchema, { opr_code: '0', partner_list_count: String(state.partners.length), partner_list: state.partners });
			same(productListResponseSchema, { opr_code: '0', product_list_count: '3', product_list: state.products, echoed_filter: 'x' });
			same(warehouseListResponseSchema, { warehouse_list_count: '1', warehouse_list: state.warehouses });
			same(stockResponseSchema, { stock_list_count: '1', limit: '1000', stock_list: state.stock });
		} finally {
			await sb.close();
		}
	});

	it('converts in place: the answer becomes the result, no copy', () => {
		const page = { result_all_records: '1', result_count: '1', offset: '0', limit: '100', result: [{ mk_id: 7, sum_all: '1.895,01' }] };
		const { input, lean } = same(searchResponseSchema, page);
		expect(lean).toBe(input);
		const doc = { mk_id: '1', sum_all: '10,52', sum_tax_22: '2,31', sum_empty: '', partner: { mk_id: 5, customer: 'A' }, product_list: { amount: '2', price: '1,5', x: { y: 1 } }, unknown: { kept: 'as is' } };
		const out = same(documentSchema, doc);
		expect(out.lean).toBe(out.input);
		expect(out.lean).toMatchObject({ sum_all: 10.52, sum_tax_22: 2.31, partner: { mk_id: '5' }, product_list: [{ amount: 2, price: 1.5, x: { y: 1 } }], unknown: { kept: 'as is' } });
		expect('sum_empty' in out.lean).toBe(false);
	});

	it('strips what a strict envelope schema drops, keeps what a passthrough one keeps', () => {
		const { lean } = same(productListResponseSchema, { product_list_count: '0', product_list: [], limit: '10' });
		expect(lean).not.toHaveProperty('limit');
	});

	it.each([
		['a document without mk_id', documentSchema, { count_code: 'x' }, /mk_id: Required/],
		['an empty mk_id', documentSchema, { mk_id: '' }, /mk_id: String must contain at least 1/],
		['a number that is not one', documentSchema, { mk_id: '1', sum_basic: 'abc' }, /sum_basic: Expected number/],
		['a line amount that is not a number', documentSchema, { mk_id: '1', product_list: [{ amount: 'two' }] }, /product_list\.0\.amount: Expected number/],
		['a partner that is not an object', documentSchema, { mk_id: '1', partner: 'A' }, /partner: Expected object/],
		['a boolean that is not one', partnerListResponseSchema, { partner_list: [{ mk_id: '1', buyer: 'maybe' }] }, /partner_list\.0\.buyer: Expected boolean/],
		['a list of scalars where objects belong', searchResponseSchema, { result_all_records: {} }, /result_all_records: Expected number/],
	])('fails like zod on %s', (_name, schema, data, message) => {
		expect(parseResponseWithZod(schema, clone(data)).success).toBe(false);
		expect(() => parseResponse(schema, clone(data), 'search')).toThrow(expect.objectContaining({ code: 'INVALID_RESPONSE', description: expect.stringMatching(message) }));
	});
});
