/** @type {import('jest').Config} */
// npm run test:live: the doc replay and conformance probes against a real Metakocka test company
// (MK_LIVE_URL, MK_LIVE_COMPANY_ID, MK_LIVE_SECRET_KEY; see docs/live-testing.md). Opt-in, never in CI.
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/live'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	testTimeout: 30 * 60 * 1000,
	maxWorkers: 1,
};
