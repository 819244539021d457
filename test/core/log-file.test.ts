/** Error details as the logs write them: stacks of built bundles in source positions, causes included. */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { appendLogEntry, errorDetail, sourceMappedStack } from '../../src/core/log-file.js';
import { makeTempDir, type TempDir } from '../support/temp.js';

let temp: TempDir | null = null;

afterEach(async () => {
  await temp?.cleanup();
  temp = null;
});

const SOURCE = [
  'export function outer(): never {',
  '  return inner();',
  '}',
  '',
  'function inner(): never {',
  "  throw new Error('the bug', { cause: new TypeError('what it tripped on') });",
  '}',
  '',
].join('\n');

/**
 * `SOURCE` built as octo builds itself (one minified ESM bundle in dist/, its map beside it), and a
 * stack as node writes it without source maps: a frame at the bundle's `throw`, one at its `inner()`.
 * (Stacks taken inside vitest are mapped by vitest already, so the frames are made from the bundle.)
 */
async function bundleStack(): Promise<string> {
  temp = await makeTempDir('octo-stack');
  const root = temp.path;
  await mkdir(path.join(root, 'src', 'core'), { recursive: true });
  await writeFile(path.join(root, 'src', 'core', 'thrower.ts'), SOURCE);
  const bundle = path.join(root, 'dist', 'chunks', 'thrower.js');
  await build({
    entryPoints: [path.join(root, 'src', 'core', 'thrower.ts')],
    outdir: path.dirname(bundle),
    bundle: true,
    format: 'esm',
    platform: 'node',
    sourcemap: true,
    minify: true,
    logLevel: 'silent',
  });
  const code = await readFile(bundle, 'utf8');
  const frame = (token: string, name: string): string => {
    const at = code.indexOf(token);
    const before = code.slice(0, at).split('\n');
    return `    at ${name} (${pathToFileURL(bundle).href}:${before.length}:${(before.at(-1) ?? '').length + 1})`;
  };
  return ['Error: the bug', frame('throw', 'inner'), frame('return', 'outer')].join('\n');
}

describe('error details in the logs', () => {
  it('gives the source file, line and column of each frame of a built bundle', async () => {
    const stack = await bundleStack();
    expect(stack).toMatch(/dist\/chunks\/thrower\.js:1:\d+\)$/);
    expect(sourceMappedStack(stack)).toBe(
      [
        'Error: the bug',
        '    at inner (src/core/thrower.ts:6:3)',
        '    at outer (src/core/thrower.ts:2:3)',
      ].join('\n'),
    );
  });

  it('leaves frames without a source map as they were', () => {
    const stack = 'Error: x\n    at run (node:internal/main:1:2)\n    at f (/nowhere/lib.js:3:4)';
    expect(sourceMappedStack(stack)).toBe(stack);
  });

  it('follows the causes, each with its own stack', async () => {
    const stack = await bundleStack();
    const cause = Object.assign(new TypeError('what it tripped on'), {
      stack: `TypeError: what it tripped on\n${stack.split('\n')[1]}`,
    });
    const error = Object.assign(new Error('the bug', { cause }), { stack });
    expect(errorDetail(error)).toBe(
      [
        'Error: the bug',
        '    at inner (src/core/thrower.ts:6:3)',
        '    at outer (src/core/thrower.ts:2:3)',
        'caused by: TypeError: what it tripped on',
        '    at inner (src/core/thrower.ts:6:3)',
      ].join('\n'),
    );
    expect(errorDetail('a string')).toBe('a string');
  });
});

describe('log files', () => {
  it('sets a full log aside before an entry, keeping a few, all private to the user', async () => {
    temp = await makeTempDir('octo-log-rotate');
    const file = path.join(temp.path, 'logs', 'tui.log');
    await mkdir(path.dirname(file));
    await writeFile(file, 'from an older octo\n', { mode: 0o644 });
    const limits = { maxBytes: 100, keep: 2 };
    const entries = [1, 2, 3, 4, 5].map((n) => `entry ${n} ${'x'.repeat(50)}\n`);
    for (const entry of entries) appendLogEntry(file, entry, limits);
    const dir = path.dirname(file);
    expect((await readdir(dir)).sort()).toEqual(['tui.log', 'tui.log.1', 'tui.log.2']);
    expect(await readFile(file, 'utf8')).toBe(entries[4]);
    expect(await readFile(`${file}.1`, 'utf8')).toBe(entries[3]);
    expect(await readFile(`${file}.2`, 'utf8')).toBe(entries[2]);
    for (const name of await readdir(dir))
      expect((await stat(path.join(dir, name))).mode & 0o777).toBe(0o600);
  });

  it('makes a full log of an older octo private as it sets it aside', async () => {
    temp = await makeTempDir('octo-log-older');
    const file = path.join(temp.path, 'tui.log');
    const older = `${'an older octo wrote this '.repeat(5)}\n`;
    await writeFile(file, older, { mode: 0o644 });
    appendLogEntry(file, 'new\n', { maxBytes: 100, keep: 2 });
    expect([await readFile(file, 'utf8'), await readFile(`${file}.1`, 'utf8')]).toEqual(['new\n', older]);
    expect((await stat(`${file}.1`)).mode & 0o777).toBe(0o600);
  });

  it('appends while the log has room', async () => {
    temp = await makeTempDir('octo-log-append');
    const file = path.join(temp.path, 'logs', 'cli.log');
    appendLogEntry(file, 'one\n', { maxBytes: 100, keep: 2 });
    appendLogEntry(file, 'two\n', { maxBytes: 100, keep: 2 });
    expect(await readFile(file, 'utf8')).toBe('one\ntwo\n');
    expect(await readdir(path.dirname(file))).toEqual(['cli.log']);
    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
  });
});
