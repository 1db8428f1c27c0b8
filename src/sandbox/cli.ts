#!/usr/bin/env node
// CLI: node dist/src/sandbox/cli.js --port 8765 --company-id 16 --secret-key sandbox-secret ...
import { startSandbox, type SandboxOptions } from './index';

const USAGE =
	'Usage: cli.js [--port N] [--host H] [--company-id ID] [--secret-key KEY] [--latency-ms N] [--fault-rate R] [--fault-seed N] [--seed FILE] [--capacity K] [--queue-limit Q] [--overload http_503|timeout]\n';

function parseArgs(argv: string[]): SandboxOptions {
	const opts: SandboxOptions = { port: 8765 };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
		if (flag === '--help' || flag === '-h') {
			process.stdout.write(USAGE);
			process.exit(0);
		}
		const value = inline ?? argv[++i];
		if (value === undefined) throw new Error(`Missing value for ${flag}`);
		const number = (): number => {
			const n = Number(value);
			if (!Number.isFinite(n)) throw new Error(`${flag} needs a number, got '${value}'`);
			return n;
		};
		switch (flag) {
			case '--port':
				opts.port = number();
				break;
			case '--host':
				opts.host = value;
				break;
			case '--company-id':
				opts.companyId = value;
				break;
			case '--secret-key':
				opts.secretKey = value;
				break;
			case '--latency-ms':
				opts.latencyMs = number();
				break;
			case '--fault-rate':
				opts.faultRate = number();
				break;
			case '--fault-seed':
				opts.faultSeed = number();
				break;
			case '--seed':
				opts.seed = value;
				break;
			case '--capacity':
				opts.capacity = number();
				break;
			case '--queue-limit':
				opts.queueLimit = number();
				break;
			case '--overload':
				if (value !== 'http_503' && value !== 'timeout') throw new Error(`--overload must be http_503 or timeout, got '${value}'`);
				opts.overload = value;
				break;
			default:
				throw new Error(`Unknown option ${flag}`);
		}
	}
	return opts;
}

async function main(): Promise<void> {
	let opts: SandboxOptions;
	try {
		opts = parseArgs(process.argv.slice(2));
	} catch (e) {
		process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
		process.exit(2);
	}
	const sandbox = await startSandbox(opts);
	process.stdout.write(`Metakocka sandbox listening on ${sandbox.baseUrl} (company ${opts.companyId ?? '16'})\n`);
	let stopping = false;
	const stop = (): void => {
		if (stopping) return;
		stopping = true;
		sandbox.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
	process.stderr.write(`Metakocka sandbox failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
	process.exit(1);
});
