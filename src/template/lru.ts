/** A small LRU cache on Map's insertion order: a hit moves the key to the back, the front is evicted. */
export class LruCache<K, V> {
	private readonly entries = new Map<K, V>();

	constructor(readonly max: number) {
		if (!Number.isInteger(max) || max < 1) throw new RangeError('LruCache max must be a positive integer');
	}

	get size(): number {
		return this.entries.size;
	}

	get(key: K): V | undefined {
		const value = this.entries.get(key);
		if (value === undefined) return undefined;
		this.entries.delete(key);
		this.entries.set(key, value);
		return value;
	}

	set(key: K, value: V): void {
		this.entries.delete(key);
		this.entries.set(key, value);
		if (this.entries.size > this.max) {
			const oldest = this.entries.keys().next();
			if (!oldest.done) this.entries.delete(oldest.value);
		}
	}

	clear(): void {
		this.entries.clear();
	}
}
