import { NodeApiError, NodeOperationError, type INodeProperties } from 'n8n-workflow';
import { WorkflowExecute } from 'n8n-core';
import { z } from 'zod';

import { MetakockaError } from '../../../src/client';
import { InputError, parseItem } from '../../../src/input';
import { batchOutput, errorItem, registerParameters, runItems, toNodeError } from '../../../src/n8n';
import { StoreError } from '../../../src/store/errors';
import { TemplateError } from '../../../src/template/errors';
import { fakeExecuteFunctions } from '../../helpers/n8n';

const PROPERTIES: INodeProperties[] = [
	{ displayName: 'Operation', name: 'operation', type: 'options', options: [], default: 'create' },
	{ displayName: 'Document Date', name: 'docDate', type: 'string', default: '', displayOptions: { show: { operation: ['create'] } } },
	{ displayName: 'Other Date', name: 'docDate', type: 'string', default: '', displayOptions: { show: { operation: ['other'] } } },
	{
		displayName: 'Lines',
		name: 'lines',
		type: 'fixedCollection',
		default: {},
		options: [
			{
				displayName: 'Line',
				name: 'line',
				values: [
					{ displayName: 'Tax Code', name: 'tax', type: 'string', default: '' },
					{ displayName: 'Tax Factor', name: 'tax_factor', type: 'number', default: 0 },
				],
			},
		],
	},
];
registerParameters('labelled', PROPERTIES);

const ctx = (over: Partial<Parameters<typeof fakeExecuteFunctions>[0]> = {}) =>
	fakeExecuteFunctions({ params: { operation: 'create' }, items: [{ n: 0 }, { n: 1 }, { n: 2 }], nodeType: 'n8n-nodes-metakocka.labelled', ...over });

const rejected = () => new MetakockaError({ code: '2', description: 'partner not found', method: 'put_document', retryable: false });

describe('runItems', () => {
	it('Continue: the bad item becomes an error item in its place, paired, routed by its keys', async () => {
		const writes: number[] = [];
		const out = await runItems(ctx({ continueOnFail: true, typeVersion: 2 }), {
			writes: true,
			parse: (i) => {
				if (i === 1) throw new InputError(i, 'doc_date', 'is not a day in the calendar (got "2026-02-30")');
				return i;
			},
			run: async (i) => {
				writes.push(i);
				return { mk_id: `mk-${i}` };
			},
		});
		expect(writes).toEqual([0, 2]);
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		// Version 2: only the keys n8n's error output accepts on their own (error, details), and no
		// item.error (n8n would then cut the json down to the message).
		expect(out[1].error).toBeUndefined();
		expect(Object.keys(out[1].json).sort()).toEqual(['details', 'error']);
		expect(out[1].json.error).toBe('"Document Date" is not a day in the calendar (got "2026-02-30")');
		expect(out[1].json.details).toMatchObject({ type: 'input', field: 'doc_date', itemIndex: 1 });
	});

	it("keeps its details through n8n's own normalisation of node output (n8n-core 2.41 WorkflowExecute)", async () => {
		const out = await runItems(ctx({ continueOnFail: true, typeVersion: 2 }), {
			run: async (i) => {
				if (i === 1) throw rejected();
				return { mk_id: `mk-${i}` };
			},
		});
		const output = [out.map((item) => ({ ...item, json: { ...item.json } }))];
		(WorkflowExecute.prototype as unknown as { normalizeNodeErrors(data: unknown): void }).normalizeNodeErrors.call({}, output);
		expect(output[0][1].json).toEqual(out[1].json);
		expect(output[0][1].json.details).toMatchObject({ type: 'metakocka', code: '2', method: 'put_document', itemIndex: 1 });
	});

	it('Stop Workflow: a bad item fails the node before anything is written', async () => {
		const writes: number[] = [];
		const error = await runItems(ctx(), {
			parse: (i) => {
				if (i === 2) throw new InputError(i, 'doc_date', 'is required');
				return i;
			},
			run: async (i) => {
				writes.push(i);
				return {};
			},
		}).catch((e: unknown) => e);
		expect(writes).toEqual([]);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message).toBe('"Document Date" is required');
		expect((error as NodeOperationError).context.itemIndex).toBe(2);
	});

	it('Stop Workflow: a Metakocka rejection stops at the item and names what earlier items wrote', async () => {
		const writes: number[] = [];
		const error = (await runItems(ctx(), {
			writes: true,
			run: async (i) => {
				if (i === 1) throw rejected();
				writes.push(i);
				return { status: 'created', mk_id: `mk-${i}` };
			},
		}).catch((e: unknown) => e)) as NodeApiError;
		expect(writes).toEqual([0]);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Metakocka rejected put_document (opr_code 2): partner not found');
		expect(error.context.itemIndex).toBe(1);
		expect(error.description).toContain('Already written in Metakocka before the run stopped: item 0 → mk-0 (created)');
		expect(error.context.details).toMatchObject({ type: 'metakocka', code: '2', method: 'put_document', written: [{ itemIndex: 0, mk_id: 'mk-0' }] });
	});

	it('version 1 keeps its error JSON (extra keys) and, as in release 0.1, no item.error (n8n would hand it on with its message only)', async () => {
		const out = await runItems(ctx({ continueOnFail: true }), {
			run: async (i) => {
				if (i === 0) throw rejected();
				return {};
			},
		});
		expect(out[0].json).toEqual({ error: 'Metakocka rejected put_document (opr_code 2): partner not found', code: '2', method: 'put_document', retryable: false });
		expect(out[0].error).toBeUndefined();
	});
});

describe('labels (issue 13 item 4)', () => {
	it('name the parameter of the current operation, and both alternatives with the line', () => {
		const schema = z.object({ lines: z.array(z.object({ tax: z.string().optional(), tax_factor: z.number().optional() }).superRefine((l, c) => {
			if ((l.tax === undefined) === (l.tax_factor === undefined)) c.addIssue({ code: 'custom', path: ['tax'], message: 'Give exactly one', params: { oneOf: ['tax', 'tax_factor'] } });
		})) });
		let input: unknown;
		try {
			parseItem(schema, { lines: [{}] }, 0);
		} catch (error) {
			input = error;
		}
		const error = toNodeError(ctx(), input, 0);
		expect(error.message).toBe('Set exactly one of "Tax Code" or "Tax Factor" on line 1');
		expect(error.message).not.toMatch(/item/i);
		const other = toNodeError(ctx({ params: { operation: 'other' } }), new InputError(0, 'doc_date', 'is required'), 0);
		expect(other.message).toBe('"Other Date" is required');
		const unknown = toNodeError(ctx(), new InputError(0, 'no_such', 'is required'), 0);
		expect(unknown.message).toBe('"no_such" is required');
	});
});

describe('toNodeError', () => {
	it('gives every core error type a message, a description and machine-readable details', () => {
		const store = toNodeError(ctx(), new StoreError('UNREACHABLE', 'Postgres is not reachable at db:5432: ECONNREFUSED'), 1);
		expect(store.message).toBe('Mapping store: Postgres is not reachable at db:5432: ECONNREFUSED');
		expect(store.description).toMatch(/host and port of the Postgres credential/);
		expect(store.context.details).toEqual({ type: 'postgres', itemIndex: 1, code: 'UNREACHABLE' });
		const template = toNodeError(ctx(), new TemplateError('Missing placeholder', { placeholder: 'partner.customer', line: 3 }), 0);
		expect(template.description).toBe('At placeholder {{partner.customer}}, line 3 of the template.');
		const zod = toNodeError(ctx(), z.object({ docDate: z.string() }).safeParse({}).error, 2);
		expect(zod.message).toMatch(/^"Document Date" required/);
		expect(zod.context.itemIndex).toBe(2);
	});
});

describe('batchOutput and errorItem', () => {
	it('puts outcomes in input order; Stop Workflow names what the batch wrote', () => {
		const outcomes = [
			{ itemIndex: 2, json: { status: 'created', mk_id: '12' } },
			{ itemIndex: 0, json: { status: 'updated', mk_id: '10' } },
			{ itemIndex: 1, error: rejected() },
		];
		const out = batchOutput(ctx({ continueOnFail: true, typeVersion: 2 }), outcomes);
		expect(out.map((o) => [o.pairedItem, o.json.error !== undefined])).toEqual([[{ item: 0 }, false], [{ item: 1 }, true], [{ item: 2 }, false]]);
		expect(() => batchOutput(ctx(), outcomes)).toThrow(expect.objectContaining({ description: expect.stringContaining('item 0 → 10 (updated), item 2 → 12 (created)') }));
	});

	it('an error item of version 2 is the message and the details, nothing else', () => {
		expect(errorItem(ctx({ typeVersion: 2 }), new Error('boom'), 1).json).toEqual({ error: 'boom', details: { type: 'internal', itemIndex: 1 } });
	});

	it('version 1 keeps its field/code keys when the error was already converted (a whole operation failing under Continue)', () => {
		const input = toNodeError(ctx(), new InputError(0, 'name', 'must be unique'), 0);
		expect(errorItem(ctx({ typeVersion: 1 }), input, 0).json).toEqual(expect.objectContaining({ field: 'name' }));
		const api = toNodeError(ctx(), rejected(), 1);
		expect(errorItem(ctx({ typeVersion: 1 }), api, 1).json).toEqual(expect.objectContaining({ code: '2', method: 'put_document', retryable: false }));
	});

});
