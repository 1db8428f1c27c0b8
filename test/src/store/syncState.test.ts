import { storeSuite } from './helpers';

const t = storeSuite();

describe('sync state', () => {
	it('round-trips JSON values per company and key', async () => {
		expect(await t.store.syncState.get('c1', 'contacts.cursor')).toBeUndefined();
		await t.store.syncState.set('c1', 'contacts.cursor', { changedSince: '2024-05-01T10:00:00+02:00', page: 3 });
		expect(await t.store.syncState.get('c1', 'contacts.cursor')).toEqual({
			changedSince: '2024-05-01T10:00:00+02:00',
			page: 3,
		});
		await t.store.syncState.set('c1', 'contacts.cursor', 'done');
		expect(await t.store.syncState.get('c1', 'contacts.cursor')).toBe('done');
		await t.store.syncState.set('c1', 'n', 0);
		expect(await t.store.syncState.get('c1', 'n')).toBe(0);
		await t.store.syncState.set('c1', 'arr', [1, 'two']);
		expect(await t.store.syncState.get('c1', 'arr')).toEqual([1, 'two']);
		await t.store.syncState.set('c1', 'nothing', null);
		expect(await t.store.syncState.get('c1', 'nothing')).toBeNull();

		expect(await t.store.syncState.get('c2', 'contacts.cursor')).toBeUndefined();
		expect(await t.store.syncState.delete('c1', 'contacts.cursor')).toBe(true);
		expect(await t.store.syncState.get('c1', 'contacts.cursor')).toBeUndefined();
		await expect(t.store.syncState.set('c1', 'k', undefined)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
	});
});
