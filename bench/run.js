#!/usr/bin/env node
// `npm run bench`: the package against a hand-built n8n workflow (bench/baseline/) and against the
// physical limit of the Metakocka API, in a real n8n 2.41.1 (the e2e harness: the packed package
// installed as a community package, the sandbox with injected latency, this machine's Postgres).
// Prints a table and writes bench/results.json. Options:
//   --latency-ms 30   latency the sandbox adds to every Metakocka call
//   --contacts 1000   --documents 10000   --emails 1000   --renders 10000   --upserts 10000
//   --write-concurrency 4   the concurrency the API is assumed to allow for calls other than search
//   --repeat 2        runs of each contact-sync measurement (the fastest counts; all are in results.json)
// Everything it starts (n8n, its task runner, the sandbox, the Postgres schema) is stopped/dropped
// at the end, also on failure or Ctrl+C.
'use strict';

const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const { adaptWorkflow, startStack } = require('../scripts/e2e/harness');
const data = require('./lib/data');
const proc = require('./lib/proc');

const ROOT = path.resolve(__dirname, '..');
const OUT_FILE = path.join(__dirname, 'results.json');
const LOG_DIR = path.join(ROOT, 'test-output', 'bench');

function arg(name, fallback) {
	const i = process.argv.indexOf(`--${name}`);
	if (i < 0) return fallback;
	const value = Number(process.argv[i + 1]);
	if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} needs a number`);
	return value;
}

const OPTS = {
	latencyMs: arg('latency-ms', 30),
	contacts: arg('contacts', 1000),
	documents: arg('documents', 10000),
	emails: arg('emails', 1000),
	renders: arg('renders', 10000),
	upserts: arg('upserts', 10000),
	writeConcurrency: arg('write-concurrency', 4),
	/** Runs per contact-sync measurement; the fastest counts (noise only adds time). */
	repeat: Math.max(1, arg('repeat', 2)),
};
const SEARCH_PAGE = 100;

const log = (message) => process.stderr.write(`[bench] ${message}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// --- the physical limit -----------------------------------------------------------------------------

/**
 * Calls the job needs × latency ÷ the concurrency the API allows: searches one at a time per company
 * (documented), every other call with OPTS.writeConcurrency in flight (the package's default write
 * concurrency; Metakocka documents no limit for them, so this is an assumption).
 */
function limitMs(calls) {
	let searches = 0;
	let others = 0;
	for (const [method, n] of Object.entries(calls)) {
		if (method === 'search') searches += n;
		else others += n;
	}
	return searches * OPTS.latencyMs + (others * OPTS.latencyMs) / OPTS.writeConcurrency;
}

// --- the stack ---------------------------------------------------------------------------------------

class Bench {
	constructor(stack, schema) {
		this.stack = stack;
		this.schema = schema;
		this.n8n = stack.client;
		this.sandbox = stack.sandbox.api;
		this.workflows = {};
		const { Pool } = require('pg');
		this.db = new Pool({ ...stack.postgres, max: 2 });
	}

	/** n8n's main process (a restart starts a new one). */
	get pid() {
		return this.stack.n8n.pid;
	}

	/** A workflow file made runnable here: credentials, the bench schema, the sandbox URL; `patch` may change it further. */
	async install(key, file, patch) {
		const raw = fs.readFileSync(path.join(__dirname, file), 'utf8').split('__METAKOCKA_BASE_URL__').join(this.stack.sandbox.baseUrl);
		const workflow = adaptWorkflow(JSON.parse(raw), { credentials: this.stack.credentials, schema: this.schema });
		for (const node of workflow.nodes) {
			if (node.type === 'n8n-nodes-base.httpRequest' && node.parameters.genericAuthType === 'httpCustomAuth') {
				node.credentials = { httpCustomAuth: { id: this.customAuth.id, name: this.customAuth.name } };
			}
		}
		if (patch) patch(workflow);
		const webhook = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.webhook');
		const created = await this.n8n.createWorkflow(workflow);
		await this.n8n.activate(created.id);
		this.workflows[key] = { id: created.id, path: webhook.parameters.path, file };
	}

	/** Posts to the workflow's webhook; resolves with the answer once the execution has finished. */
	async call(key, body) {
		const response = await this.n8n.webhook(this.workflows[key].path, body, { timeoutMs: 60000 });
		if (response.status !== 200) throw new Error(`${key}: webhook answered ${response.status}: ${response.text.slice(0, 500)}`);
		return response.json;
	}

	/** The newest execution of the workflow, with its run data. */
	async lastExecution(key) {
		const [newest] = await this.n8n.executions(this.workflows[key].id, 1);
		const execution = await this.n8n.execution(newest.id, this.stack.runtime);
		if (execution.status !== 'success') throw new Error(`${key}: execution ${execution.id} ${execution.status}: ${execution.error ?? JSON.stringify(execution.errors)}`);
		return execution;
	}

	/** Runs fn with counters and stats reset and the n8n process tree's memory sampled. */
	async measure(label, fn) {
		this.sandbox.resetCounters();
		this.sandbox.resetStats();
		// Let n8n settle (execution saving, GC) so the "before" memory is the idle one.
		await sleep(1500);
		const memory = proc.sampler(this.pid);
		const t0 = performance.now();
		let result;
		try {
			result = await fn();
		} catch (error) {
			memory.stop();
			throw error;
		}
		const ms = performance.now() - t0;
		const mem = memory.stop();
		const counters = this.sandbox.counters();
		const calls = Object.fromEntries(Object.entries(counters).filter(([k]) => !k.startsWith('__')).sort());
		const run = {
			label,
			ms,
			calls,
			callsTotal: Object.values(calls).reduce((a, b) => a + b, 0),
			writesApplied: counters.__writes_applied ?? 0,
			maxInFlight: this.sandbox.stats().maxConcurrentCalls,
			rss: {
				before: mem.before.main,
				peak: mem.peakMain,
				growth: mem.peakMain - mem.before.main,
				treeBefore: mem.before.total,
				treePeak: mem.peakTotal,
			},
		};
		log(`${label}: ${(ms / 1000).toFixed(2)} s, ${run.callsTotal} Metakocka calls ${JSON.stringify(calls)}, peak RSS ${mb(run.rss.peak)} MB`);
		return { run, result };
	}

	async query(sql, params) {
		return (await this.db.query(sql, params)).rows;
	}

	table(name) {
		return `"${this.schema}".${name}`;
	}

	async close() {
		await this.db.end().catch(() => undefined);
	}
}

const mb = (bytes) => (bytes / 1024 / 1024).toFixed(0);

function check(condition, message) {
	if (!condition) throw new Error(`check failed: ${message}`);
}

function sameMultiset(a, b) {
	if (a.length !== b.length) return false;
	const x = [...a].sort();
	const y = [...b].sort();
	return x.every((v, i) => v === y[i]);
}

// --- scenarios 1 and 2: contact sync ------------------------------------------------------------------

/**
 * Runs a measured job `times` times (setup() before each, check(result) after each) and returns the
 * fastest run, with every run's time in runsMs. On a shared machine noise only ever adds time, so the
 * fastest run is the one closest to what the software itself costs; results.json keeps all of them.
 */
async function best(b, times, label, { setup, job, verify }) {
	const runs = [];
	for (let r = 1; r <= times; r++) {
		if (setup) await setup();
		const measured = await b.measure(times > 1 ? `${label} (${r}/${times})` : label, job);
		if (verify) await verify(measured);
		runs.push(measured);
	}
	const fastest = [...runs].sort((x, y) => x.run.ms - y.run.ms)[0];
	fastest.run.runsMs = runs.map((r) => r.run.ms);
	return fastest;
}

async function contactSync(b) {
	const contacts = data.contacts(OPTS.contacts);
	const warm = data.contacts(3, { prefix: 'warm-', seed: 7 });
	const ours = new Set(contacts.map((c) => c.name));
	const partnersNow = () => b.sandbox.store().partners.filter((p) => ours.has(p.customer)).map(data.partnerKey);
	const count = async (table) => (await b.query(`SELECT count(*)::int AS n FROM ${b.table(table)}`))[0].n;
	const PKG_MAP = 'metakocka_contact_mappings';
	const BASE_MAP = 'crm_metakocka_contacts';

	// Warm-up: the task runner, the package's store and migrations, n8n's Postgres pool.
	await b.call('pkgSync', { contacts: warm });
	await b.call('baseSync', { contacts: warm });
	await b.call('pkgSyncNoMatch', { contacts: warm });

	// 1. Package, first run, each time on the sandbox's seed data with no mapping.
	let packagePartners;
	const first = await best(b, OPTS.repeat, '1. contact sync, package, first run', {
		setup: async () => {
			b.sandbox.reset();
			await b.query(`TRUNCATE ${b.table(PKG_MAP)}`);
		},
		job: () => b.call('pkgSync', { contacts }),
		verify: async ({ result }) => {
			check(Array.isArray(result) && result.length === contacts.length, `package answered ${result?.length} items`);
			const statuses = countBy(result.map((o) => o.status));
			check(statuses.created === contacts.length, `package statuses ${JSON.stringify(statuses)}`);
			packagePartners = partnersNow();
			check(packagePartners.length === contacts.length, `${packagePartners.length} partners in the sandbox after the package's sync`);
			check((await count(PKG_MAP)) === contacts.length, 'one package mapping per contact');
		},
	});

	// 2. Package, the same contacts again (after the last first run).
	const again = await best(b, OPTS.repeat + 1, '2. contact sync, package, unchanged', {
		job: () => b.call('pkgSync', { contacts }),
		verify: async ({ run, result }) => {
			check(result.every((o) => o.status === 'unchanged'), 'the re-run reports every contact unchanged');
			check(run.callsTotal === 0 && run.writesApplied === 0, 'the re-run calls Metakocka not once');
			check(sameMultiset(partnersNow(), packagePartners), 'the re-run leaves the partners as they were');
		},
	});

	// 1b. The package doing the baseline's job: no adoption lookups (Match Existing: None), from scratch.
	const noMatch = await best(b, OPTS.repeat, '1b. contact sync, package, Match Existing: None', {
		setup: async () => {
			b.sandbox.reset();
			await b.query(`TRUNCATE ${b.table(PKG_MAP)}`);
		},
		job: () => b.call('pkgSyncNoMatch', { contacts }),
		verify: async ({ result }) => {
			check(result.every((o) => o.status === 'created'), 'package (Match Existing: None): every contact created');
			check(sameMultiset(partnersNow(), packagePartners), 'package (Match Existing: None): the same partners');
		},
	});

	// Baseline: first run from scratch, then again.
	const base = await best(b, OPTS.repeat, '1. contact sync, baseline, first run', {
		setup: async () => {
			b.sandbox.reset();
			await b.query(`TRUNCATE ${b.table(BASE_MAP)}`);
		},
		job: () => b.call('baseSync', { contacts }),
		verify: async () => {
			const baselinePartners = partnersNow();
			check(sameMultiset(baselinePartners, packagePartners), `the baseline's partners equal the package's (${baselinePartners.length} vs ${packagePartners.length})`);
			check((await count(BASE_MAP)) === contacts.length, 'one baseline mapping per contact');
		},
	});
	const baseAgain = await best(b, OPTS.repeat, '2. contact sync, baseline, unchanged', {
		job: () => b.call('baseSync', { contacts }),
		verify: async () => check(sameMultiset(partnersNow(), packagePartners), "the baseline's re-run leaves the same partners as the package's (no second contact)"),
	});

	// What the job needs: per new contact one add_partner, plus the lookups Match Existing makes
	// (tax number when there is one, then email) so an existing partner is adopted, not duplicated.
	const needed = {
		add_partner: contacts.length,
		get_partner: contacts.filter((c) => c.taxNumber).length + contacts.filter((c) => c.email).length,
	};
	return [
		{
			id: 'sync-first',
			title: `Contact sync, ${contacts.length.toLocaleString('en')} contacts, first run`,
			package: first.run,
			baseline: base.run,
			limit: { calls: needed, ms: limitMs(needed), writesOnlyMs: limitMs({ add_partner: contacts.length }) },
			checks: ['package: every contact created, one partner each in the sandbox, one mapping each', 'baseline: the same partners (name, tax number, address, contact) and one mapping each'],
		},
		{
			id: 'sync-first-no-match',
			title: `Contact sync, ${contacts.length.toLocaleString('en')} contacts, first run, Match Existing: None (the baseline's job)`,
			package: noMatch.run,
			baseline: base.run,
			limit: { calls: { add_partner: contacts.length }, ms: limitMs({ add_partner: contacts.length }) },
			checks: ['package: every contact created, the same partners'],
		},
		{
			id: 'sync-unchanged',
			title: `Contact sync, ${contacts.length.toLocaleString('en')} contacts, nothing changed`,
			package: again.run,
			baseline: baseAgain.run,
			limit: { calls: {}, ms: 0 },
			firstRunMs: first.run.ms,
			checks: ['package: every contact unchanged and no Metakocka call, in every run', 'baseline: partners unchanged (it sends update_partner for each)'],
		},
	];
}

function countBy(values) {
	const out = {};
	for (const v of values) out[v] = (out[v] ?? 0) + 1;
	return out;
}

// --- scenario 3: import ------------------------------------------------------------------------------

async function postControl(b, what, body) {
	const response = await fetch(`${b.stack.sandbox.baseUrl}/__sandbox/${what}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	if (!response.ok) throw new Error(`sandbox ${what}: ${response.status} ${await response.text()}`);
}

/**
 * One import of the seeded sales orders by one workflow, in a freshly started n8n (so neither system
 * inherits a heap the other grew; V8 keeps what it grew) after a warm-up on the default seed.
 */
async function importRun(b, label, key, seed) {
	const fresh = typeof b.stack.restart === 'function';
	if (fresh) await b.stack.restart();
	b.sandbox.reset();
	await b.call(key, {});
	await b.query(`DELETE FROM ${b.table('metakocka_sync_state')}`);
	const t0 = performance.now();
	await postControl(b, 'reset', seed);
	log(`seeded the sandbox with ${OPTS.documents} sales orders through POST /__sandbox/reset in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
	const measured = await b.measure(label, () => b.call(key, {}));
	return { ...measured, fresh };
}

async function salesOrderImport(b) {
	const seed = data.seed({ partners: 200, orders: OPTS.documents });
	const pages = Math.ceil(OPTS.documents / SEARCH_PAGE);

	// A document by what the seed gave it (the sandbox numbers mk_ids afresh on every reseed).
	const docKey = (d) => `${d.count_code}|${d.buyer_order}|${d.partner?.customer}|${Number(String(d.sum_all).replace(',', '.')).toFixed(2)}`;
	const seeded = () => {
		const orders = b.sandbox.store().documents.sales_order;
		check(orders.length === OPTS.documents, `${orders.length} sales orders in the sandbox`);
		return orders.map(docKey);
	};

	const pkg = await importRun(b, '3. import, package', 'pkgImport', seed);
	const expected = seeded();
	check(pkg.run.calls.search === pages, `package: ${pkg.run.calls.search} search pages, expected exactly ${pages}`);
	check(pkg.run.callsTotal === pages, `package: ${pkg.run.callsTotal} calls in all`);
	const pkgRows = (await b.lastExecution('pkgImport')).runData['Metakocka Sales Document'].map(docKey);
	check(sameMultiset(pkgRows, expected), `package imported ${pkgRows.length} documents, each sales order once`);

	const base = await importRun(b, '3. import, baseline', 'baseImport', seed);
	const baseRows = (await b.lastExecution('baseImport')).runData['One item per document'].map(docKey);
	check(sameMultiset(baseRows, seeded()), `baseline imported ${baseRows.length} documents, each sales order once`);
	check(sameMultiset(baseRows, pkgRows), 'baseline and package imported the same documents (count code, buyer order, customer, total)');

	const needed = { search: pages };
	return [
		{
			id: 'import',
			title: `Import, ${OPTS.documents.toLocaleString('en')} sales orders`,
			package: pkg.run,
			baseline: base.run,
			limit: { calls: needed, ms: limitMs(needed) },
			pages: { expected: pages, package: pkg.run.calls.search, baseline: base.run.calls.search },
			freshN8n: pkg.fresh && base.fresh,
			checks: [`package: exactly ${pages} search pages, every sales order once`, 'baseline: the same documents (count code, buyer order, customer, total)'],
		},
	];
}

// --- scenario 4: email enrichment ----------------------------------------------------------------------

async function emailEnrichment(b, inproc) {
	const { items, expected } = data.emails(OPTS.emails);
	const warm = data.emails(3, { seedValue: 99 }).items;
	await postControl(b, 'reset', data.seed({ partners: 200, orders: 1000 }));
	await b.call('pkgEnrich', { emails: warm });
	await b.call('baseEnrich', { emails: warm });

	// The truth from the sandbox: the partner of each sender, the order of each number.
	const state = b.sandbox.store();
	const partnerByEmail = new Map();
	for (const p of state.partners) for (const c of p.partner_contact_list ?? []) if (c.email) partnerByEmail.set(c.email.toLowerCase(), p.mk_id);
	const orderByCode = new Map(state.documents.sales_order.map((d) => [d.count_code, d.mk_id]));
	const truth = new Map(
		expected.map((e) => [e.messageId, { partners: [partnerByEmail.get(e.partnerEmail)].filter(Boolean), documents: e.documents.map((c) => orderByCode.get(c)).filter(Boolean) }]),
	);
	const distinctSenders = new Set(expected.map((e) => e.partnerEmail)).size;
	const distinctDocuments = new Set(expected.flatMap((e) => e.documents)).size;

	const pkg = await b.measure('4. enrichment, package', () => b.call('pkgEnrich', { emails: items }));
	check(pkg.result.length === items.length, `package answered ${pkg.result.length} items`);
	for (const item of pkg.result) {
		const want = truth.get(item.metakocka.messageId);
		check(want, `unknown message ${item.metakocka.messageId}`);
		check(sameMultiset(item.metakocka.partners.map((p) => p.mk_id), want.partners), `package partners of ${item.metakocka.messageId}`);
		check(sameMultiset(item.metakocka.documents.map((d) => d.mk_id), want.documents), `package documents of ${item.metakocka.messageId}`);
	}

	const base = await b.measure('4. enrichment, baseline', () => b.call('baseEnrich', { emails: items }));
	check(base.result.length === items.length, `baseline answered ${base.result.length} items`);
	for (const item of base.result) {
		const want = truth.get(item.messageId);
		check(want && sameMultiset(item.partners, want.partners) && sameMultiset(item.documents, want.documents), `baseline entities of ${item.messageId}`);
	}

	const needed = { get_partner: distinctSenders, search: distinctDocuments };
	return [
		{
			id: 'enrichment',
			title: `Enrichment, ${items.length.toLocaleString('en')} emails (${distinctSenders} senders, ${distinctDocuments} orders)`,
			package: pkg.run,
			baseline: base.run,
			limit: { calls: needed, ms: limitMs(needed) },
			distinctEntities: distinctSenders + distinctDocuments,
			extraction: inproc.extraction,
			checks: ['package and baseline: for every email exactly the partner of its sender and the orders it names (from the sandbox)'],
		},
	];
}

// --- scenario 5: in-process --------------------------------------------------------------------------

function inProcess(b) {
	return new Promise((resolve, reject) => {
		const pg = b.stack.postgres;
		const child = spawn(process.execPath, [path.join(__dirname, 'inprocess.js'), '--renders', String(OPTS.renders), '--upserts', String(OPTS.upserts), '--emails', String(OPTS.emails), '--schema', b.schema], {
			env: { ...process.env, PGHOST: pg.host, PGPORT: String(pg.port), PGDATABASE: pg.database, PGUSER: pg.user, PGPASSWORD: pg.password ?? '' },
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		let out = '';
		child.stdout.on('data', (d) => (out += d));
		child.once('error', reject);
		child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`bench/inprocess.js exited ${code}`))));
	});
}

// --- report ------------------------------------------------------------------------------------------

const sec = (ms) => (ms >= 100 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const ratio = (a, b) => (b > 0 ? `${(a / b).toFixed(a / b >= 10 ? 0 : 2)}×` : 'n/a');
const callList = (calls) =>
	Object.entries(calls)
		.map(([m, n]) => `${n} ${m}`)
		.join(', ') || 'none';

function targets(results) {
	const by = Object.fromEntries(results.scenarios.map((s) => [s.id, s]));
	const out = [];
	const add = (name, value, ok) => out.push({ name, value, ok });
	const first = by['sync-first'];
	if (first) {
		add('sync: ≥ 10× faster than the baseline', ratio(first.baseline.ms, first.package.ms), first.baseline.ms / first.package.ms >= 10);
		add('sync: ≤ 1.3× the physical limit', ratio(first.package.ms, first.limit.ms), first.package.ms / first.limit.ms <= 1.3);
	}
	const again = by['sync-unchanged'];
	if (again) {
		const writes = ['add_partner', 'update_partner'].reduce((n, m) => n + (again.package.calls[m] ?? 0), 0) + again.package.writesApplied;
		add('unchanged re-run: zero write calls', `${writes}`, writes === 0);
		add('unchanged re-run: ≥ 50× faster than the first run', ratio(again.firstRunMs, again.package.ms), again.firstRunMs / again.package.ms >= 50);
	}
	const imp = by.import;
	if (imp) {
		add(`import: exactly ${imp.pages.expected} search pages`, `${imp.pages.package}`, imp.pages.package === imp.pages.expected);
		add('import: RSS growth < 150 MB', `${mb(imp.package.rss.growth)} MB`, imp.package.rss.growth < 150 * 1024 * 1024);
	}
	const enr = by.enrichment;
	if (enr) {
		add('enrichment: Metakocka calls ≤ distinct entities', `${enr.package.callsTotal} ≤ ${enr.distinctEntities}`, enr.package.callsTotal <= enr.distinctEntities);
		add('enrichment: extraction < 1 ms per email', `${enr.extraction.msPerEmail.toFixed(3)} ms`, enr.extraction.msPerEmail < 1);
	}
	const ip = results.inProcess;
	if (ip) {
		add('template: ≥ 50,000 renders/s warm', `${ip.template.perSecond.toLocaleString('en')}/s`, ip.template.perSecond >= 50000);
		add(`${ip.upsert.rows.toLocaleString('en')} mapping upserts < 1 s`, sec(ip.upsert.insertMs), ip.upsert.insertMs < 1000);
	}
	return out;
}

function table(results) {
	const lines = [];
	lines.push('| Scenario | Package | Baseline | Physical limit | Baseline ÷ package | Package ÷ limit | Metakocka calls: package / baseline | Peak in flight: package / baseline | n8n peak RSS (growth): package / baseline |');
	lines.push('|---|---|---|---|---|---|---|---|---|');
	for (const s of results.scenarios) {
		lines.push(
			`| ${s.title} | ${sec(s.package.ms)} | ${sec(s.baseline.ms)} | ${sec(s.limit.ms)} | ${ratio(s.baseline.ms, s.package.ms)} | ${s.limit.ms > 0 ? ratio(s.package.ms, s.limit.ms) : 'n/a (no call needed)'} | ${callList(s.package.calls)} / ${callList(s.baseline.calls)} | ${s.package.maxInFlight} / ${s.baseline.maxInFlight} | ${mb(s.package.rss.peak)} MB (+${mb(s.package.rss.growth)}) / ${mb(s.baseline.rss.peak)} MB (+${mb(s.baseline.rss.growth)}) |`,
		);
	}
	const ip = results.inProcess;
	if (ip) {
		lines.push(
			`| Template render, ${ip.template.renders.toLocaleString('en')} renders (warm, plain Node; fastest of ${ip.template.rounds}) | ${sec(ip.template.ms)} = ${ip.template.perSecond.toLocaleString('en')}/s (median ${ip.template.medianPerSecond.toLocaleString('en')}/s) | | | | | | | |`,
		);
		lines.push(`| Mapping upsert, ${ip.upsert.rows.toLocaleString('en')} rows (plain Node, Postgres; fastest of 3) | ${sec(ip.upsert.insertMs)} insert, ${sec(ip.upsert.updateMs)} update | | | | | | | |`);
	}
	return lines.join('\n');
}

function report(results) {
	const lines = [table(results), ''];
	const by = Object.fromEntries(results.scenarios.map((s) => [s.id, s]));
	if (by['sync-first']) lines.push(`Contact sync limit: ${callList(by['sync-first'].limit.calls)} at ${OPTS.writeConcurrency} in flight (writes alone: ${sec(by['sync-first'].limit.writesOnlyMs)}).`);
	if (by['sync-first-no-match']) lines.push(`Contact sync with Match Existing: None (no adoption lookups, the baseline's job): ${ratio(by['sync-first-no-match'].package.ms, by['sync-first-no-match'].limit.ms)} the limit.`);
	if (by.import) lines.push(`Import: each system measured in ${by.import.freshN8n ? 'a freshly started n8n' : 'the same n8n (no restart available)'} after a warm-up on 3 orders; RSS growth = peak − RSS just before.`);
	if (by.enrichment) lines.push(`Enrichment limit: ${callList(by.enrichment.limit.calls)} (searches one at a time); extraction ${by.enrichment.extraction.msPerEmail.toFixed(3)} ms per email (plain Node).`);
	lines.push(`Contact sync rows: the fastest of ${OPTS.repeat} runs (of ${OPTS.repeat + 1} for the package's re-run); every run's time is in results.json.`);
	lines.push('', 'Targets:');
	for (const t of results.targets) lines.push(`  ${t.ok ? 'met   ' : 'MISSED'}  ${t.name}: ${t.value}`);
	lines.push(
		'',
		`Latency ${OPTS.latencyMs} ms per call; n8n ${results.n8nVersion}; ${results.machine}; load average ${results.loadAverage.start[0].toFixed(1)} at the start, ${results.loadAverage.end[0].toFixed(1)} at the end; run took ${(results.totalMs / 1000).toFixed(0)} s.`,
	);
	return lines.join('\n');
}

// --- main --------------------------------------------------------------------------------------------

async function main() {
	const startedAt = performance.now();
	const loadAtStart = require('node:os').loadavg();
	fs.mkdirSync(LOG_DIR, { recursive: true });
	let stack;
	let bench;
	let schema;
	let stopping = false;
	const cleanup = async () => {
		if (stopping) return;
		stopping = true;
		if (bench) await bench.close();
		if (stack && schema) {
			try {
				const { Client } = require('pg');
				const client = new Client({ ...stack.postgres, connectionTimeoutMillis: 5000 });
				await client.connect();
				await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
				await client.end();
			} catch (error) {
				log(`could not drop schema ${schema}: ${error.message}`);
			}
		}
		if (stack) await stack.stop();
	};
	for (const signal of ['SIGINT', 'SIGTERM']) {
		process.once(signal, () => {
			log(`${signal}: stopping everything`);
			cleanup().finally(() => process.exit(130));
		});
	}
	try {
		stack = await startStack({ openai: false, copyLogTo: path.join(LOG_DIR, 'n8n.log'), log: (m) => log(m) });
		schema = `mk_bench_${crypto.randomBytes(5).toString('hex')}`;
		const admin = new (require('pg').Client)({ ...stack.postgres, connectionTimeoutMillis: 5000 });
		await admin.connect();
		await admin.query(`CREATE SCHEMA "${schema}"`);
		await admin.end();
		bench = new Bench(stack, schema);
		bench.customAuth = await stack.client.ensureCredential({
			name: 'Metakocka sandbox (Custom Auth, baseline)',
			type: 'httpCustomAuth',
			data: { json: JSON.stringify({ body: { secret_key: stack.sandbox.secretKey, company_id: stack.sandbox.companyId } }) },
		});
		for (const [key, file, patch] of [
			['pkgSync', 'workflows/contact-sync.json'],
			[
				'pkgSyncNoMatch',
				'workflows/contact-sync.json',
				(wf) => {
					wf.name += ' (Match Existing: None)';
					const webhook = wf.nodes.find((n) => n.type === 'n8n-nodes-base.webhook');
					webhook.parameters.path = 'bench-contact-sync-no-match';
					webhook.webhookId = '2c1f0a10-0b1e-4a51-9c11-b3e4c0de0004';
					wf.nodes.find((n) => n.name === 'Metakocka Contact').parameters.syncOptions = { matchExisting: 'none' };
				},
			],
			['baseSync', 'baseline/contact-sync.json'],
			['pkgImport', 'workflows/sales-order-import.json'],
			['baseImport', 'baseline/sales-order-import.json'],
			['pkgEnrich', 'workflows/email-enrichment.json'],
			['baseEnrich', 'baseline/email-enrichment.json'],
		]) {
			await bench.install(key, file, patch);
		}
		bench.sandbox.setLatency(OPTS.latencyMs);
		log(`sandbox latency ${OPTS.latencyMs} ms per call; n8n pid ${bench.pid}; Postgres schema ${schema}`);

		log('in-process: template renders, mapping upserts, extraction');
		const inproc = await inProcess(bench);
		const scenarios = [...(await contactSync(bench)), ...(await salesOrderImport(bench)), ...(await emailEnrichment(bench, inproc))];
		const results = {
			date: new Date().toISOString(),
			options: OPTS,
			n8nVersion: stack.runtime.n8nVersion,
			machine: `${require('node:os').cpus().length} cores, ${mb(require('node:os').totalmem())} MB`,
			loadAverage: { start: loadAtStart, end: require('node:os').loadavg() },
			assumptions: {
				limit: `calls the job needs × ${OPTS.latencyMs} ms ÷ concurrency: search 1 per company (documented), other calls ${OPTS.writeConcurrency} (the package's default write concurrency; assumed)`,
				rss: 'n8n main process: VmHWM after the run (reset with /proc/<pid>/clear_refs before it) and VmRSS sampled every 20 ms; growth = peak − RSS just before the run',
			},
			scenarios,
			inProcess: inproc,
		};
		results.totalMs = performance.now() - startedAt;
		results.targets = targets(results);
		fs.writeFileSync(OUT_FILE, `${JSON.stringify(results, null, 2)}\n`);
		process.stdout.write(`\n${report(results)}\n\nWrote ${path.relative(process.cwd(), OUT_FILE)}.\n`);
	} finally {
		await cleanup();
	}
}

main().catch((error) => {
	process.stderr.write(`[bench] failed: ${error.stack ?? error}\n`);
	process.exitCode = 1;
});
