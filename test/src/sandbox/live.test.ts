// The npm run test:live code path, pointed at a second sandbox standing in for the real company.
import { startSandbox, type Sandbox } from '../../../src/sandbox';
import { checkHost, configFromEnv, runLive } from './live';

let real: Sandbox;
beforeAll(async () => {
	real = await startSandbox({ port: 0, companyId: '77', secretKey: 'live-test-secret' });
});
afterAll(async () => real?.close());

const config = () => ({ url: real.baseUrl, companyId: '77', secretKey: 'live-test-secret', tag: 'LT1' });

it('never runs without its env vars, and refuses the production host unless told', () => {
	expect(() => configFromEnv({})).toThrow('npm run test:live needs MK_LIVE_URL, MK_LIVE_COMPANY_ID, MK_LIVE_SECRET_KEY');
	const prod = { url: 'https://main.metakocka.si', companyId: '1', secretKey: 'k' };
	expect(() => checkHost(prod)).toThrow('production host main.metakocka.si');
	expect(() => checkHost({ ...prod, url: 'https://MAIN.metakocka.si/rest/' })).toThrow('production host');
	expect(checkHost({ ...prod, allowProduction: true }).hostname).toBe('main.metakocka.si');
	expect(checkHost({ ...prod, url: 'https://devmainsi.metakocka.si' }).hostname).toBe('devmainsi.metakocka.si');
	expect(configFromEnv({ MK_LIVE_URL: 'https://devmainsi.metakocka.si', MK_LIVE_COMPANY_ID: '5', MK_LIVE_SECRET_KEY: 's', MK_LIVE_ALLOW_PRODUCTION: 'yes' }).allowProduction).toBe(true);
});

it('replays every example on both sides, finds no difference between two sandboxes, writes only tagged records and deletes what it may', async () => {
	const lines: string[] = [];
	const docsBefore = Object.values(real.store('77').documents).flat().map((d) => d.mk_id);
	const productsBefore = real.store('77').products.map((p) => p.mk_id);
	const report = await runLive(config(), (l) => lines.push(l));
	expect(report.replayed).toBeGreaterThan(100);
	expect(report.realProblems).toEqual([]);
	expect(report.differences).toEqual([]);

	const state = real.store('77');
	const newDocs = Object.values(state.documents).flat().filter((d) => !docsBefore.includes(d.mk_id));
	// Only what the API cannot delete stays (bills, offers, …), all tagged; sales orders and warehouse documents are gone.
	expect(newDocs.length).toBeGreaterThan(0);
	// Tagged by count_code, or by title where Metakocka numbers the document itself.
	for (const d of newDocs) expect(`${String(d.count_code)} | ${String(d.title)}`).toMatch(/^LT1|\| LT1/);
	expect(newDocs.some((d) => d.doc_type === 'sales_order' || String(d.doc_type).startsWith('warehouse_'))).toBe(false);
	// Products still on a bill cannot be deleted [DOC:product_concept.md]: they stay, tagged and reported.
	const leftCodes = report.leftovers.map((l) => l.count_code);
	for (const p of state.products.filter((x) => !productsBefore.includes(x.mk_id))) {
		expect(p.count_code).toMatch(/^LT1/);
		expect(leftCodes).toContain(p.count_code);
	}
	expect(report.leftovers.length).toBeGreaterThan(0);
	expect(lines.join('\n')).toContain('every record written is tagged "LT1"');
}, 120_000);

it('prints the difference when the real answer differs', async () => {
	real.injectFault({ method: 'warehouse_list', kind: 'opr_error', times: 1 });
	const lines: string[] = [];
	const report = await runLive({ ...config(), tag: 'LT2', only: 'warehouse_list' }, (l) => lines.push(l));
	expect(report.differences.map((d) => d.name)).toContain('warehouse_list.json # 1.1 Warehouse list');
	expect(lines.join('\n')).toMatch(/opr_code: sandbox 0, real \d/);
}, 60_000);
