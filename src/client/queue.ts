// Concurrency limits. Metakocka runs one search per company at a time and queues the rest
// server-side, where they hold sockets and eat our timeouts; queueing here keeps each search's
// timeout about its own work.

export class Semaphore {
	private active = 0;
	private readonly waiters: Array<() => void> = [];

	constructor(readonly limit: number) {
		if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`Concurrency limit must be a positive integer, got ${limit}`);
	}

	get running(): number {
		return this.active;
	}

	get pending(): number {
		return this.waiters.length;
	}

	async run<T>(fn: () => Promise<T>): Promise<T> {
		await this.acquire();
		try {
			return await fn();
		} finally {
			this.release();
		}
	}

	private acquire(): Promise<void> {
		if (this.active < this.limit) {
			this.active++;
			return Promise.resolve();
		}
		return new Promise((resolve) => this.waiters.push(resolve));
	}

	private release(): void {
		const next = this.waiters.shift();
		// Hand the slot straight to the next waiter (active stays the same), keeping FIFO order.
		if (next) next();
		else this.active--;
	}
}

/** Semaphores shared by key; idle ones are dropped so the map doesn't grow with every company seen. */
export class KeyedSemaphores {
	private readonly map = new Map<string, Semaphore>();

	constructor(private readonly limit: number) {}

	async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
		let sem = this.map.get(key);
		if (!sem) {
			sem = new Semaphore(this.limit);
			this.map.set(key, sem);
		}
		try {
			return await sem.run(fn);
		} finally {
			if (sem.running === 0 && sem.pending === 0 && this.map.get(key) === sem) this.map.delete(key);
		}
	}

	size(): number {
		return this.map.size;
	}
}

// Process-wide, on globalThis, so client instances from separately loaded copies of this module
// (n8n may load each node file on its own) still share one queue per company.
const GLOBAL_KEY = Symbol.for('n8n-nodes-metakocka.searchQueues');
type GlobalWithQueues = typeof globalThis & { [GLOBAL_KEY]?: KeyedSemaphores };

export function searchQueues(): KeyedSemaphores {
	const g = globalThis as GlobalWithQueues;
	if (!g[GLOBAL_KEY]) g[GLOBAL_KEY] = new KeyedSemaphores(1);
	return g[GLOBAL_KEY];
}

export function searchQueueKey(baseUrl: string, companyId: string): string {
	return `${baseUrl}|${companyId}`;
}
