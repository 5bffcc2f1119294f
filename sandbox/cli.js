#!/usr/bin/env node
// Launcher for `npm run sandbox` / `npm start`: the sandbox is TypeScript with no build step.
'use strict';

require('./register');

require('./cli.ts')
	.main()
	.catch((error) => {
		process.stderr.write(`${error.message}\n(see --help)\n`);
		process.exit(2);
	});
