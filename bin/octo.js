#!/usr/bin/env node
// CommonJS (bin/package.json): an ES module entry would start node's module loader first, and that is a
// tenth of node's own start. `--version` and `--help` are printed by a small CommonJS file of their own
// (dist/cli/quick.cjs, built from src/cli/quick.ts): loading the command line's bundle to print a line
// would cost more than node's own start (README, "Performance"). Everything else is the ES bundle.
'use strict';
const argv = process.argv.slice(2);
const quick = argv.length <= 2 && /^(-h|--help|-v|--version)$/.test(argv[argv.length - 1] ?? '');
if (!quick || !require('../dist/cli/quick.cjs').printQuick(argv)) {
  import('../dist/cli/main.js').catch((error) => {
    process.stderr.write(`${error instanceof Error && error.stack ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  });
}
