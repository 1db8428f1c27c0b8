import { StoreError } from '../../../src/store';
import { isConnectionError, translateError } from '../../../src/store/errors';

const ctx = { endpoint: 'db:5432', database: 'n8n', user: 'n8n', password: 's3cret-pw' };

function pgError(code: string, message: string, extra: Record<string, unknown> = {}): Error {
	return Object.assign(new Error(message), { code, ...extra });
}

describe('translateError', () => {
	it('turns socket and restart errors into "not reachable", scrubbing the password', () => {
		for (const err of [
			pgError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:5432'),
			pgError('57P01', 'terminating connection due to administrator command'),
			pgError('57P03', 'the database system is starting up'),
			new Error('Connection terminated unexpectedly'),
			new Error('timeout exceeded when trying to connect'),
			Object.assign(new AggregateError([pgError('ECONNREFUSED', 'connect ECONNREFUSED ::1:5432')], ''), {
				code: 'ECONNREFUSED',
			}),
			new Error('failed for postgres://n8n:s3cret-pw@db:5432/n8n'),
		]) {
			const out = translateError(err, ctx);
			expect(out).toBeInstanceOf(StoreError);
			if (err.message.startsWith('failed for')) {
				expect(out.message).toBe('Postgres query failed: failed for postgres://n8n:***@db:5432/n8n');
				continue;
			}
			expect(isConnectionError(err)).toBe(true);
			expect(out).toMatchObject({ code: 'UNREACHABLE' });
			expect(out.message).toMatch(/^Postgres is not reachable at db:5432: .+/);
			expect(out.message).not.toContain('s3cret-pw');
		}
	});

	it('names authentication failures and keeps query errors with their SQLSTATE', () => {
		expect(translateError(pgError('28P01', 'password authentication failed for user "n8n"'), ctx)).toMatchObject({
			code: 'AUTH_FAILED',
			message: 'Postgres rejected the credentials of user "n8n" at db:5432: password authentication failed for user "n8n"',
		});
		const unique = translateError(pgError('23505', 'duplicate key', { constraint: 'x_uq' }), ctx);
		expect(unique).toMatchObject({ code: 'QUERY_FAILED', pgCode: '23505', constraint: 'x_uq' });
		const already = new StoreError('DUPLICATE', 'dup');
		expect(translateError(already, ctx)).toBe(already);
	});
});
