// Builds dist/ as a few ESM bundles instead of ~250 modules: loading them is what start-up spends most on.
// Dependencies are bundled too: `openai` alone is ~150 files that took 75 ms to resolve and link, against
// 9 ms as one chunk. Packages with WebAssembly, data files or dynamic requires (neo-blessed's widgets and
// terminfo, tiktoken's wasm) stay external and load from node_modules; the CommonJS bundle below takes in
// the neo-blessed files octo uses.
import { readFile, rm, writeFile } from 'node:fs/promises';
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
// What bin/octo.js runs, CommonJS so that no ES module loader starts: `--version` and `--help` from one
// small file of their own (dist/cli/quick.cjs), sharing nothing with the rest; the loader of the command
// line's bundle with its V8 code cache (dist/cli/boot.cjs, src/cli/code-cache.ts); and that bundle,
// dist/cjs/octo.js: src/cli/main.ts and everything it may import, as one CommonJS file (esbuild splits
// ES modules only; what the ES build loads lazily is compiled lazily from the code cache). Their uses of
// import.meta.url (themes/, package.json, createRequire) become each file's own URL.
const COMMONJS = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  minifyWhitespace: true,
  minifySyntax: true,
  external: EXTERNAL,
  define: { 'import.meta.url': '__octoFileUrl' },
  banner: { js: "const __octoFileUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
};
await build({ ...COMMONJS, entryPoints: ['src/cli/quick.ts'], outfile: 'dist/cli/quick.cjs' });
await build({ ...COMMONJS, entryPoints: ['src/cli/boot.ts'], outfile: 'dist/cli/boot.cjs' });
// The neo-blessed files the TUI loads (src/tui/blessed.ts) are in it too, so they come compiled from the
// code cache instead of being read, wrapped and compiled by node one by one (14 files, ~45 ms a start).
await build({
  ...COMMONJS,
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cjs/octo.js',
  external: EXTERNAL.filter((name) => name !== 'neo-blessed'),
  plugins: [neoBlessedInBundle()],
  banner: {
    js: `${COMMONJS.banner.js} function __octoNeoBlessedLib() { return require('node:path').dirname(require.resolve('neo-blessed/lib/tput.js')); }`,
  },
});
// A .js file under package.json's "type": "module": CommonJS for node too.
await writeFile('dist/cjs/package.json', '{ "type": "commonjs" }\n');
await asciiOnly('dist/cjs/octo.js');
await wrapModule('dist/cjs/octo.js');
// Last: dist/ counts as built (scripts/ensure-built.mjs) only once every bundle above was written.
await writeFile(STAMP, `${new Date().toISOString()}\n`);

/**
 * Two spots in neo-blessed that only work from its own folder. Its terminfo fallbacks read files beside
 * it (`__dirname + '/../usr/xterm'`): in the bundle `__dirname` would be dist/cjs/, so they ask node
 * where the package is (the banner's function, only when a fallback is read). And a tab's width asks
 * neo-blessed's index for the current screen (`require('../')`: every widget, some needing optional
 * packages that are not installed): the screen widget is where that lives.
 */
function neoBlessedInBundle() {
  const patches = {
    'tput.js': [['__dirname', '__octoNeoBlessedLib()', 4]],
    'unicode.js': [["require('../')", "{ screen: require('./widgets/screen') }", 1]],
  };
  return {
    name: 'neo-blessed-in-bundle',
    setup(b) {
      b.onLoad({ filter: /[\\/]neo-blessed[\\/]lib[\\/](tput|unicode)\.js$/ }, async (args) => {
        let text = await readFile(args.path, 'utf8');
        for (const [from, to, count] of patches[args.path.split(/[\\/]/).pop()]) {
          // A neo-blessed that changed here is not the one these patches were written for.
          if (text.split(from).length - 1 !== count)
            throw new Error(`${args.path}: ${count}× ${from} expected`);
          text = text.replaceAll(from, to);
        }
        return { contents: text, loader: 'js' };
      });
    },
  };
}

/**
 * Writes the bundle as the function node wraps a CommonJS module in, which src/cli/code-cache.ts
 * compiles as it is (BUNDLE_HEAD and BUNDLE_TAIL there, which it checks): wrapping it at each start
 * made V8 copy the whole 2 MB string before compiling it. Loaded by node itself it defines that
 * function and runs nothing: bin/octo.js runs it.
 */
async function wrapModule(file) {
  const text = await readFile(file, 'latin1');
  const head = "(function (exports, require, module, __filename, __dirname) {'use strict';";
  await writeFile(file, `${head}${text}${text.endsWith('\n') ? '' : '\n'}})\n`, 'latin1');
}

/**
 * esbuild escapes what is not ASCII except in regular expressions: escape those too, each UTF-16 unit
 * as \uXXXX (the same pattern, with or without the u flag), so the bundle is ASCII and
 * src/cli/code-cache.ts can decode it as latin1 (half the time of UTF-8) into a string V8 keeps at one
 * byte per character. The source map's columns move by five per character escaped, on those few lines.
 */
async function asciiOnly(file) {
  const text = await readFile(file, 'utf8');
  // After a backslash the escape would read differently (a backslash, then `u2022`): none is expected.
  if (/\\[^\t-\x7f]/.test(text)) throw new Error(`${file}: a backslash before a character that is not ASCII`);
  const escaped = text.replace(/[^\t-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  await writeFile(file, escaped, 'latin1');
}
