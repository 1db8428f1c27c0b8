import { setTimeout as delay } from 'node:timers/promises';

import { settle } from './errors';

// Exponential backoff with full jitter (delay = random(0, min(cap, base * 2^attempt))): spreads out
// clients that failed together instead of retrying in lockstep.

export interface RetryPolicy {
	maxRetries: number;
	baseDelayMs: number;
	maxDelayMs: number;
	random?: () => number;
	sleep?: (ms: number) => Promise<void>;
	onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

export const sleep = async (ms: number): Promise<void> => {
	await delay(Math.max(0, ms));
};

export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs: number, random: () => number = Math.random): number {
	const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
	return Math.floor(random() * ceiling);
}

/** Runs fn; while shouldRetry(error) and retries remain, waits and runs it again. attempt is 0-based. */
export async function withRetry<T>(
	fn: (attempt: number) => Promise<T>,
	shouldRetry: (error: unknown) => boolean,
	policy: RetryPolicy,
): Promise<T> {
	const wait = policy.sleep ?? sleep;
	for (let attempt = 0; ; attempt++) {
		const outcome = await settle(() => fn(attempt));
		if (outcome.ok) return outcome.value;
		if (attempt >= policy.maxRetries || !shouldRetry(outcome.error)) throw outcome.error;
		const delay = backoffDelay(attempt, policy.baseDelayMs, policy.maxDelayMs, policy.random);
		policy.onRetry?.(outcome.error, attempt + 1, delay);
		await wait(delay);
	}
}
