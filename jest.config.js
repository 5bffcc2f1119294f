/**
 * The SQLite store suite needs node:sqlite (Node ≥ 22.13). On an older Node (`npm test` on this
 * project's Node 20) it is left out here, never skipped inside: `npm run test:store` runs every
 * store suite, SQLite included, under Node 24 (scripts/test-store.js), and CI runs both.
 */
const [major, minor] = process.versions.node.split('.').map(Number);
const hasNodeSqlite = major > 22 || (major === 22 && minor >= 13);

/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', ...(hasNodeSqlite ? [] : ['<rootDir>/test/store/sqlite\\.test\\.ts$'])],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
	},
	setupFiles: ['<rootDir>/test/setup.ts'],
	testTimeout: 15000,
};
