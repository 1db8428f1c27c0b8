import { appendFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Everything the suite's nodes produce (output items, error messages, log lines, error-log rows,
// child-process results) is kept here per test file; setup/perFile.ts scans it for every secret
// registered with registerSecret() and fails the file on a hit.

interface CaptureState {
	texts: string[];
	bytes: number;
	secrets: Set<string>;
}

const KEY = Symbol.for('n8n-nodes-metakocka.reliability.capture');

export function captureState(): CaptureState {
	const g = globalThis as typeof globalThis & { [KEY]?: CaptureState };
	g[KEY] ??= { texts: [], bytes: 0, secrets: new Set() };
	return g[KEY];
}

/** A secret the suite uses; empty strings are ignored (e.g. a trust-auth Postgres password). */
export function registerSecret(...secrets: Array<string | undefined>): void {
	for (const s of secrets) if (typeof s === 'string' && s.length >= 6) captureState().secrets.add(s);
}

/** JSON with cycles, Buffers, Errors (message, description, own props) and bigints handled. */
export function toText(value: unknown): string {
	if (typeof value === 'string') return value;
	const seen = new WeakSet<object>();
	try {
		return (
			JSON.stringify(value, (_k, v: unknown) => {
				if (typeof v === 'bigint') return v.toString();
				if (Buffer.isBuffer(v)) return v.toString('utf8');
				if (v && typeof v === 'object') {
					if (seen.has(v)) return '[Circular]';
					seen.add(v);
					if (v instanceof Error) {
						const own: Record<string, unknown> = {};
						for (const k of Object.getOwnPropertyNames(v)) own[k] = (v as unknown as Record<string, unknown>)[k];
						return { name: v.name, message: v.message, stack: v.stack, ...own, cause: (v as { cause?: unknown }).cause };
					}
				}
				return v;
			}) ?? String(value)
		);
	} catch {
		return String(value);
	}
}

export function capture(value: unknown): void {
	const text = toText(value);
	const state = captureState();
	state.texts.push(text);
	state.bytes += text.length;
}

export function scanForSecrets(texts: string[], secrets: Iterable<string>): Array<{ secret: string; text: string }> {
	const hits: Array<{ secret: string; text: string }> = [];
	const list = [...secrets];
	for (const text of texts) {
		for (const secret of list) {
			if (text.includes(secret)) hits.push({ secret: `${secret.slice(0, 4)}…`, text: text.slice(0, 200) });
		}
	}
	return hits;
}

export function runDir(): string {
	const dir = process.env.MK_RELIABILITY_RUN_DIR ?? join(tmpdir(), `mk-reliability-${process.pid}`);
	mkdirSync(dir, { recursive: true });
	return dir;
}

/** A figure for the closing summary (printed now, and again by the global teardown). */
export function report(line: string): void {
	appendFileSync(join(runDir(), 'summary.txt'), `${line}\n`);
	process.stdout.write(`\n[reliability] ${line}\n`);
}
