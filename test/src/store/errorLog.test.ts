import { redactSecrets } from '../../../src/store';
import { storeSuite } from './helpers';

const t = storeSuite();

describe('redactSecrets', () => {
	it('drops secret keys at any depth, in any spelling, including inside JSON strings', () => {
		const input = {
			secret_key: 's1',
			company_id: '1',
			nested: { secretKey: 's2', Password: 'p', list: [{ api_key: 'k', apiKey: 'k2', 'API-KEY': 'k3', keep: 1 }] },
			raw: JSON.stringify({ secret_key: 's3', doc_type: 'sales_order' }),
			text: 'not json',
		};
		expect(redactSecrets(input)).toEqual({
			company_id: '1',
			nested: { list: [{ keep: 1 }] },
			raw: { doc_type: 'sales_order' },
			text: 'not json',
		});
		// The caller's object is untouched.
		expect(input.secret_key).toBe('s1');
	});

	it('survives cycles', () => {
		const a: Record<string, unknown> = { password: 'x' };
		a.self = a;
		expect(redactSecrets(a)).toEqual({ self: '[Circular]' });
	});
});

describe('error log', () => {
	it('records entries without secrets and lists newest first, per company', async () => {
		const first = await t.store.errorLog.record({
			companyId: 'c1',
			node: 'Metakocka',
			operation: 'create',
			method: 'put_document',
			itemIndex: 3,
			mkCode: '2',
			mkDescription: 'Missing partner',
			request: { secret_key: 'TOPSECRET', company_id: 'c1', partner: { password: 'pw', name: 'ACME' } },
		});
		expect(first).toMatchObject({
			companyId: 'c1',
			itemIndex: 3,
			mkCode: '2',
			request: { company_id: 'c1', partner: { name: 'ACME' } },
		});
		const more = await t.store.errorLog.recordMany([
			{ companyId: 'c1', node: 'Metakocka', request: '{"secretKey":"x","a":1}' },
			{ companyId: 'c2', node: 'Other' },
		]);
		expect(more.map((r) => r.request)).toEqual([{ a: 1 }, null]);

		const listed = await t.store.errorLog.list('c1');
		expect(listed.map((r) => r.id)).toEqual([more[0].id, first.id]);
		expect(JSON.stringify(listed)).not.toContain('TOPSECRET');
		expect(await t.store.errorLog.list('c1', { limit: 1 })).toHaveLength(1);
		expect((await t.store.errorLog.list('c2')).map((r) => r.node)).toEqual(['Other']);
	});
});
