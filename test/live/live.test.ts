// npm run test:live — against YOUR Metakocka test company (docs/live-testing.md). Never part of
// npx jest / CI: the default config ignores test/live, and without MK_LIVE_* it stops at once.
import { configFromEnv, runLive } from '../src/sandbox/live';

it('replays the docs and the probes against the real company and prints every difference from the sandbox', async () => {
	const report = await runLive(configFromEnv());
	expect(report.replayed).toBeGreaterThan(0);
	// Differences are the result to report back, printed above; the run itself only has to complete.
	console.log(JSON.stringify({ tag: report.tag, differences: report.differences.length, realProblems: report.realProblems.length, leftovers: report.leftovers.length }));
}, 30 * 60_000);
