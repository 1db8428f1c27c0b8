#!/usr/bin/env node
// Scenario 5 and the enrichment's extraction cost, in plain Node (no n8n), on the built package
// (dist/): template renders, mapping upserts into Postgres, and candidate extraction per email.
// Prints one JSON object. `npm run bench` runs it in a child process; on its own:
//   node bench/inprocess.js [--renders 10000] [--upserts 10000] [--emails 1000] [--schema name]
'use strict';

const crypto = require('node:crypto');
const { performance } = require('node:perf_hooks');

const data = require('./lib/data');

const { arg, dist, pgConfig } = require('./lib/cli');

/** The README's example: a Slovenian order confirmation over a document with five lines. */
const TEMPLATE = `Spoštovani {{partner.customer}},
{{#each (list document.product_list)}}- {{name}}: {{amount}} × {{money price}}
{{/each}}Skupaj: {{money document.sum_all}}
Datum: {{date document.doc_date}}`;

function templateData(i) {
	return {
		partner: { customer: `Stranka ${i} d.o.o.` },
		document: {
			doc_date: '2026-09-01+02:00',
			sum_all: '1.234,56',
			product_list: Array.from({ length: 5 }, (_, l) => ({ name: `Artikel ${l + 1}`, amount: String(10 * (l + 1)), price: `${l + 1},${(i + l) % 100}` })),
		},
	};
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

/** Rounds of `renders` warm renders; the fastest round counts (noise only adds time), the median is kept too. */
function benchTemplates(renders, rounds = 5) {
	const { renderTemplate } = dist('template');
	const inputs = Array.from({ length: 100 }, (_, i) => templateData(i));
	let t = performance.now();
	renderTemplate(TEMPLATE, inputs[0]);
	const firstMs = performance.now() - t;
	// Warm up: the compiled template is cached and V8 has optimised the helpers.
	for (let i = 0; i < 2000; i++) renderTemplate(TEMPLATE, inputs[i % inputs.length]);
	let bytes = 0;
	const roundsMs = [];
	for (let r = 0; r < rounds; r++) {
		t = performance.now();
		for (let i = 0; i < renders; i++) bytes += renderTemplate(TEMPLATE, inputs[i % inputs.length]).length;
		roundsMs.push(performance.now() - t);
	}
	const ms = Math.min(...roundsMs);
	return {
		renders,
		rounds,
		ms,
		perSecond: Math.round((renders / ms) * 1000),
		medianPerSecond: Math.round((renders / median(roundsMs)) * 1000),
		roundsMs,
		firstRenderMs: firstMs,
		avgOutputChars: Math.round(bytes / (renders * rounds)),
	};
}

async function benchUpserts(count, schema) {
	const { MappingStore } = dist('store');
	const config = pgConfig();
	const ownSchema = !schema;
	const schemaName = schema || `mk_bench_inproc_${crypto.randomBytes(4).toString('hex')}`;
	const { Client } = require('pg');
	const admin = new Client({ ...config, ssl: false });
	await admin.connect();
	try {
		await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schemaName}"`);
		const store = await MappingStore.open(config, { schema: schemaName });
		try {
			const rows = (round) =>
				Array.from({ length: count }, (_, i) => ({
					crmId: `crm-u-${i}`,
					mkId: String(1700000000 + round * 1000000 + i),
					countCode: String(5000 + i),
					contentHash: crypto.createHash('sha256').update(`${round}:${i}`).digest('hex'),
					mkSnapshot: { customer: `Stranka ${i} d.o.o.`, place: 'Ljubljana', round },
					extra: { mk_contact_id: String(1800000000 + i), mk_address_id: String(1900000000 + i) },
				}));
			// Three companies, so each round inserts 10,000 new rows; then one round updates them all.
			const insertsMs = [];
			for (let round = 1; round <= 3; round++) {
				const batch = rows(round);
				const t = performance.now();
				const written = await store.contacts.upsertMany(`9${round}`, batch);
				insertsMs.push(performance.now() - t);
				if (written.length !== count) throw new Error(`upsert wrote ${written.length}, expected ${count}`);
			}
			const insertMs = Math.min(...insertsMs);
			const second = rows(4);
			let t = performance.now();
			await store.contacts.upsertMany('91', second);
			const updateMs = performance.now() - t;
			// The read a sync of the whole batch does first: one statement for every CRM id.
			t = performance.now();
			const read = await store.contacts.getByCrmIds('91', second.map((r) => r.crmId));
			const readMs = performance.now() - t;
			if (read.size !== count) throw new Error(`read ${read.size}, expected ${count}`);
			return { rows: count, insertMs, insertsMs, updateMs, readMs };
		} finally {
			await store.close();
		}
	} finally {
		if (ownSchema) await admin.query(`DROP SCHEMA IF EXISTS "${schemaName}" CASCADE`).catch(() => undefined);
		await admin.end();
	}
}

function benchExtraction(count) {
	const { normalizeEmail, extractCandidates } = dist('email');
	const { items } = data.emails(count);
	const run = () => {
		let candidates = 0;
		for (const item of items) candidates += extractCandidates(normalizeEmail(item, 'auto'), {}, { ownDomains: ['firma.si'] }).length;
		return candidates;
	};
	run();
	run();
	const passes = 5;
	const t = performance.now();
	let candidates = 0;
	for (let p = 0; p < passes; p++) candidates = run();
	const ms = performance.now() - t;
	return { emails: count, passes, msPerEmail: ms / (passes * count), candidatesPerPass: candidates };
}

async function main() {
	const renders = Number(arg('renders', 10000));
	const upserts = Number(arg('upserts', 10000));
	const emails = Number(arg('emails', 1000));
	const out = {
		node: process.version,
		template: benchTemplates(renders),
		extraction: benchExtraction(emails),
		upsert: await benchUpserts(upserts, arg('schema', '')),
	};
	process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((error) => {
	process.stderr.write(`${error.stack ?? error}\n`);
	process.exit(1);
});
