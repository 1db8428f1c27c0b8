/** @type {import('jest').Config} */
// `npm run test:e2e`: the package inside a real n8n (scripts/e2e/harness.js). One n8n, sandbox and
// OpenAI stub for the whole run, started by the global setup; the suites run one after another.
// Suites that need an n8n of their own start one with the same packed package (helpers.ts: ownStack):
// the trigger suite restarts it, the queue-mode suite runs main + two workers on Redis and Postgres.
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.test.ts'],
	globalSetup: '<rootDir>/test/e2e/global-setup.js',
	globalTeardown: '<rootDir>/test/e2e/global-teardown.js',
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	testTimeout: 300000,
	maxWorkers: 1,
};
