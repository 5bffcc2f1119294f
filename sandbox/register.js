'use strict';
// Lets plain `node` load the sandbox's TypeScript: .ts files are transpiled on load with the
// project's TypeScript (a devDependency). Type errors are tsc's job, not this hook's.
const fs = require('node:fs');

let ts;
try {
	ts = require('typescript');
} catch {
	process.stderr.write('The sandbox needs the dev dependencies: run `npm install` first.\n');
	process.exit(1);
}

if (!require.extensions['.ts']) {
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
}
