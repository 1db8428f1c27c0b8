import { MappingStore, StoreError } from '../../../src/store';
import { PG, dropSchema, randomSchema } from './helpers';

const schema = randomSchema();
let store: MappingStore;

beforeAll(async () => {
	store = await MappingStore.open(PG, { schema, tablePrefix: 'n8n_' });
});

afterAll(async () => {
	await store.close();
	await dropSchema(schema);
});

describe('email templates', () => {
	it('create, get by name and id, update, list, delete', async () => {
		const created = await store.templates.create('c1', {
			name: 'order-confirmation',
			subject: 'Order {{countCode}}',
			body: 'Hello {{name}}',
		});
		expect(created).toMatchObject({
			companyId: 'c1',
			name: 'order-confirmation',
			subject: 'Order {{countCode}}',
			body: 'Hello {{name}}',
			description: null,
		});
		expect(await store.templates.get('c1', 'order-confirmation')).toEqual(created);
		expect(await store.templates.get('c1', created.id)).toEqual(created);

		const updated = await store.templates.update('c1', created.id, { description: 'Sent after import', body: 'Hi' });
		expect(updated).toMatchObject({ name: 'order-confirmation', subject: 'Order {{countCode}}', body: 'Hi', description: 'Sent after import' });
		expect(updated!.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());

		await store.templates.create('c1', { name: 'a-first', body: 'x' });
		expect((await store.templates.list('c1')).map((t) => t.name)).toEqual(['a-first', 'order-confirmation']);
		expect((await store.templates.list('c1', { limit: 1, offset: 1 })).map((t) => t.name)).toEqual(['order-confirmation']);

		expect(await store.templates.delete('c1', 'order-confirmation')).toBe(true);
		expect(await store.templates.delete('c1', 'order-confirmation')).toBe(false);
		expect(await store.templates.get('c1', 'order-confirmation')).toBeNull();
		expect(await store.templates.update('c1', 'order-confirmation', { body: 'y' })).toBeNull();
	});

	it('rejects a duplicate name with a clear error, also on rename', async () => {
		await store.templates.create('c2', { name: 'welcome', body: 'a' });
		const err = await store.templates.create('c2', { name: 'welcome', body: 'b' }).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(StoreError);
		expect(err).toMatchObject({ code: 'DUPLICATE' });
		expect((err as Error).message).toBe('An email template named "welcome" already exists for company c2');

		await store.templates.create('c2', { name: 'other', body: 'c' });
		await expect(store.templates.update('c2', 'other', { name: 'welcome' })).rejects.toMatchObject({ code: 'DUPLICATE' });
	});

	it('names are per company', async () => {
		await store.templates.create('x', { name: 'same', body: 'from x' });
		await store.templates.create('y', { name: 'same', body: 'from y' });
		expect((await store.templates.get('x', 'same'))?.body).toBe('from x');
		const fromY = await store.templates.get('y', 'same');
		// Company x cannot reach y's template by id either.
		expect(await store.templates.get('x', fromY!.id)).toBeNull();
		expect(await store.templates.delete('x', fromY!.id)).toBe(false);
		expect(await store.templates.update('x', fromY!.id, { body: 'hijack' })).toBeNull();
		expect((await store.templates.get('y', 'same'))?.body).toBe('from y');
	});

	it('a numeric-looking string is a name, not an id', async () => {
		const t = await store.templates.create('c3', { name: '42', body: 'b' });
		expect((await store.templates.get('c3', '42'))?.id).toBe(t.id);
	});
});
