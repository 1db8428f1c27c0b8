// Finds the Postgres that n8n's Postgres credential (and so the mapping store) should use:
// DATABASE_URL, else the PG* environment variables, else 127.0.0.1:5432 (database `test`, then
// `postgres`). When none answers and `embedded` is allowed, starts an embedded Postgres: PGlite
// (Postgres compiled to WebAssembly) behind pglite-socket's wire-protocol server on 127.0.0.1.
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

function fromUrl(url) {
	const u = new URL(url);
	return {
		host: decodeURIComponent(u.hostname) || '127.0.0.1',
		port: Number(u.port || 5432),
		database: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres',
		user: decodeURIComponent(u.username) || 'postgres',
		password: decodeURIComponent(u.password),
	};
}

function candidates(env = process.env) {
	if (env.DATABASE_URL) return [{ ...fromUrl(env.DATABASE_URL), source: 'DATABASE_URL' }];
	const base = {
		host: env.PGHOST || '127.0.0.1',
		port: Number(env.PGPORT || 5432),
		user: env.PGUSER || 'postgres',
		password: env.PGPASSWORD || '',
	};
	const source = env.PGHOST || env.PGPORT || env.PGDATABASE ? 'PG environment' : 'default 127.0.0.1:5432';
	if (env.PGDATABASE) return [{ ...base, database: env.PGDATABASE, source }];
	return [
		{ ...base, database: 'test', source },
		{ ...base, database: 'postgres', source },
	];
}

async function answers(config, timeoutMs = 3000) {
	const { Client } = require(require.resolve('pg', { paths: [ROOT] }));
	const client = new Client({ ...config, connectionTimeoutMillis: timeoutMs });
	try {
		await client.connect();
		await client.query('SELECT 1');
		return true;
	} catch {
		return false;
	} finally {
		await client.end().catch(() => {});
	}
}

const PGLITE = { '@electric-sql/pglite': '0.5.14', '@electric-sql/pglite-socket': '0.2.17' };

/**
 * PGlite is needed only when no Postgres answers, so it is not a dependency of the package: it is
 * installed on first use into the same cache folder as the n8n runtime (scripts/n8n-runtime.js).
 */
function ensurePglite(log) {
	const { cacheRoot } = require('../n8n-runtime');
	const dir = path.join(cacheRoot(), `pglite-${PGLITE['@electric-sql/pglite']}`);
	const ready = Object.entries(PGLITE).every(([name, version]) => {
		try {
			return JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')).version === version;
		} catch {
			return false;
		}
	});
	if (!ready) {
		log(`installing the embedded Postgres (PGlite) into ${dir}`);
		fs.mkdirSync(dir, { recursive: true });
		if (!fs.existsSync(path.join(dir, 'package.json'))) fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"pglite-runtime","private":true}\n');
		// --legacy-peer-deps: pglite-socket lists every PGlite extension as a peer; none is needed.
		execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--legacy-peer-deps', '--loglevel=error', ...Object.entries(PGLITE).map(([n, v]) => `${n}@${v}`)], {
			cwd: dir,
			stdio: ['ignore', 'ignore', 'inherit'],
		});
	}
	return dir;
}

/** Starts PGlite behind a Postgres wire-protocol socket on 127.0.0.1. */
async function startEmbedded({ port = 0, dataDir, log = () => {} } = {}) {
	const dir = ensurePglite(log);
	const { PGlite } = await import(require.resolve('@electric-sql/pglite', { paths: [dir] }));
	const { PGLiteSocketServer } = await import(require.resolve('@electric-sql/pglite-socket', { paths: [dir] }));
	const db = dataDir ? new PGlite(dataDir) : new PGlite();
	await db.waitReady;
	// One PGlite, many clients: the server queues their queries and keeps a transaction to its client.
	const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 100 });
	await server.start();
	const address = server.server?.address?.();
	const actualPort = typeof address === 'object' && address ? address.port : port;
	log(`embedded Postgres (PGlite) on 127.0.0.1:${actualPort}${dataDir ? ` with data in ${dataDir}` : ''}`);
	return {
		config: { host: '127.0.0.1', port: actualPort, database: 'postgres', user: 'postgres', password: '', source: 'embedded PGlite' },
		async stop() {
			await server.stop().catch(() => {});
			await db.close().catch(() => {});
		},
	};
}

/** The first Postgres that answers, or an embedded one (when allowed); `stop` is a no-op for a found one. */
async function resolvePostgres({ embedded = false, embeddedPort = 0, dataDir, log = () => {} } = {}) {
	for (const config of candidates()) {
		if (await answers(config)) {
			log(`Postgres ${config.host}:${config.port}/${config.database} (${config.source})`);
			return { config, embedded: false, stop: async () => {} };
		}
	}
	if (!embedded) {
		const tried = candidates()
			.map((c) => `${c.host}:${c.port}/${c.database}`)
			.join(', ');
		throw new Error(`No Postgres answered (tried ${tried}); set DATABASE_URL or PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE`);
	}
	const started = await startEmbedded({ port: embeddedPort, dataDir, log });
	return { config: started.config, embedded: true, stop: started.stop };
}

module.exports = { resolvePostgres, startEmbedded, candidates, answers };
