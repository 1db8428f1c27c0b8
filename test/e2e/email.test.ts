// User story 2: an email item as n8n's Email Trigger (IMAP) emits it → Metakocka Email Enricher →
// Metakocka AI Context (draft through n8n's OpenAI credential, pointed at the local OpenAI-compatible
// stub) → Metakocka Template (render the reply), the example workflow examples/email-enrich-reply.json
// in a real n8n. The item is posted to the example's test webhook (no mailbox on the test machine).
import { readFileSync } from 'fs';
import { join } from 'path';
import type { Pool } from 'pg';

import type { N8nClient } from '../../scripts/e2e/harness';
import { client, example, importAndActivate, pool, stack } from './helpers';

/** The IMAP fixture of the unit tests, with a seeded partner as sender and a seeded offer in the subject. */
function imapItem(): Record<string, any> {
	let raw = readFileSync(join(__dirname, '..', 'src', 'email', 'fixtures', 'imap-simple.json'), 'utf8');
	raw = raw.split('janez.novak@podjetje.si').join('janez.novak@kovinarstvo-novak.si');
	raw = raw.split('Naročilo - vijaki M8 (ponudba 2024-00123)').join('Naročilo - vijaki M8 (ponudba PON-1001)');
	return JSON.parse(raw);
}

describe('e2e: email → Email Enricher → AI Context → Template reply (examples/email-enrich-reply.json)', () => {
	let n8n: N8nClient;
	let db: Pool;
	let workflowId: string;

	beforeAll(async () => {
		n8n = client();
		db = pool();
		workflowId = await importAndActivate(n8n, example('email-enrich-reply.json'));
	});
	afterAll(async () => {
		await n8n.deactivate(workflowId).catch(() => undefined);
		await db.end();
	});

	it('links the email to the verified partner and offer, drafts with the model and renders a reply with them', async () => {
		const s = stack();
		const stubRoot = s.openai!.baseUrl.replace(/\/v1$/, '');
		await fetch(`${stubRoot}/__stub/reset`, { method: 'POST' });
		const email = imapItem();
		const response = await n8n.webhook('metakocka-email', email);
		expect(response.status).toBe(200);
		expect(response.json.subject).toBe(`Re: ${email.subject}`);
		expect(response.json.body).toContain('Spoštovani Kovinarstvo Novak d.o.o.,');
		// The draft came from the model (the stub names the partner it found in the context it was sent).
		expect(response.json.body).toContain('Hvala za vaše sporočilo, Kovinarstvo Novak d.o.o.: naročilo pripravljamo.');
		expect(response.json.body).toMatch(/- PON-1001 \(sales_offer\)/);
		// The look-alike numbers in the text are not in Metakocka, so they are not linked.
		expect(response.json.body).not.toContain('2024-00123');

		const [execution] = await n8n.executions(workflowId);
		const run = await n8n.execution(execution.id);
		expect(run.status).toBe('success');
		const enriched = run.runData['Metakocka Email Enricher'][0].metakocka as Record<string, any>;
		expect(enriched.messageId).toBe('<CAF8x7=Yq2m@mail.podjetje.si>');
		expect(enriched.partners).toEqual([expect.objectContaining({ label: 'Kovinarstvo Novak d.o.o.', count_code: '1001' })]);
		expect(enriched.documents.map((d: any) => d.count_code)).toEqual(['PON-1001']);
		expect(enriched.linksAdded).toBe(2);
		const drafted = run.runData['Metakocka AI Context'][0];
		expect(drafted.model).toBe('gpt-4o-mini');
		expect(String(drafted.contextText)).toContain('PON-1001');

		// What n8n's OpenAI credential sent to the model: the context, the email fenced, no Metakocka secret.
		const requests = (await (await fetch(`${stubRoot}/__stub/requests`)).json()) as Array<{ path: string; headers: any; body: any }>;
		const chats = requests.filter((r) => r.path === '/v1/chat/completions');
		expect(chats).toHaveLength(1);
		expect(chats[0].headers.authorization).toBe('present');
		const sent = JSON.stringify(chats[0].body.messages);
		expect(sent).toContain('Kovinarstvo Novak d.o.o.');
		expect(sent).toContain('PON-1001');
		expect(sent).not.toContain(s.sandbox.secretKey);

		// This email's links (other suites enrich other emails into the same schema).
		const MESSAGE_ID = '<CAF8x7=Yq2m@mail.podjetje.si>';
		const links = await db.query(
			`SELECT 'contact' AS kind FROM "${s.schema}".email_metakocka_contact_mappings WHERE message_id = $1 UNION ALL SELECT 'document' FROM "${s.schema}".email_metakocka_document_mappings WHERE message_id = $1`,
			[MESSAGE_ID],
		);
		expect(links.rows.map((r) => r.kind).sort()).toEqual(['contact', 'document']);

		// The same email again: the same reply, no link added twice.
		const again = await n8n.webhook('metakocka-email', email);
		expect(again.json.body).toBe(response.json.body);
		const linksAfter = await db.query(`SELECT count(*)::int AS n FROM "${s.schema}".email_metakocka_document_mappings WHERE message_id = $1`, [MESSAGE_ID]);
		expect(linksAfter.rows[0].n).toBe(1);
	});

});
