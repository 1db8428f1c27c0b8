/**
 * A small LRU cache on Map's insertion order: a hit moves the key to the back, the front is evicted.
 * Bounded by entry count and, when a weigher is given, by total weight (e.g. characters of
 * template source): a few huge entries cannot fill memory while the count stays low.
 */
export class LruCache<K, V> {
	private readonly entries = new Map<K, { value: V; weight: number }>();
	private total = 0;

	constructor(
		readonly max: number,
		readonly maxWeight = Infinity,
		private readonly weigh: (key: K, value: V) => number = () => 0,
	) {
		if (!Number.isInteger(max) || max < 1) throw new RangeError('LruCache max must be a positive integer');
		if (!(maxWeight > 0)) throw new RangeError('LruCache maxWeight must be positive');
	}

	get size(): number {
		return this.entries.size;
	}

	/** Sum of the weights of the cached entries. */
	get weight(): number {
		return this.total;
	}

	get(key: K): V | undefined {
		const entry = this.entries.get(key);
		if (entry === undefined) return undefined;
		this.entries.delete(key);
		this.entries.set(key, entry);
		return entry.value;
	}

	set(key: K, value: V): void {
		this.delete(key);
		const weight = Math.max(0, this.weigh(key, value));
		// An entry heavier than the whole budget is not cached at all.
		if (weight > this.maxWeight) return;
		this.entries.set(key, { value, weight });
		this.total += weight;
		while (this.entries.size > this.max || this.total > this.maxWeight) {
			const oldest = this.entries.keys().next();
			if (oldest.done) break;
			this.delete(oldest.value);
		}
	}

	delete(key: K): void {
		const entry = this.entries.get(key);
		if (entry === undefined) return;
		this.entries.delete(key);
		this.total -= entry.weight;
	}

	clear(): void {
		this.entries.clear();
		this.total = 0;
	}
}
