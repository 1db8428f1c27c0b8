/** @type {import('jest').Config} */
// npm run test:reliability: faults, cross-process concurrency, bad input, secrets and isolation
// against the sandbox and Postgres. In band (the suites share one machine's Postgres), long timeouts.
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/reliability'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	globalSetup: '<rootDir>/test/reliability/setup/globalSetup.ts',
	globalTeardown: '<rootDir>/test/reliability/setup/globalTeardown.ts',
	setupFilesAfterEnv: ['<rootDir>/test/reliability/setup/perFile.ts'],
	testTimeout: 240000,
	maxWorkers: 1,
};
