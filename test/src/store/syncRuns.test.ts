import { MAX_RUN_ERRORS, MappingStore } from '../../../src/store';
import { PG, newPool, storeSuite } from './helpers';

const t = storeSuite();

const run = (over: Partial<Parameters<MappingStore['syncRuns']['record']>[0]> = {}) => ({
	companyId: 'c1',
	node: 'n8n-nodes-metakocka.metakockaContact',
	operation: 'sync',
	executionId: '41',
	dryRun: false,
	startedAt: new Date(Date.now() - 2000),
	finishedAt: new Date(),
	counts: { created: 3, unchanged: 5, failed: 0 },
	errors: [],
	...over,
});

describe('sync run history', () => {
	it('records a run with its counts, totals and first errors; lists newest first per company', async () => {
		const first = await t.store.syncRuns.record(run());
		expect(first).toMatchObject({ companyId: 'c1', executionId: '41', dryRun: false, total: 8, failed: 0, counts: { created: 3, unchanged: 5 } });
		const errors = Array.from({ length: MAX_RUN_ERRORS + 5 }, (_, i) => ({ itemIndex: i, crmId: `crm-${i}`, code: '2', message: `bad ${i}`.repeat(100) }));
		const second = await t.store.syncRuns.record(run({ dryRun: true, counts: { created: 1, failed: 25 }, errors, executionId: null }));
		expect(second).toMatchObject({ dryRun: true, total: 26, failed: 25, executionId: null });
		expect(second.firstErrors).toHaveLength(MAX_RUN_ERRORS);
		expect(second.firstErrors[0]).toMatchObject({ itemIndex: 0, crmId: 'crm-0', code: '2' });
		expect(second.firstErrors[0].message.length).toBeLessThanOrEqual(500);
		await t.store.syncRuns.record(run({ companyId: 'c2' }));

		expect((await t.store.syncRuns.list('c1')).map((r) => r.id)).toEqual([second.id, first.id]);
		expect((await t.store.syncRuns.list('c1', { onlyFailed: true })).map((r) => r.id)).toEqual([second.id]);
		expect(await t.store.syncRuns.list('c1', { operation: 'import' })).toEqual([]);
		expect(await t.store.syncRuns.list('c1', { since: new Date(Date.now() + 60_000) })).toEqual([]);
		expect(await t.store.syncRuns.list('c1', { limit: 1 })).toHaveLength(1);
		expect((await t.store.syncRuns.list('c2')).map((r) => r.companyId)).toEqual(['c2']);
	});

	it('drops the company\'s runs older than the retention on the next write, and no other company\'s', async () => {
		const old = new Date(Date.now() - 10 * 86_400_000);
		const stale = await t.store.syncRuns.record(run({ companyId: 'r1', startedAt: old, finishedAt: old }));
		const otherStale = await t.store.syncRuns.record(run({ companyId: 'r2', startedAt: old, finishedAt: old }));
		const listed = async (company: string) => (await t.store.syncRuns.list(company)).map((r) => r.id);
		// Written with the default retention (30 days): a 10-day-old run stays.
		expect(await listed('r1')).toEqual([stale.id]);
		const fresh = await t.store.syncRuns.record(run({ companyId: 'r1' }), { retentionDays: 7 });
		expect(await listed('r1')).toEqual([fresh.id]);
		expect(await listed('r2')).toEqual([otherStale.id]);
	});

	it('keeps runs per Metakocka host: a test host never lists or prunes production runs', async () => {
		const other = await MappingStore.open(PG, { schema: t.schema, metakockaHost: 'https://devmainsi.metakocka.si' });
		try {
			const old = new Date(Date.now() - 10 * 86_400_000);
			const prodOld = await t.store.syncRuns.record(run({ companyId: 'h1', startedAt: old, finishedAt: old }));
			await other.syncRuns.record(run({ companyId: 'h1' }), { retentionDays: 1 });
			expect((await t.store.syncRuns.list('h1')).map((r) => r.id)).toEqual([prodOld.id]);
			expect(await other.syncRuns.list('h1')).toHaveLength(1);
		} finally {
			await other.close();
		}
	});

	it('rejects bad input before writing anything', async () => {
		const pool = newPool(1);
		const count = async () => Number((await pool.query(`SELECT count(*) AS n FROM "${t.schema}".metakocka_sync_runs`)).rows[0].n);
		try {
			const before = await count();
			await expect(t.store.syncRuns.record(run(), { retentionDays: 0 })).rejects.toThrow(/between 1 and/);
			await expect(t.store.syncRuns.record(run({ counts: { created: -1 } }))).rejects.toThrow(/non-negative/);
			await expect(t.store.syncRuns.record(run({ companyId: '' }))).rejects.toThrow(/company id/);
			await expect(t.store.syncRuns.record(run({ startedAt: new Date('x') }))).rejects.toThrow(/valid date/);
			expect(await count()).toBe(before);
		} finally {
			await pool.end();
		}
	});
});
