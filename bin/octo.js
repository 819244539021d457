#!/usr/bin/env node
// `--version` and `--help` are printed by a small module of their own (dist/cli/quick.js): loading the
// command line's bundle to print a line would cost more than node's own start (README, "Performance").
const argv = process.argv.slice(2);
const quick = argv.length <= 2 && /^(-h|--help|-v|--version)$/.test(argv.at(-1) ?? '');
if (!quick || !(await import('../dist/cli/quick.js')).printQuick(argv)) await import('../dist/cli/main.js');
