import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

// Self-hosted, unverified community package: n8n's own config for packages that do not target
// n8n Cloud. The one rule switched off bans runtime dependencies; the user chose axios, pg, zod,
// handlebars and openai for this package, and they ship in its dependencies.
export default [
	// Tests, scripts and example data are not part of the package n8n loads.
	{ ignores: ['test/**', 'scripts/**', 'examples/**', 'bench/**', 'jest.config.js', 'gulpfile.js', 'index.js'] },
	...configWithoutCloudSupport,
	{
		rules: {
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
		},
	},
	{
		// The core knows nothing of n8n: every error it throws reaches n8n through the one adapter in
		// src/n8n (toNodeError), which makes it a NodeApiError/NodeOperationError with the item index.
		files: ['src/**/*.ts'],
		ignores: ['src/n8n/**'],
		rules: { '@n8n/community-nodes/require-node-api-error': 'off' },
	},
];
