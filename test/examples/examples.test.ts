// The example workflows (examples/*.json, examples/api/*.json) as files: what they let an outside
// caller do, and what the editor's main "Execute workflow" button runs in them.
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { runInNewContext } from 'vm';

const EXAMPLES = join(__dirname, '..', '..', 'examples');
const files = [
	...readdirSync(EXAMPLES).filter((f) => f.endsWith('.json')),
	...readdirSync(join(EXAMPLES, 'api'))
		.filter((f) => f.endsWith('.json'))
		.map((f) => `api/${f}`),
];

interface Node {
	name: string;
	type: string;
	disabled?: boolean;
	parameters: Record<string, any>;
}
interface Workflow {
	name: string;
	nodes: Node[];
	connections: Record<string, any>;
	pinData?: Record<string, Array<{ json: Record<string, any> }>>;
}
const read = (file: string): Workflow => JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8'));

/**
 * The trigger n8n 2.41.1's editor picks for its main "Execute workflow" button
 * (editor-ui findTriggerNodeToAutoSelect): form 10, webhook 9, other apps' triggers 8, schedule 7,
 * manual 6, the first enabled one by that order.
 */
function autoSelectedTrigger(workflow: Workflow): Node | undefined {
	const priority: Record<string, number> = {
		'n8n-nodes-base.formTrigger': 10,
		'n8n-nodes-base.webhook': 9,
		'n8n-nodes-base.scheduleTrigger': 7,
		'n8n-nodes-base.manualTrigger': 6,
	};
	const triggers = workflow.nodes.filter((n) => n.type in priority || /trigger$/i.test(n.type) || n.type === 'n8n-nodes-base.emailReadImap');
	const rank = (n: Node) => priority[n.type] ?? 8;
	return [...triggers].sort((a, b) => rank(b) - rank(a)).find((n) => !n.disabled);
}

describe('example workflows', () => {
	it('there are the four examples and the five API workflows', () => {
		expect(files.sort()).toEqual(
			['api/contacts.json', 'api/emails-ai-context.json', 'api/emails-metakocka.json', 'api/emails-templates.json', 'api/sales-documents.json', 'crm-sync.json', 'email-enrich-reply.json', 'metakocka-trigger.json', 'scheduled-import.json'].sort(),
		);
	});

	it.each(files)('%s: every webhook requires Header Auth', (file) => {
		for (const node of read(file).nodes.filter((n) => n.type === 'n8n-nodes-base.webhook')) {
			expect({ node: node.name, authentication: node.parameters.authentication }).toEqual({ node: node.name, authentication: 'headerAuth' });
		}
	});

	it.each([
		['crm-sync.json', 'CRM webhook', ['contacts', 'orders']],
		['email-enrich-reply.json', 'Test email (webhook)', ['from', 'subject', 'textPlain']],
	])('%s: the main Execute workflow button runs the pinned sample (no wait for a call)', (file, trigger, keys) => {
		const workflow = read(file);
		expect(autoSelectedTrigger(workflow)?.name).toBe(trigger);
		const pinned = workflow.pinData?.[trigger];
		expect(pinned).toHaveLength(1);
		for (const key of keys) expect(pinned![0].json.body).toHaveProperty(key);
		// The sample runs the same path as a real call: the trigger is wired to the rest.
		expect(workflow.connections[trigger].main[0].length).toBeGreaterThan(0);
	});

	it.each(['scheduled-import.json', 'metakocka-trigger.json'])('%s: the main button runs its only trigger', (file) => {
		const workflow = read(file);
		const triggers = workflow.nodes.filter((n) => /trigger/i.test(n.type) && !n.disabled);
		expect(triggers).toHaveLength(1);
		expect(autoSelectedTrigger(workflow)?.name).toBe(triggers[0].name);
	});

	it("the email example's notes say Reply needs no Postgres (it renders inline)", () => {
		const workflow = read('email-enrich-reply.json');
		const reply = workflow.nodes.find((n) => n.name === 'Reply')!;
		expect(reply.parameters.source).toBe('inline');
		const notes = workflow.nodes.filter((n) => n.type === 'n8n-nodes-base.stickyNote').map((n) => String(n.parameters.content));
		expect(notes.join('\n')).not.toMatch(/Postgres\*\* on the Enricher and Reply/);
		expect(notes.join('\n')).toMatch(/Reply\*\* renders an inline template, which needs no Postgres/);
	});

	describe('API workflows answer an error with the execution id, not its text', () => {
		// What a failing node puts in its item with "continue on fail": here a Postgres error naming host and user.
		const leak = 'connect ECONNREFUSED db.internal.example:5432; password authentication failed for user "mk_admin"';
		const responders = files
			.filter((f) => f.startsWith('api/'))
			.flatMap((file) =>
				read(file)
					.nodes.filter((n) => n.type === 'n8n-nodes-base.code' && /\.error\b/.test(String(n.parameters.jsCode)) && !/^Read /.test(n.name))
					.map((n) => [file, n.name, String(n.parameters.jsCode)] as const),
			);

		it('every response node of the API workflows is covered', () => {
			expect(responders.length).toBeGreaterThanOrEqual(12);
		});

		it.each(responders)('%s → %s', (_file, _name, code) => {
			const item = { json: { error: leak, message: leak } };
			const anyNode = { first: () => ({ json: { body: {}, query: {}, messageId: 'm-1', emailId: 'e-1' } }), all: () => [item], item };
			const result = runInNewContext(`(async () => { ${code} })()`, {
				$input: { all: () => [item], first: () => item },
				$: () => anyNode,
				$execution: { id: '4711' },
			});
			return Promise.resolve(result).then((out: Array<{ json: Record<string, any> }>) => {
				const text = JSON.stringify(out);
				expect(text).not.toContain('db.internal.example');
				expect(text).not.toContain('mk_admin');
				expect(text).toContain('execution 4711');
			});
		});

		it('an error about the caller\'s own input (it names a field) is kept', () => {
			const [, , code] = responders.find(([f, n]) => f === 'api/contacts.json' && n === 'Sync response')!;
			const item = { json: { error: 'Partner name (partner.customer) is required', field: 'partner.customer' } };
			const out = runInNewContext(`(() => { ${code} })()`, {
				$input: { all: () => [item], first: () => item },
				$: (name: string) => ({ first: () => ({ json: { body: name === 'POST contacts/sync' ? { contact: {} } : {} } }), all: () => [{ json: { id: 'c-1' } }] }),
				$execution: { id: '4711' },
			});
			expect(out[0].json).toMatchObject({ statusCode: 400, body: { success: false, error: 'Partner name (partner.customer) is required', field: 'partner.customer' } });
		});
	});
});
