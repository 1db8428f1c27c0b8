import { MAX_PREFIX_LENGTH, normaliseMetakockaHost, validateSchemaName, validateTablePrefix } from '../../../src/store';
import { quoteIdent, resolveStoreOptions, toPoolConfig } from '../../../src/store/config';

const base = { host: 'db.example', database: 'n8n', user: 'n8n', password: 'pw' };

describe('store config', () => {
	it('accepts plain identifiers and rejects anything else', () => {
		expect(validateSchemaName('public')).toBe('public');
		expect(validateSchemaName('_mk_2')).toBe('_mk_2');
		expect(validateTablePrefix('')).toBe('');
		expect(validateTablePrefix('n8n_')).toBe('n8n_');
		for (const bad of ['bad-name; drop table', 'Public', '1abc', 'a b', 'a"b', '', 'pg_temp', 'ščž', 'x'.repeat(41)]) {
			expect(() => validateSchemaName(bad)).toThrow(/Invalid schema name/);
		}
		for (const bad of ['bad-name; drop table', 'X_', '9_', 'p'.repeat(MAX_PREFIX_LENGTH + 1)]) {
			expect(() => validateTablePrefix(bad)).toThrow(/Invalid table prefix/);
		}
		expect(() => resolveStoreOptions({ batchSize: 0 })).toThrow(/batchSize/);
		expect(resolveStoreOptions()).toEqual({
			schema: 'public',
			tablePrefix: '',
			batchSize: 1000,
			lockTimeoutMs: 60_000,
			metakockaHost: 'https://main.metakocka.si',
		});
	});

	it('denies Postgres system schemas, naming why', () => {
		for (const system of ['information_schema', 'pg_catalog', 'pg_toast', 'pg_temp_3', 'pg_toast_temp_1']) {
			expect(() => validateSchemaName(system)).toThrow(/Invalid schema name/);
			expect(() => resolveStoreOptions({ schema: system })).toThrow(new RegExp(system));
		}
		expect(() => validateSchemaName('information_schema')).toThrow(/system schema/);
		expect(validateSchemaName('information')).toBe('information');
		expect(validateSchemaName('metakocka')).toBe('metakocka');
	});

	it('normalises the Metakocka host that keys the store', () => {
		expect(normaliseMetakockaHost('HTTPS://Main.Metakocka.si/')).toBe('https://main.metakocka.si');
		expect(normaliseMetakockaHost(' https://devmainsi.metakocka.si ')).toBe('https://devmainsi.metakocka.si');
		expect(normaliseMetakockaHost('http://127.0.0.1:8080/mk//')).toBe('http://127.0.0.1:8080/mk');
		for (const bad of ['', 'main.metakocka.si', 'ftp://x', 'https://']) {
			expect(() => normaliseMetakockaHost(bad)).toThrow(/Invalid Metakocka host/);
		}
	});

	it('quotes identifiers', () => {
		expect(quoteIdent('public')).toBe('"public"');
		expect(quoteIdent('a"b')).toBe('"a""b"');
	});

	it('maps n8n SSL modes onto node-postgres options', () => {
		expect(toPoolConfig(base).ssl).toBe(false);
		expect(toPoolConfig({ ...base, ssl: 'disable' }).ssl).toBe(false);
		expect(toPoolConfig({ ...base, ssl: 'allow' }).ssl).toBe(false);
		expect(toPoolConfig({ ...base, ssl: 'require' }).ssl).toEqual({ rejectUnauthorized: false });
		expect(toPoolConfig({ ...base, ssl: 'verify-full' }).ssl).toEqual({ rejectUnauthorized: true });
		expect(toPoolConfig({ ...base, ssl: true }).ssl).toEqual({ rejectUnauthorized: true });
		const verifyCa = toPoolConfig({ ...base, ssl: 'verify' }).ssl as { rejectUnauthorized: boolean; checkServerIdentity: () => unknown };
		expect(verifyCa.rejectUnauthorized).toBe(true);
		expect(verifyCa.checkServerIdentity()).toBeUndefined();
		expect(toPoolConfig({ ...base, ssl: 'verify-full', allowUnauthorizedCerts: true }).ssl).toEqual({
			rejectUnauthorized: false,
		});
		expect(() => toPoolConfig({ ...base, ssl: 'prefer' as never })).toThrow(/Unknown Postgres SSL mode/);
	});

	it('fills in pool defaults and keeps at least two connections', () => {
		const cfg = toPoolConfig(base);
		expect(cfg).toMatchObject({ host: 'db.example', port: 5432, database: 'n8n', user: 'n8n', password: 'pw', max: 10 });
		expect(toPoolConfig({ ...base, maxConnections: 1 }).max).toBe(2);
		expect(toPoolConfig({ ...base, port: 6543, maxConnections: 50 })).toMatchObject({ port: 6543, max: 50 });
		expect(() => toPoolConfig({ ...base, host: '' })).toThrow(/host is required/);
		expect(() => toPoolConfig({ ...base, port: 70000 })).toThrow(/Invalid Postgres port/);
	});
});
