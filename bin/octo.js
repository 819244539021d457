#!/usr/bin/env node
// CommonJS (bin/package.json): an ES module entry would start node's module loader first, and that is a
// tenth of node's own start. `--version` and `--help` are printed by a small file of their own
// (dist/cli/quick.cjs, built from src/cli/quick.ts): loading the command line's bundle to print a line
// would cost more than node's own start. Everything else runs the command line's bundle with its V8 code
// cache (dist/cli/boot.cjs, src/cli/boot.ts). README, "Performance".
'use strict';
const argv = process.argv.slice(2);
const quick = argv.length <= 2 && /^(-h|--help|-v|--version)$/.test(argv[argv.length - 1] ?? '');
if (!quick || !require('../dist/cli/quick.cjs').printQuick(argv)) require('../dist/cli/boot.cjs').boot(argv);
