// npm run test:live: the doc replay and the conformance probes against a real Metakocka test company
// AND the sandbox, side by side; every difference between the two answers is printed. Opt-in only
// (env vars), refuses the production host unless told, writes only tagged records and deletes what
// Metakocka lets the API delete. Its code path is tested against a sandbox (live.test.ts).
import { startSandbox } from '../../../src/sandbox';
import { diffAnswers, loadPairs, post, replay, World, type Json, type Target } from './docReplay';

export const PRODUCTION_HOST = 'main.metakocka.si';

export interface LiveConfig {
	url: string;
	companyId: string;
	secretKey: string;
	/** Explicit consent to run against main.metakocka.si. */
	allowProduction?: boolean;
	/** Tag for every record written (short: product code is char 20). Default: N8T + 3 random characters. */
	tag?: string;
	/** Only replay doc examples whose file or heading contains this. */
	only?: string;
}

export interface LiveReport {
	tag: string;
	replayed: number;
	/** Per example / probe: what differs between the sandbox's answer and the real one. */
	differences: Array<{ name: string; diff: string[] }>;
	/** Answers of the real company that break the docs' wire rules (non-string scalars, errors). */
	realProblems: Array<{ name: string; problems: string[] }>;
	/** Records Metakocka does not let the API delete (bills, offers, partners): remove them by hand. */
	leftovers: Json[];
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): LiveConfig {
	const missing = ['MK_LIVE_URL', 'MK_LIVE_COMPANY_ID', 'MK_LIVE_SECRET_KEY'].filter((k) => !env[k]);
	if (missing.length) {
		throw new Error(`npm run test:live needs ${missing.join(', ')} (see docs/live-testing.md); it never runs without them`);
	}
	return {
		url: env.MK_LIVE_URL!,
		companyId: env.MK_LIVE_COMPANY_ID!,
		secretKey: env.MK_LIVE_SECRET_KEY!,
		allowProduction: env.MK_LIVE_ALLOW_PRODUCTION === 'yes',
		tag: env.MK_LIVE_TAG,
		only: env.MK_LIVE_ONLY,
	};
}

/** Refuses main.metakocka.si (the production host) unless allowProduction is set. */
export function checkHost(config: LiveConfig): URL {
	let url: URL;
	try {
		url = new URL(config.url);
	} catch {
		throw new Error(`MK_LIVE_URL is not a URL: ${JSON.stringify(config.url)}`);
	}
	if (url.hostname.toLowerCase() === PRODUCTION_HOST && !config.allowProduction) {
		throw new Error(`MK_LIVE_URL is the production host ${PRODUCTION_HOST}: use your test host (e.g. https://devmainsi.metakocka.si), or set MK_LIVE_ALLOW_PRODUCTION=yes to write tagged test records there`);
	}
	return url;
}

type Probe = { name: string; run: (t: Target, world: World) => Promise<Json> };

/**
 * Conformance probes for behaviour the package relies on (issue 12): each returns what it observed,
 * normalised to be comparable between two companies (ids and codes replaced).
 */
export const PROBES: Probe[] = [
	{
		name: 'update_document on a bill: other fields ignored, "" clears the status',
		run: async (t, w) => {
			const bill = await w.document('sales_bill_domestic', 'probe-bill', { status_code: undefined });
			const upd = await post(t, 'update_document', { doc_type: 'sales_bill_domestic', mk_id: bill.mk_id, notes: `${w.tag} ignored` });
			const afterNotes = (await post(t, 'get_document', { doc_type: 'sales_bill_domestic', doc_id: bill.mk_id })).json ?? {};
			await post(t, 'update_document', { doc_type: 'sales_bill_domestic', mk_id: bill.mk_id, status_code: '' });
			const afterClear = (await post(t, 'get_document', { doc_type: 'sales_bill_domestic', doc_id: bill.mk_id })).json ?? {};
			return { update_opr_code: upd.json?.opr_code, notes_applied: afterNotes.notes !== undefined, status_after_clear: afterClear.status_desc ?? afterClear.status_code ?? null };
		},
	},
	{
		name: 'update_document on an offer (no update page): answer and effect',
		run: async (t, w) => {
			const offer = await w.document('sales_offer', 'probe-offer');
			const upd = await post(t, 'update_document', { doc_type: 'sales_offer', mk_id: offer.mk_id, title: `${w.tag} changed` });
			const after = (await post(t, 'get_document', { doc_type: 'sales_offer', doc_id: offer.mk_id })).json ?? {};
			return { opr_code: upd.json?.opr_code ?? null, title_changed: after.title === `${w.tag} changed` };
		},
	},
	{
		name: 'put_document with mk_id and no status_code: status afterwards',
		run: async (t, w) => {
			const order = await w.document('sales_order', 'probe-replace', { status_code: undefined });
			const before = (await post(t, 'get_document', { doc_type: 'sales_order', doc_id: order.mk_id })).json ?? {};
			const line = { code: await w.product('art1'), amount: '2', price: '50', tax: 'EX4' };
			const put = await post(t, 'put_document', { doc_type: 'sales_order', mk_id: order.mk_id, doc_date: '2024-11-23+02:00', partner: w.partnerBlock(), product_list: [line] });
			const after = (await post(t, 'get_document', { doc_type: 'sales_order', doc_id: order.mk_id })).json ?? {};
			return { opr_code: put.json?.opr_code, had_status: (before.status_desc ?? before.status_code) !== undefined, status_after: (after.status_desc ?? after.status_code) !== undefined };
		},
	},
	{
		name: 'put_document: a line without tax / tax_factor',
		run: async (t, w) => {
			const r = await post(t, 'put_document', { doc_type: 'sales_order', count_code: `${w.tag}-notax`, doc_date: '2024-11-23+02:00', partner: w.partnerBlock(), product_list: [{ code: await w.product('art1'), amount: '1', price: '1' }] });
			if (r.json?.opr_code === '0') w.created.push({ method: 'delete_document', body: { doc_type: 'sales_order', mk_id: r.json.mk_id } });
			return { refused: r.json?.opr_code !== '0' };
		},
	},
	{
		name: 'product_add: a 21-character code',
		run: async (t, w) => {
			const code = `${w.tag}${'X'.repeat(21)}`.slice(0, 21);
			const r = await post(t, 'product_add', { count_code: code, code, name: `${w.tag} long code`, unit: 'kos' });
			if (r.json?.opr_code === '0') w.created.push({ method: 'product_delete', body: { count_code: code } });
			return { refused: r.json?.opr_code !== '0' };
		},
	},
	{
		name: 'product_list: title without search_with_like matches by part',
		run: async (t, w) => {
			await w.product('title-probe');
			const r = await post(t, 'product_list', { title: `${w.tag} title-pro`, limit: '5' });
			return { count: r.json?.product_list_count ?? null };
		},
	},
	{
		name: 'search order_direction and last_change_from on sales_bill_domestic (undocumented there)',
		run: async (t, w) => {
			const r = await post(t, 'search', { doc_type: 'sales_bill_domestic', query: w.tag, order_direction: 'desc', query_advance: [{ type: 'last_change_from', value: '2024-01-01T00:00:00+01:00' }] });
			return { opr_code: r.json?.opr_code ?? null, opr_desc: r.json?.opr_desc ?? null };
		},
	},
];

/** Compares shapes the same way on both sides, dropping ids that differ by nature. */
function stripIds(v: unknown): unknown {
	if (Array.isArray(v)) return v.map(stripIds);
	if (v && typeof v === 'object') {
		return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, /(^|_)(mk_id|count_code|time|ts|token)$|opr_time/.test(k) ? '' : stripIds(x)]));
	}
	return v;
}

export async function runLive(config: LiveConfig, log: (line: string) => void = console.log): Promise<LiveReport> {
	checkHost(config);
	const tag = (config.tag ?? `N8T${Math.random().toString(36).slice(2, 5).toUpperCase()}`).slice(0, 8);
	const real: Target = { baseUrl: `${new URL(config.url).origin}`, companyId: config.companyId, secretKey: config.secretKey };
	const sandbox = await startSandbox({ port: 0 });
	const local: Target = { baseUrl: sandbox.baseUrl, companyId: '16', secretKey: 'sandbox-secret' };
	const realWorld = new World(real, tag);
	const localWorld = new World(local, tag);
	const report: LiveReport = { tag, replayed: 0, differences: [], realProblems: [], leftovers: [] };
	log(`Metakocka live check against ${real.baseUrl} (company ${config.companyId}); every record written is tagged "${tag}"`);
	try {
		const pairs = loadPairs().filter((p) => !config.only || p.file.includes(config.only) || p.heading.includes(config.only));
		for (const pair of pairs) {
			const name = `${pair.file} # ${pair.heading}`;
			let mine;
			let theirs;
			try {
				theirs = await replay(realWorld, pair);
				mine = await replay(localWorld, pair);
			} catch (error) {
				report.realProblems.push({ name, problems: [`setup failed: ${(error as Error).message}`] });
				continue;
			}
			report.replayed++;
			if (theirs.problems.length) report.realProblems.push({ name, problems: theirs.problems });
			const diff = diffAnswers(stripIds(mine.answer ?? { contentType: mine.contentType }), stripIds(theirs.answer ?? { contentType: theirs.contentType }));
			const codes = mine.answer?.opr_code !== theirs.answer?.opr_code ? [`opr_code: sandbox ${String(mine.answer?.opr_code)}, real ${String(theirs.answer?.opr_code)} ${String(theirs.answer?.opr_desc ?? '')}`] : [];
			if (diff.length || codes.length) report.differences.push({ name, diff: [...codes, ...diff.map((d) => d.replace('first answer', 'sandbox').replace('second answer', 'real answer'))] });
		}
		for (const probe of PROBES) {
			let observedReal: Json;
			let observedLocal: Json;
			try {
				observedReal = await probe.run(real, realWorld);
				observedLocal = await probe.run(local, localWorld);
			} catch (error) {
				report.realProblems.push({ name: `probe: ${probe.name}`, problems: [(error as Error).message] });
				continue;
			}
			const diff = Object.keys({ ...observedReal, ...observedLocal })
				.filter((k) => JSON.stringify(observedReal[k]) !== JSON.stringify(observedLocal[k]))
				.map((k) => `${k}: sandbox ${JSON.stringify(observedLocal[k])}, real ${JSON.stringify(observedReal[k])}`);
			if (diff.length) report.differences.push({ name: `probe: ${probe.name}`, diff });
		}
	} finally {
		report.leftovers = await realWorld.cleanup();
		await localWorld.cleanup();
		await sandbox.close();
	}
	log(`${report.replayed} documented examples and ${PROBES.length} probes run; ${report.differences.length} with differences:`);
	for (const d of report.differences) log(`- ${d.name}\n    ${d.diff.join('\n    ')}`);
	for (const p of report.realProblems) log(`! real answer problem, ${p.name}: ${p.problems.join('; ')}`);
	if (report.leftovers.length) log(`Records the API cannot delete (tagged ${tag}; remove them in Metakocka):\n${report.leftovers.map((l) => `  ${JSON.stringify(l)}`).join('\n')}`);
	return report;
}
