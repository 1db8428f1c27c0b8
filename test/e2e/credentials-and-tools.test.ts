// The credential and the AI-tool side of the package inside a real n8n: the credential test rejects a
// wrong secret key, credentials are stored encrypted by n8n, and the nodes are offered to n8n's AI Agent
// as tools with a description (usableAsTool), which the agent can call.
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';

import { ROOT, type N8nClient } from '../../scripts/e2e/harness';
import { client, importAndActivate, stack } from './helpers';

// The nodes n8n offers as AI tools (usableAsTool); the two triggers are not tools.
const OUR_NODES = ['metakockaContact', 'metakockaSalesDocument', 'metakockaProduct', 'metakockaEmailEnricher', 'metakockaTemplate', 'metakockaAiContext'];

describe('e2e: credentials and AI tools in n8n', () => {
	let n8n: N8nClient;
	beforeAll(() => {
		n8n = client();
	});

	it('the Metakocka credential test passes with the right key and rejects a wrong one', async () => {
		const s = stack();
		const cred = s.credentials.metakockaApi;
		const good = { companyId: s.sandbox.companyId, secretKey: s.sandbox.secretKey, baseUrl: s.sandbox.baseUrl };
		expect(await n8n.testCredential({ id: cred.id, name: cred.name, type: 'metakockaApi', data: good })).toEqual({ status: 'OK', message: 'Connection successful!' });

		const wrong = await n8n.testCredential({ id: cred.id, name: cred.name, type: 'metakockaApi', data: { ...good, secretKey: 'not-the-key' } });
		expect(wrong.status).toBe('Error');
		expect(wrong.message).toMatch(/^Rejected by Metakocka \(opr_code \d+\)/);
		expect(wrong.message).not.toContain('not-the-key');

		// A new credential with a wrong key, saved through n8n and tested by id (what the editor does on save).
		const saved = await n8n.ensureCredential({ name: 'Metakocka (wrong key)', type: 'metakockaApi', data: { ...good, secretKey: 'wrong-secret' } });
		const result = await n8n.testCredential({ id: saved.id, name: saved.name, type: 'metakockaApi', data: { ...good, secretKey: 'wrong-secret' } });
		expect(result.status).toBe('Error');
		await n8n.request('DELETE', `/rest/credentials/${saved.id}`);

		// An unreachable host: n8n's network error, not "Rejected by Metakocka".
		const down = await n8n.testCredential({ id: cred.id, name: cred.name, type: 'metakockaApi', data: { ...good, baseUrl: 'http://127.0.0.1:9' } });
		expect(down.status).toBe('Error');
		expect(down.message).not.toMatch(/Rejected by Metakocka/);
	});

	it('n8n stores the credentials encrypted: the secret key is not in its database', async () => {
		const s = stack();
		// Read n8n's database with n8n's own Node and sqlite3 build (loading that native module into the
		// test's Node 20 is not safe: it is built for n8n's Node 24).
		const file = join(s.userFolder, '.n8n', 'database.sqlite');
		const script = `const sqlite3 = require(require.resolve('sqlite3', { paths: [process.argv[1]] }));
const db = new sqlite3.Database(process.argv[2], sqlite3.OPEN_READONLY, (e) => {
	if (e) { console.error(e.message); process.exit(1); }
	db.all('SELECT name, type, data FROM credentials_entity', (err, rows) => { if (err) { console.error(err.message); process.exit(1); } process.stdout.write(JSON.stringify(rows)); db.close(); });
});`;
		const rows = JSON.parse(execFileSync(s.nodeBin, ['-e', script, s.n8nDir, file], { encoding: 'utf8' })) as Array<{ name: string; type: string; data: string }>;
		const metakocka = rows.find((r) => r.type === 'metakockaApi' && r.name === s.credentials.metakockaApi.name);
		expect(metakocka).toBeDefined();
		expect(metakocka!.data).not.toContain(s.sandbox.secretKey);
		expect(metakocka!.data).not.toContain(s.sandbox.baseUrl);
		expect(rows.map((r) => r.type).sort()).toEqual(expect.arrayContaining(['metakockaApi', 'openAiApi', 'postgres']));
	});

	it('loads every node of the package under its community name, each also as an AI tool with a description', async () => {
		const types = await n8n.nodeTypes();
		// Every node package.json lists is loaded (plus n8n's "…Tool" variants), with its icon.
		const listed = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).n8n.nodes as string[]).length;
		const loaded = types.filter((t) => t.name.startsWith('n8n-nodes-metakocka.') && !t.name.endsWith('Tool'));
		expect(loaded).toHaveLength(listed);
		expect(loaded.map((t) => t.name)).toEqual(expect.arrayContaining(['n8n-nodes-metakocka.metakockaTrigger', 'n8n-nodes-metakocka.metakockaWebhookTrigger']));
		for (const name of OUR_NODES) {
			const node = types.find((t) => t.name === `n8n-nodes-metakocka.${name}`);
			expect(node).toBeDefined();
			expect(node!.iconUrl).toMatchObject({ light: expect.stringContaining('icons/n8n-nodes-metakocka/') });
			const tool = types.find((t) => t.name === `n8n-nodes-metakocka.${name}Tool`);
			expect(tool).toBeDefined();
			expect(tool!.outputs).toEqual(['ai_tool']);
			const description = tool!.properties.find((p: any) => p.name === 'toolDescription');
			expect(description.default).toBe(node!.description);
			expect(description.default).toMatch(/Metakocka/);
			expect(description.default.length).toBeGreaterThan(40);
		}
	});

	it("n8n's AI Agent calls Metakocka Contact as a tool and answers with the partner it found", async () => {
		const s = stack();
		if (!s.openai) throw new Error('the OpenAI stub is not running');
		const stubRoot = s.openai.baseUrl.replace(/\/v1$/, '');
		await fetch(`${stubRoot}/__stub/reset`, { method: 'POST' });
		await fetch(`${stubRoot}/__stub/config`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ toolPattern: 'metakocka', toolArguments: { email: 'janez.novak@kovinarstvo-novak.si' } }),
		});
		const workflow = {
			name: 'e2e: AI Agent with the Metakocka Contact tool',
			nodes: [
				{ id: 'a0', name: 'Question', type: 'n8n-nodes-base.webhook', typeVersion: 2.1, position: [0, 0] as [number, number], webhookId: '6f1c2a52-3a0e-4c33-9a55-0d4b3a9c3003', parameters: { httpMethod: 'POST', path: 'metakocka-agent', responseMode: 'lastNode', responseData: 'firstEntryJson', options: {} } },
				{ id: 'a1', name: 'AI Agent', type: '@n8n/n8n-nodes-langchain.agent', typeVersion: 2.2, position: [300, 0] as [number, number], parameters: { promptType: 'define', text: '={{ $json.body.question }}', options: {} } },
				{
					id: 'a2',
					name: 'OpenAI Chat Model',
					type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
					typeVersion: 1.2,
					position: [200, 250] as [number, number],
					parameters: { model: { __rl: true, mode: 'list', value: 'gpt-4o-mini' }, options: {} },
					credentials: { openAiApi: { id: s.credentials.openAiApi.id, name: s.credentials.openAiApi.name } },
				},
				{
					id: 'a3',
					name: 'Metakocka Contact',
					type: 'n8n-nodes-metakocka.metakockaContactTool',
					typeVersion: 1,
					position: [450, 250] as [number, number],
					parameters: { resource: 'partner', operation: 'get', findBy: 'email', value: "={{ $fromAI('email', 'The email address of the customer', 'string') }}" },
					credentials: { metakockaApi: { id: s.credentials.metakockaApi.id, name: s.credentials.metakockaApi.name } },
				},
			],
			connections: {
				Question: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
				'OpenAI Chat Model': { ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]] },
				'Metakocka Contact': { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
			},
			settings: { executionOrder: 'v1' },
		};
		const id = await importAndActivate(n8n, workflow);
		try {
			const response = await n8n.webhook('metakocka-agent', { question: 'Who is janez.novak@kovinarstvo-novak.si?' });
			expect(response.status).toBe(200);
			expect(String(response.json.output)).toContain('Kovinarstvo Novak d.o.o.');

			const requests = (await (await fetch(`${stubRoot}/__stub/requests`)).json()) as Array<{ path: string; body: any }>;
			const chats = requests.filter((r) => r.path.endsWith('/chat/completions'));
			expect(chats.length).toBeGreaterThanOrEqual(2);
			const offered = chats[0].body.tools.map((t: any) => t.function);
			const tool = offered.find((f: any) => /metakocka/i.test(f.name));
			expect(tool).toBeDefined();
			expect(tool.description).toMatch(/partner/i);
			expect(Object.keys(tool.parameters.properties ?? {})).toContain('email');
			// The tool's answer reached the model.
			const toolMessage = chats[1].body.messages.find((m: any) => m.role === 'tool');
			expect(String(toolMessage.content)).toContain('Kovinarstvo Novak d.o.o.');
		} finally {
			await n8n.deactivate(id).catch(() => undefined);
		}
	});
});
