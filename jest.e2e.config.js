/** @type {import('jest').Config} */
// `npm run test:e2e`: the package inside a real n8n (scripts/e2e/harness.js). One n8n, sandbox and
// OpenAI stub for the whole run, started by the global setup; the suites run one after another.
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
