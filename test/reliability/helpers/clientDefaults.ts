import type { ClientOptions } from '../../../src/client';

/**
 * The client options the reliability suite runs the nodes with. The nodes expose no timeout (the
 * client's default is 30 s), so the suite scales the client's clock down instead of waiting
 * minutes per slow response: a 1 s timeout, a 100 ms pause before a reconcile lookup (the same
 * order of magnitude relative to the timeout as the defaults 30 s / 1 s), and short retry backoff.
 * Child processes get the same values through MK_RELIABILITY_CLIENT_OPTIONS.
 */
export const RELIABILITY_CLIENT_OPTIONS: ClientOptions = {
	timeoutMs: 1000,
	reconcileDelayMs: 100,
	retryBaseDelayMs: 20,
	retryMaxDelayMs: 200,
};

export function clientDefaults(): ClientOptions {
	const fromEnv = process.env.MK_RELIABILITY_CLIENT_OPTIONS;
	return fromEnv ? (JSON.parse(fromEnv) as ClientOptions) : RELIABILITY_CLIENT_OPTIONS;
}
