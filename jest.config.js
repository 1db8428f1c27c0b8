/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// Suites with their own command and setup: npm run test:e2e (real n8n), npm run test:reliability,
	// npm run test:live (a real Metakocka test company; opt-in, never in CI).
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/', '<rootDir>/test/reliability/', '<rootDir>/test/live/'],
	transform: {
		// tsconfig.test.json turns on isolatedModules: ts-jest then transpiles only, which keeps the suite fast.
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	testTimeout: 30000,
};
