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

// One per process (Node loads this module once per package), so every client instance, whichever
// node created it, waits in the same queue for its company.
const SEARCH_QUEUES = new KeyedSemaphores(1);

export function searchQueues(): KeyedSemaphores {
	return SEARCH_QUEUES;
}

export function searchQueueKey(baseUrl: string, companyId: string): string {
	return `${baseUrl}|${companyId}`;
}
