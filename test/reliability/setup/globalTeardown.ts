import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

interface FileScan {
	file: string;
	texts: number;
	bytes: number;
	secrets: number;
	hits: number;
}

/** Prints the figures of the whole run: the secret scan over every file, and each suite's summary line. */
export default function globalTeardown(): void {
	const dir = process.env.MK_RELIABILITY_RUN_DIR;
	if (!dir || !existsSync(dir)) return;
	const scans: FileScan[] = readdirSync(dir)
		.filter((f) => f.startsWith('scan-'))
		.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as FileScan);
	const total = scans.reduce(
		(a, s) => ({ texts: a.texts + s.texts, bytes: a.bytes + s.bytes, secrets: a.secrets + s.secrets, hits: a.hits + s.hits }),
		{ texts: 0, bytes: 0, secrets: 0, hits: 0 },
	);
	const summary = existsSync(join(dir, 'summary.txt')) ? readFileSync(join(dir, 'summary.txt'), 'utf8').trim() : '';
	const seconds = ((Date.now() - Number(process.env.MK_RELIABILITY_STARTED ?? Date.now())) / 1000).toFixed(0);
	process.stdout.write(
		[
			'',
			'================ reliability summary ================',
			summary,
			`secret scan: ${total.texts} texts (${(total.bytes / 1e6).toFixed(1)} MB) from ${scans.length} test files, ${total.secrets} secret keys, hits: ${total.hits}`,
			`run time: ${seconds} s`,
			'=====================================================',
			'',
		].join('\n'),
	);
	rmSync(dir, { recursive: true, force: true });
}
