import net from 'node:net';

import { PG } from '../../helpers/env';

/**
 * A TCP proxy in front of Postgres that the test can "restart": down() cuts every connection
 * through it and refuses new ones (each is closed as soon as it arrives), up() lets them through
 * again. Only the connections of the store under test go through it, so other users of the
 * database are never touched. down({ upAfterRefused: n }) comes back by itself after n refused
 * connection attempts: a restart bounded by events, not by the clock.
 */
export class PgProxy {
	private server?: net.Server;
	private readonly sockets = new Set<net.Socket>();
	private refusing = false;
	private refusedLeft = Infinity;
	private readonly timers = new Set<NodeJS.Timeout>();
	port = 0;
	refused = 0;

	async start(): Promise<void> {
		if (this.server) return;
		const server = net.createServer((client) => {
			if (this.refusing) {
				this.refused++;
				client.destroy();
				if (--this.refusedLeft <= 0) this.up();
				return;
			}
			const upstream = net.connect(PG.port, PG.host);
			for (const s of [client, upstream]) {
				this.sockets.add(s);
				s.on('error', () => undefined);
				s.on('close', () => {
					this.sockets.delete(s);
					client.destroy();
					upstream.destroy();
				});
			}
			client.pipe(upstream);
			upstream.pipe(client);
		});
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => resolve());
		});
		this.port = (server.address() as net.AddressInfo).port;
		this.server = server;
	}

	/** Postgres "dies": open connections are cut, new ones refused until up() (or n refusals). */
	down(opts: { upAfterRefused?: number } = {}): void {
		this.refusing = true;
		this.refused = 0;
		this.refusedLeft = opts.upAfterRefused ?? Infinity;
		for (const s of this.sockets) s.destroy();
		this.sockets.clear();
	}

	up(): void {
		this.refusing = false;
		this.refusedLeft = Infinity;
	}

	/** Back up after `ms`. */
	upAfter(ms: number): void {
		const t = setTimeout(() => {
			this.timers.delete(t);
			this.up();
		}, ms);
		this.timers.add(t);
	}

	get isUp(): boolean {
		return !this.refusing;
	}

	async close(): Promise<void> {
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
		this.down();
		const server = this.server;
		this.server = undefined;
		if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
	}
}
