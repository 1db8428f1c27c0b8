import { MappingStore } from '../../../src/store';
import { PG, dropSchema, randomSchema } from './helpers';

const schema = randomSchema();
let store: MappingStore;

beforeAll(async () => {
	store = await MappingStore.open(PG, { schema });
});

afterAll(async () => {
	await store.close();
	await dropSchema(schema);
});

describe('sync state', () => {
	it('round-trips JSON values per company and key', async () => {
		expect(await store.syncState.get('c1', 'contacts.cursor')).toBeUndefined();
		await store.syncState.set('c1', 'contacts.cursor', { changedSince: '2024-05-01T10:00:00+02:00', page: 3 });
		expect(await store.syncState.get('c1', 'contacts.cursor')).toEqual({
			changedSince: '2024-05-01T10:00:00+02:00',
			page: 3,
		});
		await store.syncState.set('c1', 'contacts.cursor', 'done');
		expect(await store.syncState.get('c1', 'contacts.cursor')).toBe('done');
		await store.syncState.set('c1', 'n', 0);
		expect(await store.syncState.get('c1', 'n')).toBe(0);
		await store.syncState.set('c1', 'arr', [1, 'two']);
		expect(await store.syncState.get('c1', 'arr')).toEqual([1, 'two']);
		await store.syncState.set('c1', 'nothing', null);
		expect(await store.syncState.get('c1', 'nothing')).toBeNull();

		expect(await store.syncState.get('c2', 'contacts.cursor')).toBeUndefined();
		expect(await store.syncState.delete('c1', 'contacts.cursor')).toBe(true);
		expect(await store.syncState.get('c1', 'contacts.cursor')).toBeUndefined();
		await expect(store.syncState.set('c1', 'k', undefined)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
	});
});
