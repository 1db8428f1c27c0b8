// issue 14: the three "On Error" settings in a real n8n 2.41, for Contact → Create
// at node version 2: two good items and one bad one (the middle one) per run.
import { randomUUID } from 'crypto';

import type { N8nClient, WorkflowJson } from '../../scripts/e2e/harness';
import { adaptWorkflow } from '../../scripts/e2e/harness';
import { client, sandbox, stack } from './helpers';

type OnError = 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';

const PACKAGE = 'n8n-nodes-metakocka';

function workflow(path: string, items: unknown[], node: { type: string; parameters: Record<string, unknown> }, onError: OnError): WorkflowJson {
	const wf: WorkflowJson = {
		name: `error-output ${path}`,
		nodes: [
			{ id: randomUUID(), name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: randomUUID(), parameters: { path, httpMethod: 'POST', responseMode: 'onReceived' } },
			{ id: randomUUID(), name: 'Items', type: 'n8n-nodes-base.code', typeVersion: 2, position: [200, 0], parameters: { jsCode: `return ${JSON.stringify(items.map((json) => ({ json })))};` } },
			{ id: randomUUID(), name: 'Metakocka', type: `${PACKAGE}.${node.type}`, typeVersion: 2, position: [400, 0], parameters: node.parameters, onError },
		],
		connections: {
			Webhook: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
			Items: { main: [[{ node: 'Metakocka', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
	return adaptWorkflow(wf, { credentials: stack().credentials, schema: stack().schema });
}

async function run(n8n: N8nClient, wf: WorkflowJson, path: string) {
	const created = await n8n.createWorkflow(wf);
	await n8n.activate(created.id);
	try {
		const known = (await n8n.executions(created.id)).map((e) => String(e.id));
		const response = await n8n.webhook(path, {});
		expect(response.status).toBe(200);
		return await n8n.waitForExecution(created.id, { knownIds: known, timeoutMs: 60000 });
	} finally {
		await n8n.deactivate(created.id).catch(() => undefined);
	}
}

// A new partner needs its address (Metakocka expects street, post number, city and country).
const ADDRESS = { street: 'Slovenska 1', postCode: '1000', city: 'Ljubljana', country: 'SI' };

const CASES = [
	{
		node: 'metakockaContact',
		parameters: { resource: 'partner', operation: 'create' },
		items: (tag: string) => [
			{ name: `EO ${tag} A`, email: `a-${tag}@example.com`, ...ADDRESS },
			{ name: 'X'.repeat(101), email: `b-${tag}@example.com`, ...ADDRESS },
			{ name: `EO ${tag} C`, email: `c-${tag}@example.com`, ...ADDRESS },
		],
		written: (state: any, tag: string) => state.partners.filter((p: any) => String(p.customer).startsWith(`EO ${tag} `)).map((p: any) => p.customer).sort(),
		expectWritten: (tag: string) => [`EO ${tag} A`, `EO ${tag} C`],
		badMessage: /^"Name" must be at most 100 characters/,
		writeCounter: 'add_partner',
	},
];

describe('e2e: On Error settings route good and bad items (node version 2)', () => {
	let n8n: N8nClient;
	beforeAll(() => {
		n8n = client();
	});

	for (const c of CASES) {
		it(`${c.node}: Stop Workflow fails the node on item 1 and writes nothing`, async () => {
			const tag = `s${Date.now()}`;
			const path = `eo-${tag}`;
			await sandbox.post('counters/reset');
			const result = await run(n8n, workflow(path, c.items(tag), { type: c.node, parameters: c.parameters }, 'stopWorkflow'), path);
			expect(result.status).toBe('error');
			expect(result.errors.Metakocka).toMatch(c.badMessage);
			expect(result.nodeErrors.Metakocka.context?.itemIndex).toBe(1);
			expect(c.written(await sandbox.get('state'), tag)).toEqual([]);
			expect((await sandbox.get<Record<string, number>>('counters'))[c.writeCounter] ?? 0).toBe(0);
		});

		it(`${c.node}: Continue puts the error item on the main output, in input order, paired`, async () => {
			const tag = `c${Date.now()}`;
			const path = `eo-${tag}`;
			const result = await run(n8n, workflow(path, c.items(tag), { type: c.node, parameters: c.parameters }, 'continueRegularOutput'), path);
			expect(result.status).toBe('success');
			const [main, second] = result.outputs.Metakocka;
			expect(second ?? []).toEqual([]);
			expect(main.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expect(main[1].json.error).toMatch(c.badMessage);
			// Where n8n keeps the details in both modes: the item's error (its JSON kept only `error`).
			expect(main[1].error?.context?.details).toMatchObject({ type: 'input', itemIndex: 1 });
			expect(main[0].json.mk_id).toBeTruthy();
			expect(main[2].json.mk_id).toBeTruthy();
			expect(c.written(await sandbox.get('state'), tag)).toEqual(c.expectWritten(tag));
		});

		it(`${c.node}: Continue (using error output) sends the bad item to output 2 and the good ones to output 1, paired`, async () => {
			const tag = `e${Date.now()}`;
			const path = `eo-${tag}`;
			const result = await run(n8n, workflow(path, c.items(tag), { type: c.node, parameters: c.parameters }, 'continueErrorOutput'), path);
			expect(result.status).toBe('success');
			const [good, bad] = result.outputs.Metakocka;
			expect(good.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
			expect(good.every((i) => i.json.error === undefined && i.json.mk_id)).toBe(true);
			expect(bad.map((i) => i.pairedItem)).toEqual([{ item: 1 }]);
			expect(bad[0].json.error).toMatch(c.badMessage);
			expect(bad[0].error?.context?.details).toMatchObject({ type: 'input', itemIndex: 1 });
			expect(c.written(await sandbox.get('state'), tag)).toEqual(c.expectWritten(tag));
		});
	}
});
