#!/usr/bin/env node
// The contact sync's first run without n8n: syncPartners (dist/) against the sandbox in a child
// process and this machine's Postgres, with the CPU time each process spent (this process = what the
// package costs; the sandbox; Postgres' backends). Says where the time of the n8n row goes.
//   npm run build && node bench/sync-inprocess.js [--contacts 1000] [--capacity 16] [--latency-ms 30] [--match taxNumberOrEmail|none] [--cap 32]
// Prints one JSON object.
'use strict';

const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const data = require('./lib/data');
const { cpuMs, byName } = require('./lib/proc');

const { ROOT, arg, dist, pgConfig } = require('./lib/cli');

/** The contact as the Contact node's Sync maps the bench's CRM fields (bench/workflows/contact-sync.json). */
function toPartner(c) {
	return {
		customer: c.name,
		street: c.street,
		post_number: c.postCode,
		place: c.city,
		country: c.country,
		tax_id_number: c.taxNumber,
		business_entity: c.isCompany,
		partner_contact: { email: c.email, phone: c.phone },
	};
}

async function startSandbox(capacity, latencyMs) {
	const secretKey = `bench-${crypto.randomBytes(4).toString('hex')}`;
	const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'src', 'sandbox', 'cli.js'), '--port', '0', '--company-id', '16', '--secret-key', secretKey, '--latency-ms', String(latencyMs), '--capacity', String(capacity)], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const baseUrl = await new Promise((resolve, reject) => {
		let out = '';
		child.stdout.on('data', (d) => {
			out += d;
			const m = /(http:\/\/[^\s]+)/.exec(out);
			if (m) resolve(m[1].replace(/\/$/, ''));
		});
		child.once('exit', (code) => reject(new Error(`sandbox exited ${code}: ${out}`)));
	});
	return { child, baseUrl, secretKey };
}

async function main() {
	const contacts = data.contacts(Number(arg('contacts', 1000)));
	const capacity = Number(arg('capacity', 16));
	const latencyMs = Number(arg('latency-ms', 30));
	const matchExisting = arg('match', 'taxNumberOrEmail');
	const cap = Number(arg('cap', 32));
	const { MetakockaClient } = dist('client');
	const { MappingStore } = dist('store');
	const { syncPartners } = dist('sync/partners');
	const pg = pgConfig();
	const schema = `mk_bench_sync_${crypto.randomBytes(4).toString('hex')}`;
	const { Client } = require('pg');
	const admin = new Client({ ...pg, ssl: false });
	await admin.connect();
	await admin.query(`CREATE SCHEMA "${schema}"`);
	const sandbox = await startSandbox(capacity, latencyMs);
	const store = await MappingStore.open(pg, { schema });
	try {
		const client = new MetakockaClient({ baseUrl: sandbox.baseUrl, companyId: '16', secretKey: sandbox.secretKey }, { maxConcurrency: cap });
		const items = contacts.map((c, i) => ({ itemIndex: i, crmId: c.id, partner: toPartner(c) }));
		// Warm-up (JIT, connections, the limiter's minRtt) on three other contacts.
		const warm = data.contacts(3, { prefix: 'warm-', seed: 7 }).map((c, i) => ({ itemIndex: i, crmId: c.id, partner: toPartner(c) }));
		await syncPartners({ client, store }, warm, { matchExisting, concurrency: cap });
		// The warm-up's contacts share tax numbers and emails with the first ones: back to the seed.
		await fetch(`${sandbox.baseUrl}/__sandbox/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
		await admin.query(`TRUNCATE "${schema}".metakocka_contact_mappings`);
		const counters = async () => (await (await fetch(`${sandbox.baseUrl}/__sandbox/counters`)).json());
		const before = await counters();
		const pgPids = byName('postgres');
		const cpu0 = { self: process.cpuUsage(), sandbox: cpuMs(sandbox.child.pid), pg: pgPids.reduce((a, p) => a + cpuMs(p), 0) };
		const t0 = performance.now();
		const out = await syncPartners({ client, store }, items, { matchExisting, concurrency: cap });
		const ms = performance.now() - t0;
		const selfCpu = process.cpuUsage(cpu0.self);
		const cpu = {
			package: (selfCpu.user + selfCpu.system) / 1000,
			sandbox: cpuMs(sandbox.child.pid) - cpu0.sandbox,
			postgres: byName('postgres').reduce((a, p) => a + cpuMs(p), 0) - cpu0.pg,
		};
		const after = await counters();
		const calls = {};
		for (const [k, v] of Object.entries(after)) if (!k.startsWith('__') && v - (before[k] ?? 0) > 0) calls[k] = v - (before[k] ?? 0);
		const total = Object.values(calls).reduce((a, b) => a + b, 0);
		const failed = out.filter((o) => o.error);
		const snap = client.concurrency();
		const limitMs = (total * latencyMs) / capacity;
		const perCall = Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, +(v / total).toFixed(3)]));
		const cpuTotal = cpu.package + cpu.sandbox + cpu.postgres;
		process.stdout.write(
			`${JSON.stringify({
				contacts: contacts.length,
				capacity,
				latencyMs,
				matchExisting,
				cap,
				ms: Math.round(ms),
				calls,
				callsTotal: total,
				limitMs: Math.round(limitMs),
				ratio: +(ms / limitMs).toFixed(2),
				failed: failed.length,
				firstError: failed[0] ? String(failed[0].error?.message ?? failed[0].error) : undefined,
				cpuMs: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, Math.round(v)])),
				cpuMsPerCall: perCall,
				cpuBoundMs: Math.round(cpuTotal / require('node:os').cpus().length),
				limiter: { limit: snap.limit, peakInFlight: snap.peakInFlight, drops: snap.drops, minRttMs: snap.minRttMs, path: snap.path.map((s) => `${s.at}:${s.limit}`).join(' ') },
			})}\n`,
		);
	} finally {
		await store.close();
		await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
		await admin.end();
		sandbox.child.kill();
	}
}

main().catch((error) => {
	process.stderr.write(`${error.stack ?? error}\n`);
	process.exit(1);
});
