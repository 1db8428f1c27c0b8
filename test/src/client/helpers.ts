import nock from 'nock';
import { MetakockaClient, type ClientLogger, type ClientOptions } from '../../../src/client';

export const BASE = 'https://mk.example.test';
export const COMPANY = '4242';
/** Distinctive so any leak is found by a plain substring search. */
export const SECRET = 'sk-LEAKCHECK-7f3a9c21-dont-print';

export const auth = { secret_key: SECRET, company_id: COMPANY };

export function makeClient(options: ClientOptions = {}, companyId = COMPANY, baseUrl = BASE): MetakockaClient {
	return new MetakockaClient(
		{ companyId, secretKey: SECRET, baseUrl },
		{ retryBaseDelayMs: 1, reconcileDelayMs: 0, timeoutMs: 2000, ...options },
	);
}

export function mk(): nock.Scope {
	return nock(BASE);
}

export function ok(extra: Record<string, unknown> = {}): Record<string, unknown> {
	return { opr_code: '0', opr_time_ms: '12', ...extra };
}

export interface CapturingLogger extends ClientLogger {
	lines: Array<{ level: string; message: string; meta?: Record<string, unknown> }>;
	text(): string;
}

export function capturingLogger(): CapturingLogger {
	const lines: CapturingLogger['lines'] = [];
	return {
		lines,
		debug: (message, meta) => lines.push({ level: 'debug', message, meta }),
		warn: (message, meta) => lines.push({ level: 'warn', message, meta }),
		text: () => JSON.stringify(lines),
	};
}

/** Runs fn, expects a rejection, returns the error. */
export async function failure(fn: () => Promise<unknown>): Promise<any> {
	try {
		await fn();
	} catch (error) {
		return error;
	}
	throw new Error('expected a rejection');
}

// Registered on import: importing nock patches http, and jest reuses a worker for several files,
// so every file that loads nock through here must also restore it, or the next file's nock is
// layered over this one.
beforeAll(() => {
	if (!nock.isActive()) nock.activate();
	nock.disableNetConnect();
	// Real sockets only for the ECONNREFUSED tests (127.0.0.1:1).
	nock.enableNetConnect('127.0.0.1');
});
afterEach(() => {
	nock.cleanAll();
});
afterAll(() => {
	nock.cleanAll();
	nock.enableNetConnect();
	nock.restore();
});

/** A dropped connection as nock delivers it (an Error instance keeps its code). */
export function connectionReset(message = 'socket hang up'): Error {
	return Object.assign(new Error(message), { code: 'ECONNRESET' });
}
