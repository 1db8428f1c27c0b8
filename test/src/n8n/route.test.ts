// route(): a failure of a whole operation with "Continue" set becomes an error item per input item.
// Without this n8n passes the input items on unchanged, and a workflow reads them as an empty answer
// (the API example's GET mappings answered 200 with no mappings while Postgres refused the login).
import { MetakockaContact } from '../../../nodes/MetakockaContact/MetakockaContact.node';
import { fakeExecuteFunctions } from '../../helpers/n8n';
import { PG, startTestEnv, type TestEnv } from '../../helpers/env';

describe('route: a whole operation failing with Continue', () => {
	let env: TestEnv;
	beforeAll(async () => {
		env = await startTestEnv();
	});
	afterAll(async () => env.close());

	const run = (continueOnFail: boolean) =>
		new MetakockaContact().execute.call(
			fakeExecuteFunctions({
				params: { resource: 'partner', operation: 'getMappings', crmIds: '', returnAll: true, mappingStore: env.mappingStore },
				items: [{ query: {} }, { query: { contactId: 'c-1' } }],
				credentials: { ...env.credentials, postgres: { ...PG, user: 'mk_no_such_role', password: 'x', ssl: 'disable' } },
				continueOnFail,
			}),
		);

	it('each input item carries the error; none passes on as if nothing failed', async () => {
		const [out] = await run(true);
		expect(out).toHaveLength(2);
		for (const [i, item] of out.entries()) {
			expect(item.json.error).toBeDefined();
			expect(String(item.json.error)).toMatch(/mk_no_such_role|Postgres/i);
			expect(item.pairedItem).toEqual({ item: i });
			expect(item.json).not.toHaveProperty('query');
		}
	});

	it('with Stop Workflow the node fails', async () => {
		await expect(run(false)).rejects.toThrow();
	});
});
