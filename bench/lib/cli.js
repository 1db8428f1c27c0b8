'use strict';
// What the plain-Node bench scripts share: their --name value arguments and the built package.
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

/** The value after --name on the command line, or the fallback. */
function arg(name, fallback) {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? process.argv[i + 1] : fallback;
}

/** A module of the built package (dist/src/...): run `npm run build` first. */
const dist = (p) => require(path.join(ROOT, 'dist', 'src', p));

/** This machine's Postgres (PG* variables override), as the plain-Node bench scripts connect to it. */
function pgConfig() {
	return {
		host: process.env.PGHOST || '127.0.0.1',
		port: Number(process.env.PGPORT || 5432),
		database: process.env.PGDATABASE || 'test',
		user: process.env.PGUSER || 'postgres',
		password: process.env.PGPASSWORD || undefined,
		ssl: 'disable',
	};
}

module.exports = { ROOT, arg, dist, pgConfig };
