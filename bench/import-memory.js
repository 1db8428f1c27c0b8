#!/usr/bin/env node
// Memory of one Import of N sales orders, in plain Node (no n8n): what the package keeps per record.
//   npm run build && node --expose-gc bench/import-memory.js [--documents 10000] [--mode package|raw]
// package: importDocuments() (search pages through the client, validated, marked with sync state)
// raw:     the same search pages with JSON.parse only: what a hand-built HTTP Request node holds
// Prints heap and RSS before, after (records still referenced) and the retained bytes per record.
'use strict';

const path = require('node:path');
const { performance } = require('node:perf_hooks');

const ROOT = path.resolve(__dirname, '..');
const { startSandbox } = require(path.join(ROOT, 'dist/src/sandbox'));
const { MetakockaClient } = require(path.join(ROOT, 'dist/src/client'));
const { importDocuments } = require(path.join(ROOT, 'dist/src/sync/documents'));
const data = require('./lib/data');

function arg(name, fallback) {
	const i = process.argv.indexOf(`--${name}`);
	return i < 0 ? fallback : process.argv[i + 1];
}

const N = Number(arg('documents', 10000));
const MODE = arg('mode', 'package');
const mb = (b) => (b / 1024 / 1024).toFixed(1);

function gc() {
	if (!global.gc) throw new Error('run with node --expose-gc');
	for (let i = 0; i < 3; i++) global.gc();
}

async function rawImport(baseUrl) {
	const out = [];
	for (let offset = 0; ; offset += 100) {
		const res = await fetch(`${baseUrl}/rest/eshop/v1/search`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ secret_key: 'sandbox-secret', company_id: '16', doc_type: 'sales_order', result_type: 'doc', limit: '100', offset: String(offset), order_direction: 'asc' }),
		});
		const page = await res.json();
		const rows = Array.isArray(page.result) ? page.result : page.result ? [page.result] : [];
		out.push(...rows);
		if (rows.length < 100) return out;
	}
}

async function main() {
	const sandbox = await startSandbox({ seed: data.seed({ partners: 200, orders: N }) });
	const client = new MetakockaClient({ companyId: '16', secretKey: 'sandbox-secret', baseUrl: sandbox.baseUrl });
	// Warm-up: code paths compiled, sockets open.
	await client.search({ doc_type: 'sales_order', result_type: 'doc', limit: 5 });
	gc();
	const before = process.memoryUsage();
	let peakRss = before.rss;
	const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10);
	const t0 = performance.now();
	const documents = MODE === 'raw' ? await rawImport(sandbox.baseUrl) : (await importDocuments(client, undefined, { docType: 'sales_order', useCursor: false })).documents;
	const ms = performance.now() - t0;
	clearInterval(sampler);
	const peakHeap = process.memoryUsage().heapUsed;
	gc();
	const after = process.memoryUsage();
	const retained = after.heapUsed - before.heapUsed;
	const result = {
		mode: MODE,
		documents: documents.length,
		ms: Math.round(ms),
		heapBeforeMb: mb(before.heapUsed),
		heapAtEndMb: mb(peakHeap),
		heapRetainedMb: mb(retained),
		retainedPerRecordKb: (retained / documents.length / 1024).toFixed(2),
		rssGrowthPeakMb: mb(peakRss - before.rss),
		jsonBytesPerRecord: Math.round(JSON.stringify(documents).length / documents.length),
	};
	process.stdout.write(`${JSON.stringify(result)}\n`);
	await sandbox.close();
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
