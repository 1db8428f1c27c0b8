import type { IDataObject } from 'n8n-workflow';

import { MetakockaTemplate } from '../../../nodes/MetakockaTemplate/MetakockaTemplate.node';
import { fakeExecuteFunctions, type FakeRun } from '../../helpers/n8n';
import { startTestEnv, type TestEnv } from '../../helpers/env';

const node = new MetakockaTemplate();

const BODY = [
	'Spoštovani {{partner.customer}},',
	'{{#each document.product_list}}- {{name}}: {{amount}} × {{money price_with_tax}}',
	'{{/each}}Skupaj: {{money document.sum_all}}',
].join('\n');

const ORDER = {
	partner: { customer: 'Testni Janez s.p.', email: 'janez@testni.si' },
	document: {
		count_code: 'P-2025-0042',
		sum_all: '1234.5',
		product_list: [
			{ name: 'Vijak M8', amount: 10, price_with_tax: '0.5' },
			{ name: 'Matica M8', amount: 2, price_with_tax: '12.2' },
		],
	},
};

describe('Metakocka Template node', () => {
	let env: TestEnv;
	beforeAll(async () => {
		env = await startTestEnv();
	});
	afterAll(async () => env.close());

	const run = (
		operation: string,
		params: FakeRun['params'],
		items?: IDataObject[],
		options: { companyId?: string; continueOnFail?: boolean; credentials?: FakeRun['credentials'] } = {},
	) =>
		node.execute.call(
			fakeExecuteFunctions({
				params: { resource: 'template', operation, mappingStore: env.mappingStore, ...params },
				items,
				credentials: options.credentials ?? {
					...env.credentials,
					metakockaApi: { ...env.credentials.metakockaApi, companyId: options.companyId ?? env.companyId },
				},
				continueOnFail: options.continueOnFail ?? false,
			}),
		);

	it('describes the node with an inline render that needs no Postgres', () => {
		const { description } = node;
		expect(description.name).toBe('metakockaTemplate');
		expect(description.usableAsTool).toBe(true);
		const postgres = description.credentials?.find((c) => c.name === 'postgres');
		expect(postgres?.displayOptions).toEqual({ hide: { source: ['inline'] } });
		const operation = description.properties.find((p) => p.name === 'operation');
		expect((operation?.options as Array<{ value: string }>).map((o) => o.value).sort()).toEqual(
			['create', 'delete', 'get', 'getAll', 'render', 'update'],
		);
	});

	it('creates, gets, lists, updates and deletes a template; a duplicate name names the item', async () => {
		const [created] = await run('create', {
			name: 'order-confirmation',
			subject: 'Naročilo {{document.count_code}}',
			body: BODY,
			additionalFields: { description: 'Potrditev naročila' },
		});
		expect(created).toHaveLength(1);
		expect(created[0].pairedItem).toEqual({ item: 0 });
		expect(created[0].json).toMatchObject({ name: 'order-confirmation', companyId: env.companyId, description: 'Potrditev naročila' });
		expect(typeof created[0].json.id).toBe('number');

		const [got] = await run('get', { templateName: 'order-confirmation' });
		expect(got[0].json).toMatchObject({ name: 'order-confirmation', body: BODY, subject: 'Naročilo {{document.count_code}}' });

		// The second item repeats the first one's name.
		await expect(
			run('create', { name: (i: number) => (i === 0 ? 'reminder' : 'order-confirmation'), body: 'Hi' }, [{}, {}]),
		).rejects.toThrow(/"name" must be unique/);
		const [continued] = await run('create', { name: 'order-confirmation', body: 'x' }, [{}], { continueOnFail: true });
		expect(continued[0].json.error).toMatch(/Item 0: field "name" must be unique/);
		expect(continued[0].pairedItem).toEqual({ item: 0 });

		const [many] = await run('getAll', { returnAll: true });
		expect(many.map((item) => item.json.name)).toEqual(['order-confirmation', 'reminder']);
		const [limited] = await run('getAll', { returnAll: false, limit: 1 });
		expect(limited).toHaveLength(1);

		const [updated] = await run('update', { templateName: 'reminder', updateFields: { subject: 'Opomnik', body: 'Dolgujete {{money due}}' } });
		expect(updated[0].json).toMatchObject({ name: 'reminder', subject: 'Opomnik', body: 'Dolgujete {{money due}}' });

		const [deleted] = await run('delete', { templateName: 'reminder' });
		expect(deleted[0].json).toEqual({ deleted: true, name: 'reminder' });
		await expect(run('get', { templateName: 'reminder' })).rejects.toThrow(/"templateName" names no stored template/);
	});

	it('keeps templates apart per company', async () => {
		await run('create', { name: 'greeting', body: 'Company A {{x}}' }, [{}], { companyId: '901' });
		await run('create', { name: 'greeting', body: 'Company B {{x}}' }, [{}], { companyId: '902' });
		const [a] = await run('get', { templateName: 'greeting' }, [{}], { companyId: '901' });
		const [b] = await run('get', { templateName: 'greeting' }, [{}], { companyId: '902' });
		expect(a[0].json.body).toBe('Company A {{x}}');
		expect(b[0].json.body).toBe('Company B {{x}}');
		const [listA] = await run('getAll', { returnAll: true }, [{}], { companyId: '901' });
		expect(listA.map((item) => item.json.body)).toEqual(['Company A {{x}}']);
		const [renderedB] = await run('render', { source: 'stored', templateName: 'greeting', data: { x: 1 } }, [{}], { companyId: '902' });
		expect(renderedB[0].json.body).toBe('Company B 1');
		await expect(run('get', { templateName: 'greeting' }, [{}], { companyId: '903' })).rejects.toThrow(/names no stored template/);
	});

	it('renders a stored template with partner, document lines and money from the input item', async () => {
		const [out] = await run(
			'render',
			{ source: 'stored', templateName: 'order-confirmation', data: (_i: number, item: { json: IDataObject }) => item.json, options: {} },
			[ORDER, { ...ORDER, partner: { customer: 'Druga d.o.o.' } }],
		);
		expect(out).toHaveLength(2);
		expect(out[0].json).toEqual({
			subject: 'Naročilo P-2025-0042',
			body: 'Spoštovani Testni Janez s.p.,\n- Vijak M8: 10 × 0,50 €\n- Matica M8: 2 × 12,20 €\nSkupaj: 1.234,50 €',
			template: 'order-confirmation',
		});
		expect(out[1].json.body).toMatch(/^Spoštovani Druga d\.o\.o\.,/);
		expect(out.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);

		const [usd] = await run('render', {
			source: 'stored',
			templateName: 'order-confirmation',
			data: ORDER,
			options: { locale: 'en-GB', currency: 'USD' },
		});
		expect(usd[0].json.body).toContain('US$1,234.50');
	});

	it('renders an inline template without any Postgres credential', async () => {
		const [out] = await run(
			'render',
			{ source: 'inline', subject: 'Ponudba {{document.count_code}}', body: 'Za {{partner.customer}}: {{money document.sum_all}}', data: ORDER },
			[{}],
			{ credentials: {} },
		);
		expect(out[0].json).toEqual({ subject: 'Ponudba P-2025-0042', body: 'Za Testni Janez s.p.: 1.234,50 €', template: null });
		expect(out[0].pairedItem).toEqual({ item: 0 });
	});

	it('names the missing placeholder and the item in strict mode; continue on fail keeps the others', async () => {
		const params = {
			source: 'inline',
			subject: '',
			body: 'Spoštovani {{partner.customer}}',
			data: (_i: number, item: { json: IDataObject }) => item.json,
			options: { strict: true },
		};
		const items = [ORDER, { partner: {} }];
		await expect(run('render', params, items, { credentials: {} })).rejects.toThrow(
			/"body" could not be rendered: Missing placeholder "partner\.customer"/,
		);
		const [out] = await run('render', params, items, { credentials: {}, continueOnFail: true });
		expect(out[0].json.body).toBe('Spoštovani Testni Janez s.p.');
		expect(out[1].json).toMatchObject({ field: 'body' });
		expect(out[1].json.error).toMatch(/Item 1.*partner\.customer/);
		expect(out[1].pairedItem).toEqual({ item: 1 });

		const [lenient] = await run('render', { ...params, options: {} }, items, { credentials: {} });
		expect(lenient[1].json.body).toBe('Spoštovani ');
	});

	it('escapes HTML in data by default and not when turned off', async () => {
		const data = { partner: { customer: '<script>alert(1)</script>' } };
		const [escaped] = await run('render', { source: 'inline', subject: '', body: '<p>{{partner.customer}}</p>', data }, [{}], { credentials: {} });
		expect(escaped[0].json.body).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
		expect(escaped[0].json.body).not.toContain('<script>');
		const [raw] = await run(
			'render',
			{ source: 'inline', subject: '', body: '{{partner.customer}}', data, options: { escapeHtml: false } },
			[{}],
			{ credentials: {} },
		);
		expect(raw[0].json.body).toBe('<script>alert(1)</script>');
	});

	it('refuses prototype access in templates', async () => {
		const result = run('render', { source: 'inline', subject: '', body: '{{constructor.constructor}}', data: {} }, [{}], { credentials: {} }).then(
			([out]) => String(out[0].json.body),
			(error: Error) => error.message,
		);
		const outcome = await result;
		expect(outcome === '' || /not allowed/.test(outcome)).toBe(true);
		await expect(run('create', { name: 'evil', body: '{{lookup this "constructor"}}' })).rejects.toThrow(/"body".*not allowed/);
	});

	it('refuses to store a template with a syntax error, naming the field "body"', async () => {
		await expect(run('create', { name: 'broken', subject: 'ok', body: 'Hello {{#each items}}' })).rejects.toThrow(
			/"body" is not a valid template: Template syntax error/,
		);
		await expect(run('update', { templateName: 'order-confirmation', updateFields: { body: '{{/if}}' } })).rejects.toThrow(
			/"body" is not a valid template/,
		);
		const [none] = await run('get', { templateName: 'broken' }, [{}], { continueOnFail: true });
		expect(none[0].json.error).toMatch(/names no stored template/);
	});

	it('rejects data that is not a JSON object, naming the field', async () => {
		await expect(run('render', { source: 'inline', subject: '', body: 'x', data: '{oops' }, [{}], { credentials: {} })).rejects.toThrow(
			/"data" is not valid JSON/,
		);
		const [fromText] = await run('render', { source: 'inline', subject: '', body: '{{a}}', data: '{"a": "b"}' }, [{}], { credentials: {} });
		expect(fromText[0].json.body).toBe('b');
	});
});
