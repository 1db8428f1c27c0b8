import { sleep } from '../client/retry';
import { StoreError } from '../store';

/** Pauses between attempts to save a mapping while Postgres is unreachable (a restart takes seconds). */
export const RECORD_RETRY_DELAYS_MS = [250, 1000, 2500];

export interface WrittenObject {
	/** "partner", "product", "sales_order"… */
	what: string;
	mkId: string;
	/** How a later Sync finds it again without the mapping; undefined = it cannot. */
	adoptBy?: string;
}


/**
 * Saves the mapping of an object that is already written to Metakocka. This is the one moment
 * where a Postgres outage can separate the two: the save is retried while Postgres is unreachable,
 * and if it still fails, the error says which Metakocka object was written and how the next Sync
 * finds it, instead of a bare "Postgres is not reachable" that hides a successful write.
 */
export async function recordAfterWrite<T>(written: WrittenObject, save: () => Promise<T>, delays: number[] = RECORD_RETRY_DELAYS_MS): Promise<T> {
	let failure: unknown;
	for (let attempt = 0; ; attempt++) {
		const outcome = await save().then(
			(value) => ({ ok: true as const, value }),
			(error: unknown) => ({ ok: false as const, error }),
		);
		if (outcome.ok) return outcome.value;
		failure = outcome.error;
		const unreachable = failure instanceof StoreError && failure.code === 'UNREACHABLE';
		if (!unreachable || attempt >= delays.length) break;
		await sleep(delays[attempt]);
	}
	const reason = failure instanceof Error ? failure.message : String(failure);
	const next = written.adoptBy
		? `Run Sync again once Postgres is back: with Match Existing on it finds the ${written.what} by ${written.adoptBy} and records the mapping.`
		: `A later Sync cannot find it again (no ${written.what === 'partner' ? 'tax number or email' : 'natural key'} to match it by): link it by hand, or it may be created twice.`;
	throw new StoreError(
		failure instanceof StoreError ? failure.code : 'QUERY_FAILED',
		`The ${written.what} was written to Metakocka (mk_id ${written.mkId}), but its mapping could not be saved: ${reason}. ${next}`,
		{ pgCode: failure instanceof StoreError ? failure.pgCode : undefined },
	);
}
