// examples/metakocka-trigger.json: the trigger's output feeds the Template node's inline render.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { IDataObject } from 'n8n-workflow';

import { MetakockaTrigger } from '../../../nodes/MetakockaTrigger/MetakockaTrigger.node';
import { renderTemplate } from '../../../src/template';
import { fakePollFunctions, order, startTriggerEnv } from '../../helpers/trigger';

interface WorkflowNode {
	name: string;
	type: string;
	parameters: Record<string, unknown>;
}

const workflow = JSON.parse(readFileSync(path.join(__dirname, '../../../examples/metakocka-trigger.json'), 'utf8')) as {
	nodes: WorkflowNode[];
	connections: Record<string, { main: Array<Array<{ node: string }>> }>;
};

describe('example: Metakocka Trigger → Template', () => {
	it('is wired trigger → render, and the trigger parameters are the node’s own', () => {
		const trigger = workflow.nodes.find((n) => n.type === 'n8n-nodes-metakocka.metakockaTrigger')!;
		const render = workflow.nodes.find((n) => n.type === 'n8n-nodes-metakocka.metakockaTemplate')!;
		expect(workflow.connections[trigger.name].main[0][0].node).toBe(render.name);
		const names = new MetakockaTrigger().description.properties.map((p) => p.name);
		for (const key of Object.keys(trigger.parameters).filter((k) => k !== 'pollTimes')) expect(names).toContain(key);
	});

	it('renders a real trigger item', async () => {
		const env = await startTriggerEnv();
		try {
			const trigger = workflow.nodes.find((n) => n.type === 'n8n-nodes-metakocka.metakockaTrigger')!;
			const render = workflow.nodes.find((n) => n.type === 'n8n-nodes-metakocka.metakockaTemplate')!;
			const staticData: IDataObject = {};
			const run = () => new MetakockaTrigger().poll.call(fakePollFunctions({ params: trigger.parameters, credentials: env.credentials, staticData }));
			expect(await run()).toBeNull();
			await env.client.call('put_document', order(), 'write');
			const [[item]] = (await run())!;
			const data = { document: item.json, change: item.json._change };
			expect(renderTemplate(String(render.parameters.subject), data)).toMatch(/^Naročilo PP-\d+ prejeto$/);
			const body = renderTemplate(String(render.parameters.body), data);
			expect(body).toContain('Trigger Kupec d.o.o.');
			expect(body).toContain('- Vijak M8x50 pocinkan: 2 × 0,35 €');
			expect(body).toMatch(/Skupaj: 0,85/);
		} finally {
			await env.close();
		}
	});
});
