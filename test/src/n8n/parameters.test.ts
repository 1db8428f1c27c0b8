// itemParameter: item-field expressions are read from the item with the result n8n's expression
// would give (plain JS is the oracle here; the e2e suite runs the Contact Sync in a real n8n), and
// everything else still goes through getNodeParameter.
import type { IExecuteFunctions } from 'n8n-workflow';

import { itemParameter, optionalItemParameter, simpleItemExpression } from '../../../src/n8n/parameters';

/** A context whose node parameters are raw values; getNodeParameter "evaluates" with plain JS and counts calls. */
function context(parameters: Record<string, unknown>, items: Array<Record<string, unknown>>) {
	const calls: Array<{ name: string; itemIndex: number; raw: boolean }> = [];
	const evaluate = (raw: unknown, json: Record<string, unknown>): unknown => {
		if (typeof raw !== 'string' || !raw.startsWith('={{')) return raw;
		// eslint-disable-next-line @typescript-eslint/no-implied-eval
		return new Function('$json', `return (${raw.slice(3, -2)});`)(json) as unknown;
	};
	const ctx = {
		getInputData: () => items.map((json) => ({ json })),
		getNodeParameter: (name: string, itemIndex: number, ...rest: [unknown?, { rawExpressions?: boolean }?]) => {
			const raw = rest[1]?.rawExpressions === true;
			calls.push({ name, itemIndex, raw });
			const value = parameters[name];
			if (value === undefined) {
				if (rest.length) return rest[0];
				throw new Error(`Could not get parameter "${name}"`);
			}
			return raw ? value : evaluate(value, items[itemIndex]);
		},
	} as unknown as IExecuteFunctions;
	const evaluated = () => calls.filter((c) => !c.raw);
	return { ctx, calls, evaluated };
}

describe('simpleItemExpression', () => {
	it.each([
		['={{ $json.id }}', { fields: ['id'] }],
		['={{$json.name ?? $json.company ?? $json.fullName}}', { fields: ['name', 'company', 'fullName'] }],
		['={{ $json.isCompany ?? $json.business_entity ?? false }}', { fields: ['isCompany', 'business_entity'], literal: { value: false } }],
		["={{ $json.country ?? 'Slovenia' }}", { fields: ['country'], literal: { value: 'Slovenia' } }],
		['={{ $json.amount ?? 0 }}', { fields: ['amount'], literal: { value: 0 } }],
		['={{ $json.note ?? null }}', { fields: ['note'], literal: { value: null } }],
	])('%s is read from the item', (raw, plan) => {
		expect(simpleItemExpression(raw)).toEqual(plan);
	});

	it.each([
		['a constant', 'Ljubljana'],
		['not a string', 42],
		['another node', "={{ $('CRM').item.json.id }}"],
		['a method call', '={{ $json.name.trim() }}'],
		['nested fields', '={{ $json.address.city }}'],
		['bracket access', "={{ $json['id'] }}"],
		['text around the expression', '=CRM-{{ $json.id }}'],
		['two expressions', '={{ $json.a }}{{ $json.b }}'],
		['a literal first', "={{ 'x' ?? $json.a }}"],
		['only a literal', '={{ false }}'],
		['a literal in the middle', '={{ $json.a ?? false ?? $json.b }}'],
		['|| instead of ??', '={{ $json.a || $json.b }}'],
		['Object.prototype names', '={{ $json.constructor }}'],
		['__proto__', '={{ $json.__proto__ }}'],
		['an escaped quote', "={{ $json.a ?? 'it\\'s' }}"],
		['an octal-looking number', '={{ $json.a ?? 01 }}'],
	])('%s goes to n8n', (_name, raw) => {
		expect(simpleItemExpression(raw)).toBeUndefined();
	});
});

describe('itemParameter', () => {
	const items = [
		{ id: 'crm-1', name: 'Kovinarstvo Novak d.o.o.', isCompany: true, amount: 3 },
		{ id: 7, company: 'Pekarna Kruh', business_entity: 'false', amount: 0 },
		{ id: 'crm-3', fullName: 'Ana Kranjc', name: null },
		{ id: 'crm-4', name: { first: 'Ana' } },
		{ id: 'crm-5' },
	];
	const parameters = {
		crmId: '={{ $json.id }}',
		customer: '={{ $json.name ?? $json.company ?? $json.fullName }}',
		business_entity: '={{ $json.isCompany ?? $json.business_entity ?? false }}',
		amount: '={{ $json.amount }}',
		place: 'Ljubljana',
		street: '={{ $json.street.trim() }}',
	};

	it('gives what evaluating the expression gives, for every item and parameter', () => {
		const fast = context(parameters, items);
		const slow = context(parameters, items);
		for (const name of ['crmId', 'customer', 'business_entity', 'amount', 'place']) {
			for (let i = 0; i < items.length; i++) {
				expect(itemParameter(fast.ctx, name, i, '')).toEqual(slow.ctx.getNodeParameter(name, i, ''));
			}
		}
	});

	it('reads plain values from the item without evaluating; reads the raw parameter once per context', () => {
		const { ctx, calls, evaluated } = context(parameters, items);
		expect([0, 1, 2].map((i) => itemParameter(ctx, 'customer', i))).toEqual(['Kovinarstvo Novak d.o.o.', 'Pekarna Kruh', 'Ana Kranjc']);
		expect([0, 1, 2].map((i) => itemParameter(ctx, 'business_entity', i))).toEqual([true, 'false', false]);
		expect(itemParameter(ctx, 'amount', 1)).toBe(0);
		expect(evaluated()).toEqual([]);
		expect(calls.filter((c) => c.raw).map((c) => c.name)).toEqual(['customer', 'business_entity', 'amount']);
	});

	it('asks n8n when the outcome is not a plain value (missing field, object) and for other expressions', () => {
		const { ctx, evaluated } = context(parameters, items);
		expect(itemParameter(ctx, 'customer', 3, '')).toEqual({ first: 'Ana' });
		expect(itemParameter(ctx, 'customer', 4, '')).toBeUndefined();
		expect(itemParameter(ctx, 'place', 0, '')).toBe('Ljubljana');
		expect(() => itemParameter(ctx, 'street', 0, '')).toThrow();
		expect(evaluated().map((c) => [c.name, c.itemIndex])).toEqual([
			['customer', 3],
			['customer', 4],
			['place', 0],
			['street', 0],
		]);
	});

	it('keeps getNodeParameter’s fallback and its error for a parameter that does not exist', () => {
		const { ctx } = context(parameters, items);
		expect(itemParameter(ctx, 'missing', 0, 'fallback')).toBe('fallback');
		expect(() => itemParameter(ctx, 'missing', 0)).toThrow('Could not get parameter "missing"');
	});

	it('for an optional field, nothing found in the item is undefined without asking n8n', () => {
		const { ctx, evaluated } = context(parameters, items);
		expect(optionalItemParameter(ctx, 'customer', 4)).toBeUndefined();
		expect(optionalItemParameter(ctx, 'customer', 2)).toBe('Ana Kranjc');
		expect(optionalItemParameter(ctx, 'business_entity', 4)).toBe(false);
		expect(evaluated()).toEqual([]);
		// An object, a constant and other expressions are still n8n's (with '' as the fallback).
		expect(optionalItemParameter(ctx, 'customer', 3)).toEqual({ first: 'Ana' });
		expect(optionalItemParameter(ctx, 'place', 0)).toBe('Ljubljana');
		expect(optionalItemParameter(ctx, 'missing', 0)).toBe('');
		expect(evaluated().map((c) => c.name)).toEqual(['customer', 'place', 'missing']);
	});
});
