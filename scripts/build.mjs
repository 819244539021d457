// Builds dist/ as a few ESM bundles instead of ~250 modules: loading them is what start-up spends most on.
// Dependencies are bundled too: `openai` alone is ~150 files that took 75 ms to resolve and link, against
// 9 ms as one chunk. Packages with WebAssembly, data files or dynamic requires (neo-blessed's widgets and
// terminfo, tiktoken's wasm) stay external and load from node_modules.
import { rm, writeFile } from 'node:fs/promises';
import { build } from 'esbuild';
import { STAMP } from './ensure-built.mjs';

const EXTERNAL = ['neo-blessed', 'tiktoken'];

await rm('dist', { recursive: true, force: true });
await build({
  entryPoints: ['src/cli/main.ts', 'src/core/workspace.ts', 'src/tui/index.ts'],
  outbase: 'src',
  outdir: 'dist',
  // Chunks live one folder deep like the entries, so paths relative to import.meta.url
  // (themes/, package.json) resolve the same from every file.
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  minifyWhitespace: true,
  minifySyntax: true,
  external: EXTERNAL,
  // Bundled CommonJS packages (NeDB, proper-lockfile) call require(); ESM has none, so give each file one.
  banner: {
    js: "import { createRequire as __octoCreateRequire } from 'node:module'; const require = __octoCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
// `octo --version` and `--help` (bin/octo.js): one small CommonJS file of its own, sharing no chunk with
// the rest, so answering them loads nothing else and starts no ES module loader. Its one use of
// import.meta.url (package.json's place, src/cli/version.ts) becomes the file's own URL.
await build({
  entryPoints: ['src/cli/quick.ts'],
  outfile: 'dist/cli/quick.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  minifyWhitespace: true,
  minifySyntax: true,
  define: { 'import.meta.url': '__octoFileUrl' },
  banner: { js: "const __octoFileUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});
// Last: dist/ counts as built (scripts/ensure-built.mjs) only once every bundle above was written.
await writeFile(STAMP, `${new Date().toISOString()}\n`);
