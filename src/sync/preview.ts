import { norm } from './conflict';

/** One field a write would change: Metakocka's value now → the value Sync would write. */
export interface FieldChange {
	field: string;
	old: unknown;
	new: unknown;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The fields of `next` (what Sync would write) whose value differs in meaning from `old` (the
 * record as Metakocka has it, or as Sync last wrote it). Lists compare item by item; a list of a
 * different length is one change of the whole list.
 */
export function fieldChanges(old: unknown, next: unknown, path = ''): FieldChange[] {
	if (Array.isArray(next)) {
		if (!Array.isArray(old) || old.length !== next.length) return [{ field: path, old: old ?? null, new: next }];
		return next.flatMap((item, i) => fieldChanges(old[i], item, `${path}[${i}]`));
	}
	if (isObj(next)) {
		const before = isObj(old) ? old : {};
		return Object.keys(next).flatMap((key) => fieldChanges(before[key], next[key], path ? `${path}.${key}` : key));
	}
	return norm(old) === norm(next) ? [] : [{ field: path, old: old ?? null, new: next ?? null }];
}

/**
 * The record as Metakocka has it, filled in from what Sync last wrote where Metakocka does not
 * return a field (absence is not evidence of a change, as in conflict detection).
 */
export function knownValues(lastWritten: unknown, current: unknown): unknown {
	if (current === undefined || current === null) return lastWritten;
	if (isObj(lastWritten) && isObj(current)) {
		const out: Obj = { ...current };
		for (const [key, value] of Object.entries(lastWritten)) out[key] = knownValues(value, current[key]);
		return out;
	}
	return current;
}
