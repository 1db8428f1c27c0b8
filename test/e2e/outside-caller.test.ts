// An outside caller against every example webhook (examples/*.json and examples/api/*.json), activated
// in a real n8n as a user would after `npm start`: without the Header Auth token, with a wrong one, or
// with the token in another header, n8n answers 403, starts no execution, and nothing reaches
// Metakocka (sandbox call counters), Postgres (row counts of every table in the suite's schema) or the
// model (OpenAI stub requests). The same call with the token does write (so the check can see a write).
// The API workflows answer an internal error with the execution id, not the error text.
import { randomBytes } from 'crypto';
import { readdirSync } from 'fs';
import { join } from 'path';
import type { Pool } from 'pg';

import { adaptWorkflow, readExample, ROOT, type N8nClient, type WorkflowJson } from '../../scripts/e2e/harness';
import { client, importAndActivate, pinnedSample, pool, sandbox, stack, uniqueCrmSample, type Stack } from './helpers';

const FILES = [
	...readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.json')),
	...readdirSync(join(ROOT, 'examples', 'api'))
		.filter((f) => f.endsWith('.json'))
		.map((f) => `api/${f}`),
];

interface Hook {
	file: string;
	node: string;
	path: string;
	methods: string[];
	body: unknown;
}

describe('e2e: an outside caller and the example webhooks', () => {
	let s: Stack;
	let n8n: N8nClient;
	let db: Pool;
	let schema: string;
	const run = randomBytes(3).toString('hex');
	const workflowIds: Record<string, string> = {};
	const hooks: Hook[] = [];

	// A payload that would write or spend if it got through: the examples' own samples, else a contact.
	const contact = { id: `outside-${run}`, name: `Outside caller ${run} d.o.o.`, email: `outside-${run}@example.si`, city: 'Ljubljana', country: 'Slovenia', isCompany: true };
	const bodyFor = (workflow: WorkflowJson, node: string, path: string): unknown => {
		const pinned = (workflow.pinData as Record<string, unknown> | undefined)?.[node];
		// crm-sync's sample made unique: the authenticated control call below really writes it.
		if (pinned && /crm-sync/.test(path)) return uniqueCrmSample(pinnedSample(workflow, node), run);
		if (pinned) return pinnedSample(workflow, node);
		if (/contacts\/sync/.test(path)) return { contacts: [contact] };
		if (/sales-documents\/sync/.test(path)) return { documents: [{ id: `outside-o-${run}`, contactId: contact.id, date: '2026-08-20', lines: [{ code: 'VIJ-M8-50', amount: 1, price: 1, tax: 'EX4' }] }] };
		if (/emails/.test(path)) return { emailId: `outside-e-${run}`, prompt: 'Reply.', email: { from: 'janez.novak@kovinarstvo-novak.si', subject: 'Ponudba PON-1001', text: 'Ali ponudba PON-1001 še velja?' }, name: `outside-${run}`, subject: 's', body: 'b' };
		return { since: '2026-01-01T00:00:00Z' };
	};

	const callHook = async (hook: Hook, method: string, headers: Record<string, string>) => {
		const url = new URL(`${s.url}/webhook/${hook.path}`);
		if (method === 'GET') url.searchParams.set('emailId', `outside-e-${run}`);
		const started = Date.now();
		for (;;) {
			const response = await fetch(url, {
				method,
				headers: { ...(method === 'GET' ? {} : { 'content-type': 'application/json' }), ...headers },
				body: method === 'GET' ? undefined : JSON.stringify(hook.body),
			});
			const text = await response.text();
			// Just after activation n8n may not have registered the path yet.
			if (response.status === 404 && /not registered/.test(text) && Date.now() - started < 30000) {
				await new Promise((r) => setTimeout(r, 300));
				continue;
			}
			return { status: response.status, text };
		}
	};

	/** Rows in every table of the suite's schema. */
	const rowCounts = async (): Promise<Record<string, number>> => {
		const tables = await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [schema]);
		const counts: Record<string, number> = {};
		for (const { table_name } of tables.rows) counts[table_name] = (await db.query(`SELECT count(*)::int AS n FROM "${schema}"."${table_name}"`)).rows[0].n;
		return counts;
	};
	const stubRoot = () => s.openai!.baseUrl.replace(/\/v1$/, '');
	const modelCalls = async () => ((await (await fetch(`${stubRoot()}/__stub/requests`)).json()) as unknown[]).length;
	const executionCount = async () => {
		let n = 0;
		for (const id of Object.values(workflowIds)) n += (await n8n.executions(id, 100)).length;
		return n;
	};

	beforeAll(async () => {
		s = stack();
		n8n = client(s);
		db = pool(s);
		schema = `${s.schema}_outside`;
		await db.query(`CREATE SCHEMA "${schema}"`);
		for (const file of FILES) {
			const original = readExample(file);
			const webhooks = original.nodes.filter((n) => n.type === 'n8n-nodes-base.webhook' && !n.disabled);
			if (!webhooks.length) continue;
			// Paths of their own, so this suite's copies never clash with another suite's activated ones.
			const patch: Record<string, (node: any) => any> = {};
			for (const w of webhooks) patch[w.name] = (node) => ({ ...node, webhookId: undefined, parameters: { ...node.parameters, path: `outside-${run}/${node.parameters.path}` } });
			const workflow = adaptWorkflow(original, { credentials: s.credentials, schema, patch, name: `outside caller: ${file}` });
			for (const w of workflow.nodes.filter((n) => n.type === 'n8n-nodes-base.webhook' && !n.disabled)) {
				const methods = Array.isArray(w.parameters.httpMethod) ? (w.parameters.httpMethod as string[]) : [String(w.parameters.httpMethod ?? 'GET')];
				hooks.push({ file, node: w.name, path: String(w.parameters.path), methods, body: bodyFor(workflow, w.name, String(w.parameters.path)) });
			}
			workflowIds[file] = await importAndActivate(n8n, workflow);
		}
	});

	afterAll(async () => {
		for (const id of Object.values(workflowIds)) await n8n.deactivate(id).catch(() => undefined);
		await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
		await db.end();
	});

	it('every example with a webhook was activated: crm-sync, the email example and the five API workflows', () => {
		expect(Object.keys(workflowIds).sort()).toEqual(['api/contacts.json', 'api/emails-ai-context.json', 'api/emails-metakocka.json', 'api/emails-templates.json', 'api/sales-documents.json', 'crm-sync.json', 'email-enrich-reply.json']);
		expect(hooks.length).toBeGreaterThanOrEqual(11);
	});

	it('without the token, with a wrong one or in another header: 403, no execution, nothing written, no model call', async () => {
		await sandbox.post('counters/reset');
		const rowsBefore = await rowCounts();
		const modelBefore = await modelCalls();
		const executionsBefore = await executionCount();
		const token = s.webhookAuth.value;
		const attempts: Array<[string, Record<string, string>]> = [
			['no header', {}],
			['wrong token', { authorization: `${token.slice(0, -2)}00` }],
			['token in another header', { 'x-api-key': token }],
			['empty bearer', { authorization: 'Bearer ' }],
		];
		const answers: string[] = [];
		for (const hook of hooks) {
			for (const method of hook.methods) {
				for (const [label, headers] of attempts) {
					const reply = await callHook(hook, method, headers);
					answers.push(`${hook.file} ${method} ${hook.path} (${label}): ${reply.status}`);
					expect({ hook: `${hook.file} ${method} ${hook.path}`, label, status: reply.status }).toEqual({ hook: `${hook.file} ${method} ${hook.path}`, label, status: 403 });
					expect(reply.text).not.toMatch(/metakocka|partner|mk_id/i);
				}
			}
		}
		expect(answers.length).toBeGreaterThanOrEqual(44);
		const counters = await sandbox.get<Record<string, number>>('counters');
		const metakockaCalls = Object.entries(counters).filter(([k]) => !k.startsWith('__')).reduce((sum, [, v]) => sum + v, 0);
		expect({ metakockaCalls, writes: counters.__writes_applied ?? 0 }).toEqual({ metakockaCalls: 0, writes: 0 });
		expect(await rowCounts()).toEqual(rowsBefore);
		expect(await modelCalls()).toBe(modelBefore);
		expect(await executionCount()).toBe(executionsBefore);
	});

	it('the same call with the token runs: crm-sync writes partners and orders (the check above can see a write)', async () => {
		await sandbox.post('counters/reset');
		const hook = hooks.find((h) => h.file === 'crm-sync.json')!;
		const reply = await callHook(hook, 'POST', { authorization: s.webhookAuth.value });
		expect(reply.status).toBe(200);
		const counters = await sandbox.get<Record<string, number>>('counters');
		expect(counters.__writes_applied ?? 0).toBeGreaterThan(0);
		const rows = await rowCounts();
		expect(rows.metakocka_contact_mappings).toBeGreaterThan(0);
	});

	it('an API workflow answers an internal error with the execution id, not the error text (which names the database user)', async () => {
		const user = `mk_outside_user_${run}`;
		const badPostgres = await n8n.ensureCredential({
			name: `Postgres with a wrong user (outside ${run})`,
			type: 'postgres',
			data: { host: s.postgres.host, port: s.postgres.port, database: s.postgres.database, user, password: 'wrong', ssl: 'disable', allowUnauthorizedCerts: false, maxConnections: 2 },
		});
		const original = readExample(join(ROOT, 'examples', 'api', 'contacts.json'));
		const path = `outside-${run}/broken/api/metakocka/contacts/mappings`;
		const workflow = adaptWorkflow(original, {
			credentials: { ...s.credentials, postgres: badPostgres },
			schema,
			name: `outside caller: contacts with a broken Postgres credential`,
			patch: Object.fromEntries(
				original.nodes
					.filter((n) => n.type === 'n8n-nodes-base.webhook')
					.map((n) => [n.name, (node: any) => ({ ...node, webhookId: undefined, parameters: { ...node.parameters, path: `outside-${run}/broken/${node.parameters.path}` } })]),
			),
		});
		const id = await importAndActivate(n8n, workflow);
		try {
			const reply = await callHook({ file: 'api/contacts.json', node: 'GET contacts/mappings', path, methods: ['GET'], body: undefined }, 'GET', { authorization: s.webhookAuth.value });
			expect(reply.status).toBe(500);
			expect(reply.text).not.toContain(user);
			expect(reply.text).not.toContain(`${s.postgres.host}:${s.postgres.port}`);
			const m = /Internal error: see execution (\d+) in n8n/.exec(reply.text);
			expect(m).not.toBeNull();
			// The id is the execution that holds the real error.
			const execution = await n8n.execution(m![1]);
			expect(JSON.stringify(execution.runData)).toContain(user);
		} finally {
			await n8n.deactivate(id).catch(() => undefined);
			await n8n.deleteWorkflow(id).catch(() => undefined);
			await n8n.request('DELETE', `/rest/credentials/${badPostgres.id}`).catch(() => undefined);
		}
	});
});
