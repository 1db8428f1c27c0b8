import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function globalSetup(): void {
	process.env.MK_RELIABILITY_RUN_DIR = mkdtempSync(join(tmpdir(), 'mk-reliability-'));
	process.env.MK_RELIABILITY_STARTED = String(Date.now());
}
