// @ts-check
'use strict';

/**
 * ESLint flat config.
 *
 * eslint-plugin-n8n-nodes-base ships legacy (eslintrc) configs; only their `rules`
 * maps are reused here, scoped to the files each set is meant for.
 */
const n8nNodesBase = require('eslint-plugin-n8n-nodes-base');
const tsParser = require('@typescript-eslint/parser');

const { community, credentials, nodes } = n8nNodesBase.configs;

/** @type {import('eslint').Linter.LanguageOptions} */
const tsLanguageOptions = {
	parser: tsParser,
	ecmaVersion: 'latest',
	sourceType: 'module',
};

/** @type {import('eslint').Linter.Config[]} */
module.exports = [
	{
		ignores: [
			'dist/',
			'node_modules/',
			'.cache/',
			'coverage/',
			'test-output/',
			'sandbox/specs/**/*.json',
		],
	},

	// All TypeScript (including test/ and sandbox/): parsed only, no n8n rules.
	{
		files: ['**/*.ts'],
		languageOptions: tsLanguageOptions,
	},

	{
		files: ['credentials/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...credentials.rules,
			// Demands a camelCase docs slug; per its own docs it only applies to nodes in n8n's main repository.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},

	{
		files: ['nodes/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...nodes.rules,
		},
	},

	{
		files: ['nodes/*/actions/versionDescription.ts'],
		rules: {
			// Versioned-node layout: the description lives here on purpose and WhatsAppOmni.node.ts imports it.
			'n8n-nodes-base/node-filename-against-convention': 'off',
		},
	},

	// The community rules visit ESTree `ObjectExpression` nodes whose grandparent is the
	// `Program`. @typescript-eslint/parser parses `.json` files that way (TS JSON script
	// kind); jsonc-eslint-parser emits `JSON*` node types, on which these rules never fire.
	{
		files: ['package.json'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		languageOptions: {
			...tsLanguageOptions,
			parserOptions: { extraFileExtensions: ['.json'] },
		},
		rules: {
			...community.rules,
		},
	},
];
