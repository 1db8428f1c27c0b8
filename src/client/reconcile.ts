import { MetakockaError, settle } from './errors';
import type { WriteResult } from './types';

// Writes are never resent blindly: put_document with an existing count_code makes a second
// document, add_partner a second partner. When the answer to a write is lost we look the object up
// by its natural key instead:
//   found               -> it was applied: return it, reconciled: true
//   definitely absent   -> it was not applied: send once more, then reconcile again if that is lost too
//   no key / lookup fails -> OUTCOME_UNKNOWN, not retryable: a person must check Metakocka.
// Except after a timeout (ours, or a gateway's 504): the request arrived and Metakocka may still be working on it, so "not
// found yet" proves nothing; sending again would make a second object when the first one lands.
// Then a miss is OUTCOME_UNKNOWN too (a later Sync adopts the object by its natural key).
// Writes that are idempotent by key (update_partner by mk_id, product_update, update_document,
// change_document_status, deletes, put_document with mk_id) are not reconciled: after a lost
// answer they surface as non-retryable (see surfaceUnknownOutcome); only a request that provably
// never reached the server (ECONNREFUSED, DNS) is retried, by the client's retry loop.

export function isOutcomeUnknown(error: unknown): error is MetakockaError {
	return error instanceof MetakockaError && error.delivery === 'unknown';
}

export interface ReconcileSpec<T> {
	method: string;
	/** Human description of the object, for messages ("sales_order count_code 2024-001"). */
	what: string;
	send: () => Promise<T>;
	/** undefined = no natural key. Resolves null when definitely not found. */
	lookup?: () => Promise<T | null>;
	/** Waits before a lookup so a slow server can finish the write first. */
	pause?: () => Promise<void>;
	onEvent?: (message: string, meta: Record<string, unknown>) => void;
}

function outcomeUnknown(method: string, description: string, cause?: MetakockaError): MetakockaError {
	return new MetakockaError({
		code: 'OUTCOME_UNKNOWN',
		description: cause ? `${description} (${cause.code}: ${cause.description})` : description,
		message:
			`The outcome of ${method} is unknown: ${description}` +
			`${cause ? ` (${cause.code}: ${cause.description})` : ''}. ` +
			'Check in Metakocka whether it was applied before re-running, or it may be created twice.',
		method,
		retryable: false,
		delivery: 'unknown',
		httpStatus: cause?.httpStatus,
	});
}

/** Someone gave up waiting, not Metakocka (our timeout, or a gateway's 504): the write may land after any lookup we make now. */
function mayStillBeRunning(error: MetakockaError): boolean {
	return error.code === 'TIMEOUT' || error.httpStatus === 504;
}

export async function writeWithReconcile<T>(spec: ReconcileSpec<T>): Promise<WriteResult<T>> {
	const { method, what } = spec;
	const first = await settle(spec.send);
	if (first.ok) return { result: first.value, reconciled: false };
	if (!isOutcomeUnknown(first.error)) throw first.error;
	let lost: MetakockaError = first.error;
	if (!spec.lookup) {
		throw outcomeUnknown(method, `the answer for ${what} was lost and it has no natural key (count_code, buyer_order, tax number...) to look it up by`, lost);
	}

	for (let round = 1; ; round++) {
		spec.onEvent?.(`${method}: answer lost, looking up ${what}`, { method, round, code: lost.code });
		const lookup = spec.lookup;
		const looked = await settle(async () => {
			await spec.pause?.();
			return lookup();
		});
		if (!looked.ok) {
			const cause = looked.error instanceof MetakockaError ? looked.error : lost;
			throw outcomeUnknown(method, `the answer for ${what} was lost and looking it up failed`, cause);
		}
		const found = looked.value;
		if (found) {
			spec.onEvent?.(`${method}: found ${what} after a lost answer, not sending again`, { method, round });
			return { result: found, reconciled: true };
		}
		if (mayStillBeRunning(lost)) {
			throw outcomeUnknown(
				method,
				`Metakocka did not answer in time and ${what} is not there yet; it may still be applied, so it was not sent again`,
				lost,
			);
		}
		if (round >= 2) {
			throw outcomeUnknown(method, `the answer for ${what} was lost twice and it was not found afterwards`, lost);
		}
		spec.onEvent?.(`${method}: ${what} not found after a lost answer, sending once more`, { method, round });
		const again = await settle(spec.send);
		if (again.ok) return { result: again.value, reconciled: false };
		if (!isOutcomeUnknown(again.error)) throw again.error;
		lost = again.error;
	}
}

/** For writes idempotent by key: a lost answer becomes a clear, non-retryable error. */
export function surfaceUnknownOutcome(error: unknown): never {
	if (!isOutcomeUnknown(error) || error.code === 'OUTCOME_UNKNOWN') throw error;
	throw new MetakockaError({
		code: error.code,
		description: error.description,
		message: `${error.message}. The change may or may not have been applied; check Metakocka before re-running.`,
		method: error.method,
		retryable: false,
		delivery: 'unknown',
		httpStatus: error.httpStatus,
		response: error.response,
	});
}
