// The n8n editor renders the package's nodes: headless Debian Chromium (driven by playwright-core)
// opens the example workflows in the real editor, saves screenshots under test-output/e2e/, and
// checks that each Metakocka node shows with its name and its icon (loaded), not as n8n's
// "node not installed" placeholder. A control workflow with a node type the package does not have
// shows that the same check does fail on a missing node. Then what a newcomer does first: the node
// picker's search finds each of the 8 nodes by its own name, and the crm-sync example runs from the
// editor's main "Execute workflow" button (with the sample pinned on its webhook), twice.
import { mkdirSync } from 'fs';
import { join } from 'path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

import { adaptWorkflow, readExample, type N8nClient, type WorkflowJson } from '../../scripts/e2e/harness';
import { CHROMIUM_ARGS, ensureChromium } from '../../scripts/e2e/ensure-chromium';
import { client, example, OUTPUT_DIR, pinnedSample, pool, sandbox, stack, uniqueCrmSample } from './helpers';

// The 8 nodes as the picker names them.
const NODE_NAMES = [
	'Metakocka AI Context',
	'Metakocka Contact',
	'Metakocka Email Enricher',
	'Metakocka Product',
	'Metakocka Sales Document',
	'Metakocka Template',
	'Metakocka Trigger',
	'Metakocka Webhook Trigger',
];

interface NodeView {
	name: string;
	found: boolean;
	visible: boolean;
	text: string;
	notInstalled: boolean;
	iconSrc: string | null;
	iconLoaded: boolean;
}

describe('e2e: the n8n editor renders the Metakocka nodes', () => {
	let n8n: N8nClient;
	let browser: Browser;
	let context: BrowserContext;
	const created: string[] = [];

	beforeAll(async () => {
		const executablePath = ensureChromium();
		n8n = client();
		const s = stack();
		browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
		context = await browser.newContext({ viewport: { width: 1680, height: 900 } });
		// The session of the harness's login: its cookie, and the browser id the cookie was issued for.
		await context.addInitScript(`localStorage.setItem('n8n-browserId', ${JSON.stringify(s.browserId)})`);
		const [name, value] = s.cookie.split('=');
		await context.addCookies([{ name, value, domain: '127.0.0.1', path: '/', httpOnly: true, sameSite: 'Lax' }]);
		mkdirSync(OUTPUT_DIR, { recursive: true });
	});
	afterAll(async () => {
		await browser?.close();
		for (const id of created) await n8n.deleteWorkflow(id).catch(() => undefined);
	});

	async function open(workflow: WorkflowJson, screenshot: string): Promise<{ page: Page; views: NodeView[] }> {
		const { id } = await n8n.createWorkflow(workflow);
		created.push(id);
		const page = await context.newPage();
		await page.goto(`${stack().url}/workflow/${id}`, { waitUntil: 'domcontentloaded' });
		await page.waitForSelector('[data-test-id="canvas-node"]', { timeout: 60000 });
		await page.waitForLoadState('networkidle').catch(() => undefined);
		const names = workflow.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote').map((n) => n.name);
		// Icons are <img> (community icons are served by n8n under /icons/<package>/...); wait until they settle.
		await page.waitForFunction(`[...document.querySelectorAll('[data-test-id="canvas-node"] img')].every((i) => i.complete)`, undefined, { timeout: 20000 }).catch(() => undefined);
		await page.screenshot({ path: join(OUTPUT_DIR, screenshot), fullPage: true });
		// Runs in the page (a string, so the test compiles without the DOM types).
		const views = (await page.evaluate(`(${JSON.stringify(names)}).map((name) => {
			const el = [...document.querySelectorAll('[data-test-id="canvas-node"]')].find((n) => n.getAttribute('data-node-name') === name);
			const img = el ? el.querySelector('img') : null;
			const box = el ? el.getBoundingClientRect() : null;
			return {
				name,
				found: Boolean(el),
				visible: Boolean(box && box.width > 0 && box.height > 0),
				text: el ? ((el.closest('.vue-flow__node') || el).textContent || '') : '',
				notInstalled: Boolean(el && el.querySelector('[data-test-id="node-not-installed"]')),
				iconSrc: img ? img.getAttribute('src') : null,
				iconLoaded: Boolean(img && img.complete && img.naturalWidth > 0),
			};
		})`)) as NodeView[];
		return { page, views };
	}

	const ours = (workflow: WorkflowJson) => workflow.nodes.filter((n) => n.type.startsWith('n8n-nodes-metakocka.')).map((n) => n.name);

	it.each([
		['crm-sync.json', 'editor-crm-sync.png'],
		['email-enrich-reply.json', 'editor-email-enrich-reply.png'],
		['scheduled-import.json', 'editor-scheduled-import.png'],
		['metakocka-trigger.json', 'editor-metakocka-trigger.png'],
	])('%s: every Metakocka node shows its name and icon', async (file, screenshot) => {
		const workflow = { ...example(file), name: `editor check: ${file}` };
		const { page, views } = await open(workflow, screenshot);
		try {
			const metakocka = views.filter((v) => ours(workflow).includes(v.name));
			expect(metakocka.length).toBeGreaterThan(0);
			for (const view of metakocka) {
				expect(view).toMatchObject({ found: true, visible: true, notInstalled: false, iconLoaded: true });
				expect(view.text).toContain(view.name);
				expect(view.iconSrc).toContain('icons/n8n-nodes-metakocka/');
			}
			expect(await page.locator('[data-test-id="node-not-installed"]').count()).toBe(0);
		} finally {
			await page.close();
		}
	});

	it('the same check flags a node type the package does not have (control)', async () => {
		const workflow = example('crm-sync.json');
		const control: WorkflowJson = {
			...workflow,
			name: 'editor check: control with a missing node type',
			nodes: workflow.nodes.map((n) => (n.name === 'Metakocka Contact' ? { ...n, type: 'n8n-nodes-metakocka.metakockaNoSuchNode' } : n)),
		};
		const { page, views } = await open(control, 'editor-control-missing-node.png');
		try {
			const missing = views.find((v) => v.name === 'Metakocka Contact')!;
			expect(missing.found).toBe(true);
			// What the assertion above would have caught: the placeholder, and no Metakocka icon.
			expect(missing.notInstalled || !missing.iconSrc?.includes('icons/n8n-nodes-metakocka/')).toBe(true);
			const present = views.find((v) => v.name === 'Metakocka Sales Document')!;
			expect(present).toMatchObject({ notInstalled: false, iconLoaded: true });
		} finally {
			await page.close();
		}
	});

	describe('what a newcomer does first', () => {
		let page: Page;
		let workflowId: string;
		let schema: string;

		beforeAll(async () => {
			// crm-sync with a sample of this run's own (names, ids, emails), so it adopts nothing another suite created.
			// Its own schema too: the sync suite checks the mapping rows of the shared one.
			const run = Date.now().toString(36);
			const s = stack();
			schema = `${s.schema}_editor`;
			const db = pool(s);
			await db.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
			await db.end();
			const workflow = adaptWorkflow(readExample('crm-sync.json'), { credentials: s.credentials, schema, name: 'editor check: crm-sync from the Execute button' });
			const sample = uniqueCrmSample(pinnedSample(workflow, 'CRM webhook'), run);
			const pinned = (workflow.pinData as Record<string, Array<{ json: Record<string, unknown> }>>)['CRM webhook'];
			workflow.pinData = { 'CRM webhook': [{ json: { ...pinned[0].json, body: sample } }] };
			workflowId = (await n8n.createWorkflow(workflow)).id;
			created.push(workflowId);
			page = await context.newPage();
			await page.goto(`${stack().url}/workflow/${workflowId}`, { waitUntil: 'domcontentloaded' });
			await page.waitForSelector('[data-test-id="canvas-node"]', { timeout: 60000 });
			await page.waitForLoadState('networkidle').catch(() => undefined);
		});
		afterAll(async () => {
			await page?.close();
			const db = pool(stack());
			await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
			await db.end();
		});

		/** Types into the picker's search box (opened with the canvas "+" button); the names it lists. */
		async function pickerSearch(query: string): Promise<string[]> {
			const search = page.locator('[data-test-id="node-creator-search-bar"]');
			if (!(await search.isVisible().catch(() => false))) {
				await page.locator('[data-test-id="node-creator-plus-button"]').first().click();
				await search.waitFor({ state: 'visible', timeout: 15000 });
			}
			await search.fill('');
			await search.fill(query);
			const names = page.locator('[data-test-id="node-creator"] [data-test-id="node-creator-item-name"]');
			// The list follows the typing; wait until it has settled on results for this query.
			await page.waitForTimeout(400);
			await names.first().waitFor({ state: 'visible', timeout: 10000 }).catch(() => undefined);
			return (await names.allTextContents()).map((t) => t.trim());
		}

		it.each(NODE_NAMES)('the node picker finds "%s" by its name', async (name) => {
			const found = await pickerSearch(name);
			expect(found).toContain(name);
		});

		it('searching "Metakocka" lists all 8 nodes, and "AI Context" finds the AI Context node', async () => {
			const all = await pickerSearch('Metakocka');
			await page.screenshot({ path: join(OUTPUT_DIR, 'editor-picker-metakocka.png') });
			for (const name of NODE_NAMES) expect(all).toContain(name);
			expect(await pickerSearch('AI Context')).toContain('Metakocka AI Context');
			await page.keyboard.press('Escape');
		});

		it('crm-sync runs from the main Execute workflow button: first run creates, the second writes nothing', async () => {
			{
				const clickAndWait = async (knownIds: string[]) => {
					const button = page.locator('[data-test-id="execute-workflow-button"]');
					await expect(button.count()).resolves.toBe(1);
					await button.click();
					return await n8n.waitForExecution(workflowId, { knownIds, timeoutMs: 120000 });
				};
				await sandbox.post('counters/reset');
				const first = await clickAndWait([]);
				await page.screenshot({ path: join(OUTPUT_DIR, 'editor-crm-sync-executed.png') });
				expect(first).toMatchObject({ status: 'success', mode: 'manual' });
				const summary = first.runData.Summary[0] as { contacts: Array<{ status: string }>; orders: Array<{ status: string }> };
				expect(summary.contacts.map((c) => c.status)).toEqual(['created', 'created']);
				expect(summary.orders.map((o) => o.status)).toEqual(['created', 'created']);
				expect((await sandbox.get<Record<string, number>>('counters')).__writes_applied).toBeGreaterThanOrEqual(4);

				await sandbox.post('counters/reset');
				const second = await clickAndWait([first.id]);
				expect(second).toMatchObject({ status: 'success', mode: 'manual' });
				const again = second.runData.Summary[0] as typeof summary;
				expect([...again.contacts, ...again.orders].map((r) => r.status)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
				expect((await sandbox.get<Record<string, number>>('counters')).__writes_applied ?? 0).toBe(0);
				// The editor shows the run: every node of the chain has its success mark.
				const ok = await page.locator('[data-test-id="canvas-node"][data-node-name="Metakocka Sales Document"] [data-test-id="canvas-node-status-success"]').count();
				expect(ok).toBe(1);
			}
		});
	});
});
