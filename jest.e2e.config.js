/** End-to-end tests against a real n8n server (installed on first use) and the sandbox. */
/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
	},
	setupFiles: ['<rootDir>/test/setup.ts'],
	// The first run installs n8n (minutes); later runs boot it in seconds.
	testTimeout: 120_000,
};
