import { randomBytes } from 'node:crypto';
import type { IDataObject, INodeExecutionData, INodeType } from 'n8n-workflow';
import { Pool } from 'pg';

import { defaultSeed } from '../../../src/sandbox';
import { type FaultKind, type FaultSpec, SandboxServer, type SandboxCompany, type SandboxStore } from '../../../src/sandbox/server';
import { PG } from '../../helpers/env';
import { CRM_CONTACT_FIELDS, fakeExecuteFunctions, type FakeRun, type LogLine } from '../../helpers/n8n';
import { capture, registerSecret } from './capture';

export const WRITE_METHODS = ['put_document', 'update_document', 'delete_document', 'change_document_status', 'add_partner', 'update_partner', 'product_add', 'product_update', 'product_delete', 'sync_stock', 'send_message'];

/**
 * The sandbox, built from its server class so the suite can count the faults it injects per kind
 * (the sandbox's own counter has one total). Faults: the sandbox's seeded random rate (HTTP 503,
 * dropped connections, opr_code errors, applied-but-lost writes) plus scheduled ones (HTTP 500,
 * responses held past the client timeout).
 */
export class CountingSandbox {
	readonly faults: Record<FaultKind, number> = { http_500: 0, http_503: 0, drop: 0, timeout: 0, opr_error: 0, applied_lost: 0, html_404: 0, slow_answer: 0 };
	readonly faultsByMethod: Record<string, number> = {};
	/** Called as each Metakocka call arrives, before the sandbox applies it. */
	onCall?: (method: string) => void;
	private constructor(readonly server: SandboxServer) {
		const take = (server as unknown as { takeFault(method: string): FaultSpec | undefined }).takeFault.bind(server);
		(server as unknown as { takeFault(method: string): FaultSpec | undefined }).takeFault = (method: string) => {
			this.onCall?.(method);
			const fault = take(method);
			if (fault) {
				this.faults[fault.kind]++;
				this.faultsByMethod[method] = (this.faultsByMethod[method] ?? 0) + 1;
			}
			return fault;
		};
	}

	static async start(opts: { companies: SandboxCompany[]; faultRate?: number; faultSeed?: number; latencyMs?: number }): Promise<CountingSandbox> {
		const server = new SandboxServer({
			companies: opts.companies,
			latencyMs: opts.latencyMs ?? 0,
			faultRate: opts.faultRate ?? 0,
			faultSeed: opts.faultSeed ?? 1,
			seed: defaultSeed(),
		});
		await server.listen(0, '127.0.0.1');
		return new CountingSandbox(server);
	}

	get baseUrl(): string {
		return this.server.baseUrl;
	}
	counters(): Record<string, number> {
		return this.server.counters();
	}
	store(companyId?: string): SandboxStore {
		return this.server.store(companyId);
	}
	injectFault(spec: FaultSpec): void {
		this.server.injectFault(spec);
	}
	setFaultRate(rate: number): void {
		this.server.setFaultRate(rate);
	}
	clearFaults(): void {
		this.server.clearFaults();
	}
	totalFaults(): number {
		return Object.values(this.faults).reduce((a, b) => a + b, 0);
	}
	close(): Promise<void> {
		return this.server.close();
	}
}

export interface Company {
	companyId: string;
	secretKey: string;
}

export interface ReliabilityEnv {
	sandbox: CountingSandbox;
	schema: string;
	companies: Company[];
	pool: Pool;
	mappingStore: { schema: string };
	credentials(company?: Company): { metakockaApi: IDataObject; postgres: IDataObject };
	close(): Promise<void>;
}

export const newSecret = (label: string): string => `${label}-${randomBytes(12).toString('hex')}`;

/**
 * The Postgres password the nodes get. The test database trusts local connections, so any
 * password works: a random one gives the secret scan a second key to look for.
 */
export const PG_PASSWORD = PG.password || newSecret('rel-pg-password');

/** A sandbox with the given companies (random secrets, registered for the scan) and a fresh schema. */
export async function startEnv(opts: { companies?: number; faultRate?: number; faultSeed?: number; latencyMs?: number } = {}): Promise<ReliabilityEnv> {
	const companies: Company[] = Array.from({ length: opts.companies ?? 1 }, (_, i) => ({ companyId: String(16 + i * 61), secretKey: newSecret(`rel-secret-${i}`) }));
	registerSecret(...companies.map((c) => c.secretKey), PG_PASSWORD);
	const sandbox = await CountingSandbox.start({ companies, faultRate: opts.faultRate, faultSeed: opts.faultSeed, latencyMs: opts.latencyMs });
	const schema = `mk_rel_${randomBytes(5).toString('hex')}`;
	const pool = new Pool({ ...PG, max: 3 });
	pool.on('error', () => undefined);
	return {
		sandbox,
		schema,
		companies,
		pool,
		mappingStore: { schema },
		credentials: (company = companies[0]) => ({
			metakockaApi: { companyId: company.companyId, secretKey: company.secretKey, baseUrl: sandbox.baseUrl },
			postgres: { ...PG, password: PG_PASSWORD, ssl: 'disable' },
		}),
		async close() {
			await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
			await pool.end();
			await sandbox.close();
		},
	};
}

/** What one execute() produced; every item, error and log line is also captured for the secret scan. */
export interface NodeRun {
	items: INodeExecutionData[];
	error?: Error & { description?: string };
	logs: LogLine[];
}

export async function runNode(node: INodeType, run: FakeRun): Promise<NodeRun> {
	const logs: LogLine[] = [];
	let items: INodeExecutionData[] = [];
	let error: NodeRun['error'];
	try {
		const out = await node.execute!.call(fakeExecuteFunctions(run, logs));
		items = (out as INodeExecutionData[][])[0] ?? [];
	} catch (e) {
		error = e as NodeRun['error'];
	}
	for (const item of items) capture(item);
	if (error) capture({ message: error.message, description: error.description, error });
	for (const line of logs) capture(line);
	return { items, error, logs };
}

/**
 * Rows per data table. The run history (metakocka_sync_runs) is left out on purpose: every run,
 * a refused one included, leaves its row there (runHistoryRows counts them).
 */
export async function rowCounts(pool: Pool, schema: string): Promise<Record<string, number>> {
	const tables = await pool.query<{ table_name: string }>(
		"SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name NOT IN ('metakocka_schema_migrations', 'metakocka_sync_runs') ORDER BY 1",
		[schema],
	);
	const out: Record<string, number> = {};
	for (const { table_name } of tables.rows) {
		out[table_name] = (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}"."${table_name}"`)).rows[0].n;
	}
	return out;
}

/** Run-history rows: all, and those of runs in which an item failed. */
export async function runHistoryRows(pool: Pool, schema: string): Promise<{ all: number; failed: number }> {
	const exists = await pool.query(`SELECT to_regclass($1) AS t`, [`"${schema}".metakocka_sync_runs`]);
	if (!exists.rows[0].t) return { all: 0, failed: 0 };
	const { rows } = await pool.query(`SELECT count(*)::int AS all, count(*) FILTER (WHERE failed > 0)::int AS failed FROM "${schema}".metakocka_sync_runs`);
	return { all: rows[0].all, failed: rows[0].failed };
}

/** The error-log rows go through the secret scan too. */
export async function captureErrorLog(pool: Pool, schema: string): Promise<number> {
	const exists = await pool.query(`SELECT to_regclass($1) AS t`, [`"${schema}".metakocka_error_log`]);
	if (!exists.rows[0].t) return 0;
	const { rows } = await pool.query(`SELECT * FROM "${schema}".metakocka_error_log`);
	for (const row of rows) capture(row);
	return rows.length;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Node parameters reading a CRM contact item {id, name, email, phone, street, postCode, city, country, taxNumber, isCompany}. */
type Item = { json: IDataObject };
export const CONTACT_PARAMS: FakeRun['params'] = {
	resource: 'partner',
	operation: 'sync',
	...CRM_CONTACT_FIELDS,
	crmId: (_i: number, item: Item) => item.json.id ?? null,
	syncOptions: {},
};

export const PRODUCT_PARAMS: FakeRun['params'] = {
	resource: 'product',
	operation: 'sync',
	crmId: (_i: number, item: Item) => item.json.id ?? null,
	code: (_i: number, item: Item) => item.json.sku ?? '',
	name: (_i: number, item: Item) => item.json.title ?? '',
	unit: (_i: number, item: Item) => item.json.unit ?? '',
	price: (_i: number, item: Item) => item.json.price ?? '',
	pricelist: (_i: number, item: Item) => (item.json.price === undefined ? '' : 'MPC'),
	otherFields: (_i: number, item: Item) => (item.json.countCode ? { field: [{ name: 'count_code', value: item.json.countCode }] } : {}),
	extraColumns: {},
	syncOptions: {},
};

/** A CRM order item: {id, type, contactId, date, number, lines: [{productId, amount, price}]}. */
export const DOCUMENT_PARAMS: FakeRun['params'] = {
	resource: 'salesDocument',
	operation: 'sync',
	docType: (_i: number, item: Item) => item.json.type ?? 'sales_order',
	crmId: (_i: number, item: Item) => item.json.id ?? null,
	partnerSource: 'crmContact',
	partnerCrmId: (_i: number, item: Item) => item.json.contactId,
	docDate: (_i: number, item: Item) => item.json.date,
	linesSource: 'json',
	linesJson: (_i: number, item: Item) => item.json.lines,
	additionalFields: (_i: number, item: Item) => (item.json.number ? { count_code: item.json.number } : {}),
	syncOptions: {},
};
