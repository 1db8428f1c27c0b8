// Memory of a process tree from /proc (Linux): VmRSS now, VmHWM (peak), and a sampler that keeps
// the highest RSS of the root process and of the whole tree (n8n and its task-runner children).
'use strict';

const fs = require('node:fs');

function status(pid) {
	try {
		const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (key) => {
			const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
			return m ? Number(m[1]) * 1024 : 0;
		};
		return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
	} catch {
		return undefined;
	}
}

/** The pid and every descendant of it. */
function tree(root) {
	const children = new Map();
	for (const name of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
			// pid (comm) state ppid …; comm may hold spaces and parentheses, so split after the last ')'.
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			if (!children.has(ppid)) children.set(ppid, []);
			children.get(ppid).push(Number(name));
		} catch {
			// gone meanwhile
		}
	}
	const out = [];
	const queue = [root];
	while (queue.length) {
		const pid = queue.shift();
		out.push(pid);
		queue.push(...(children.get(pid) ?? []));
	}
	return out;
}

/** Resets the peak (VmHWM) of every process in the tree to its current RSS (clear_refs 5). */
function resetPeaks(root) {
	for (const pid of tree(root)) {
		try {
			fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
		} catch {
			// not ours or gone: its VmHWM then stays the lifetime peak, the sampler still sees its RSS
		}
	}
}

/** Current RSS of the root process and of the tree. */
function snapshot(root) {
	let total = 0;
	let main = 0;
	for (const pid of tree(root)) {
		const s = status(pid);
		if (!s) continue;
		total += s.rss;
		if (pid === root) main = s.rss;
	}
	return { main, total };
}

/**
 * Samples every `intervalMs` until stop(); stop() returns the RSS before, the highest sampled RSS of
 * the root and of the tree, and the root's VmHWM (which also catches peaks between samples).
 */
function sampler(root, intervalMs = 20) {
	resetPeaks(root);
	const before = snapshot(root);
	let peakMain = before.main;
	let peakTotal = before.total;
	let treeRefreshed = 0;
	let pids = tree(root);
	const timer = setInterval(() => {
		if (Date.now() - treeRefreshed > 1000) {
			pids = tree(root);
			treeRefreshed = Date.now();
		}
		let total = 0;
		for (const pid of pids) {
			const s = status(pid);
			if (!s) continue;
			total += s.rss;
			if (pid === root) peakMain = Math.max(peakMain, s.rss);
		}
		peakTotal = Math.max(peakTotal, total);
	}, intervalMs);
	return {
		stop() {
			clearInterval(timer);
			const hwm = status(root)?.hwm ?? 0;
			return { before, peakMain: Math.max(peakMain, hwm), peakTotal, hwm };
		},
	};
}

const CLK_TCK = 100;

/**
 * CPU time (user + system) of a process in ms from /proc/<pid>/stat; 0 when it is gone. With
 * `reaped`, also that of its children that ended (cutime + cstime).
 */
function cpuMs(pid, reaped = false) {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const own = Number(f[11]) + Number(f[12]);
		return ((reaped ? own + Number(f[13]) + Number(f[14]) : own) * 1000) / CLK_TCK;
	} catch {
		return 0;
	}
}

/** Every process whose name starts with `prefix` (Postgres: its backends, writers, WAL writer). */
function byName(prefix) {
	const out = [];
	for (const name of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		try {
			if (fs.readFileSync(`/proc/${name}/comm`, 'utf8').startsWith(prefix)) out.push(Number(name));
		} catch {
			// gone meanwhile
		}
	}
	return out;
}

/**
 * CPU time spent between start and stop(): n8n's main process, its children (task runner), this
 * process (the bench, which hosts the sandbox) and every Postgres process. Postgres backends come and
 * go with the connections (the package's store opens its pool per execution): an ended backend's time
 * is in its parent's (the postmaster's) cutime/cstime, which is counted too. Processes started in
 * between count from 0.
 */
function cpuMeter(root) {
	const read = () => {
		const kids = tree(root).filter((pid) => pid !== root);
		const pg = byName('postgres');
		const self = process.cpuUsage();
		return {
			main: cpuMs(root),
			children: new Map(kids.map((pid) => [pid, cpuMs(pid)])),
			postgres: new Map(pg.map((pid) => [pid, cpuMs(pid, true)])),
			self: (self.user + self.system) / 1000,
		};
	};
	const delta = (now, then) => [...now.entries()].reduce((sum, [pid, ms]) => sum + ms - (then.get(pid) ?? 0), 0);
	const span = (a, b) => ({ n8n: b.main - a.main, n8nChildren: delta(b.children, a.children), sandbox: b.self - a.self, postgres: delta(b.postgres, a.postgres) });
	const sum = { n8n: 0, n8nChildren: 0, sandbox: 0, postgres: 0 };
	let from = read();
	const add = (until) => {
		for (const [k, v] of Object.entries(span(from, until))) sum[k] += v;
	};
	return {
		/** Runs fn with the meter stopped: the bench's own work (reading executions back) is not the row's. */
		async aside(fn) {
			add(read());
			try {
				return await fn();
			} finally {
				from = read();
			}
		},
		stop() {
			add(read());
			const out = Object.fromEntries(Object.entries(sum).map(([k, v]) => [k, Math.round(v)]));
			out.total = out.n8n + out.n8nChildren + out.sandbox + out.postgres;
			return out;
		},
	};
}

module.exports = { status, tree, resetPeaks, snapshot, sampler, cpuMs, cpuMeter, byName };
