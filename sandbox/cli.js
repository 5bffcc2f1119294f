#!/usr/bin/env node
// Launcher for `npm run sandbox` (package.json runs `node sandbox/cli.js`): the sandbox is
// TypeScript and has no build step of its own, so its .ts files are transpiled on load with
// the project's TypeScript (a devDependency). Type errors are tsc's job, not this launcher's.
'use strict';

const fs = require('node:fs');

let ts;
try {
	ts = require('typescript');
} catch {
	process.stderr.write('The sandbox needs the dev dependencies: run `npm install` first.\n');
	process.exit(1);
}

require.extensions['.ts'] = (module, filename) => {
	const source = fs.readFileSync(filename, 'utf8');
	const { outputText } = ts.transpileModule(source, {
		fileName: filename,
		compilerOptions: {
			module: ts.ModuleKind.CommonJS,
			target: ts.ScriptTarget.ES2022,
			esModuleInterop: true,
			sourceMap: false,
			inlineSourceMap: true,
		},
	});
	module._compile(outputText, filename);
};

require('./cli.ts')
	.main()
	.catch((error) => {
		process.stderr.write(`${error.message}\n(see --help)\n`);
		process.exit(2);
	});
