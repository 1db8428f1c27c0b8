import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * A run that stopped part way on a Metakocka failure but completed some pages: those records are
 * handed on (the saved position is right after them) and the failure is shown, not swallowed.
 */
export function reportPartialRun(ctx: IExecuteFunctions, error: unknown, returned: number): void {
	const reason = error instanceof Error ? error.message : String(error);
	const message = `Stopped after ${returned} records: ${reason}. The next run continues right after them; nothing is skipped or repeated.`;
	ctx.logger?.warn(message);
	// Older n8n versions have no execution hints.
	(ctx as Partial<Pick<IExecuteFunctions, 'addExecutionHints'>>).addExecutionHints?.({ message, type: 'warning', location: 'outputPane' });
}
