import { chmod, chown, mkdir, readdir, readFile, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runKind } from '../../src/cli/boot.js';
import {
  BUNDLE_HEAD,
  BUNDLE_TAIL,
  cacheFile,
  compileBundle,
  readCodeCache,
  writeCodeCache,
  type CodeCacheContext,
} from '../../src/cli/code-cache.js';
import { makeTempDir, type TempDir } from '../support/temp.js';
import { callUnprivileged, handOver } from '../support/unprivileged.js';

const UID = process.getuid?.();
/**
 * A bundle as scripts/build.mjs writes one: esbuild's output (module.exports set by code that runs when
 * the module does) in the module function the build writes around it.
 */
const BODY = `"use strict";
function square(n) { return n * n; }
function sum(list) { let total = 0; for (const n of list) total += square(n); return total; }
const frozen = Object.freeze({ a: 1 });
let strict = false;
try { frozen.a = 2; } catch { strict = true; }
module.exports = { sum, file: __filename, fromRequire: typeof require('node:path').join, strict };`;
const BUNDLE = `${BUNDLE_HEAD}${BODY}${BUNDLE_TAIL}`;

let temp: TempDir;
let bundle: string;
let data: string;

beforeEach(async () => {
  temp = await makeTempDir('octo-code-cache');
  bundle = path.join(temp.path, 'octo.js');
  data = path.join(temp.path, 'data');
  await writeFile(bundle, BUNDLE);
  await mkdir(data, { mode: 0o700 });
});

afterEach(async () => {
  await temp.cleanup();
});

function context(overrides: Partial<CodeCacheContext> = {}): CodeCacheContext {
  return { dataDir: data, runtime: 'node-test', uid: UID, kind: 'workspace', ...overrides };
}

/** Compiles and runs the bundle as runBundle does; what it exported and how the cache was used. */
function load(ctx = context()): { use: string; exports: Record<string, unknown>; save: () => boolean } {
  const { script, use, save } = compileBundle(bundle, ctx);
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {} as Record<string, unknown> };
  wrapper.call(module.exports, module.exports, createRequire(bundle), module, bundle, path.dirname(bundle));
  (module.exports.sum as (list: number[]) => number)([1, 2, 3]);
  return { use, exports: module.exports, save };
}

function theCache(ctx = context()): string {
  return cacheFile(data, Buffer.from(BUNDLE), ctx.runtime, ctx.kind);
}

describe('the V8 code cache of the bundle', () => {
  it('is written by a run that had none, 0600 in a 0700 folder, and used by the next', async () => {
    const first = load();
    expect(first.use).toBe('none');
    expect(first.exports.file).toBe(bundle);
    expect(first.exports.fromRequire).toBe('function');
    expect(first.exports.strict).toBe(true);
    expect(first.save()).toBe(true);
    const file = theCache();
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(data, 'cache'))).mode & 0o777).toBe(0o700);
    const second = load();
    expect(second.use).toBe('used');
    expect((second.exports.sum as (list: number[]) => number)([3, 4])).toBe(25);
  });

  it('refuses a bundle that is not in the module function the build writes', async () => {
    await writeFile(bundle, BODY);
    expect(() => compileBundle(bundle, context())).toThrow(/not the module function/);
    await writeFile(bundle, `${BUNDLE_HEAD}${BODY}`);
    expect(() => compileBundle(bundle, context())).toThrow(/not the module function/);
  });

  it('is one per bundle, runtime and kind of run', () => {
    const names = new Set([
      theCache(),
      theCache(context({ runtime: 'node-other' })),
      theCache(context({ kind: 'print' })),
      cacheFile(data, Buffer.from(BUNDLE.replace('square', 'squire')), 'node-test', 'workspace'),
    ]);
    expect(names.size).toBe(4);
  });

  it('ignores a truncated, a garbage or an empty file, and replaces it', async () => {
    load().save();
    const file = theCache();
    const good = await readFile(file);
    for (const damage of [
      () => truncate(file, good.length - 100),
      () => truncate(file, 20),
      () => writeFile(file, Buffer.alloc(good.length, 0x41), { mode: 0o600 }),
      () => writeFile(file, '', { mode: 0o600 }),
    ]) {
      await damage();
      expect(readCodeCache(file, UID)).toBeUndefined();
      const run = load();
      expect(run.use).toBe('none');
      expect(run.save()).toBe(true);
      expect(load().use).toBe('used');
    }
  });

  it('gives V8 a payload that passes octo’s checks but is not code, which V8 rejects', async () => {
    const file = theCache();
    await mkdir(path.dirname(file), { recursive: true });
    const payload = Buffer.alloc(4096, 0x5a);
    const mark = Buffer.from('octo code cache 1\n', 'latin1');
    const digest = createHash('sha256').update(payload).digest();
    await writeFile(file, Buffer.concat([mark, digest, payload]), { mode: 0o600 });
    expect(readCodeCache(file, UID)).toEqual(payload);
    const run = load();
    expect(run.use).toBe('rejected');
    expect(run.exports.file).toBe(bundle);
    expect(run.save()).toBe(true);
    expect(load().use).toBe('used');
  });

  it('trusts no file that others may write, that is not the user’s, or that is a link', async () => {
    load().save();
    const file = theCache();
    await chmod(file, 0o620);
    expect(readCodeCache(file, UID)).toBeUndefined();
    await chmod(file, 0o602);
    expect(readCodeCache(file, UID)).toBeUndefined();
    await chmod(file, 0o600);
    expect(readCodeCache(file, UID)).toBeDefined();
    expect(readCodeCache(file, (UID ?? 0) + 1)).toBeUndefined();
    const link = path.join(temp.path, 'link.bin');
    await symlink(file, link);
    expect(readCodeCache(link, UID)).toBeUndefined();
    if (UID === 0) {
      await chown(file, 65534, 65534);
      expect(readCodeCache(file, UID)).toBeUndefined();
    }
  });

  it('writes nothing without a data folder, or with the cache off', async () => {
    const missing = path.join(temp.path, 'no-data');
    const run = load(context({ dataDir: missing }));
    expect(run.use).toBe('none');
    expect(run.save()).toBe(false);
    await expect(stat(missing)).rejects.toThrow();
    const off = load(context({ dataDir: null }));
    expect(off.use).toBe('off');
    expect(off.save()).toBe(false);
    expect(await readdir(data)).toEqual([]);
  });

  it('writes nothing into a data folder it cannot write to', async () => {
    const locked = path.join(temp.path, 'locked');
    await mkdir(locked, { mode: 0o700 });
    await handOver(temp.path);
    await chmod(locked, 0o500);
    const file = cacheFile(locked, Buffer.from(BUNDLE), 'node-test', 'workspace');
    const result = await callUnprivileged(
      path.resolve('src/cli/code-cache.ts'),
      'writeCodeCache',
      [locked, file, 'payload'],
      temp.path,
    );
    expect(result).toEqual({ ok: true, value: false });
    expect(await readdir(locked)).toEqual([]);
  });

  it('keeps the latest few caches of other builds and kinds, and no temporary files', async () => {
    const dir = path.dirname(theCache());
    await mkdir(dir, { recursive: true });
    for (let n = 0; n < 15; n += 1) await writeFile(path.join(dir, `workspace-old${n}.bin`), 'x');
    await writeFile(path.join(dir, 'print-x.bin.abc~'), 'x');
    expect(writeCodeCache(data, theCache(), Buffer.from('payload'))).toBe(true);
    const left = await readdir(dir);
    expect(left).toContain(path.basename(theCache()));
    expect(left).toHaveLength(13);
    expect(left.filter((name) => name.endsWith('~'))).toEqual([]);
  });
});

describe('runKind', () => {
  it('tells the workspace, a -p turn, a daemon and each command apart', () => {
    expect(runKind([])).toBe('workspace');
    expect(runKind(['run', '--resume', 'x'])).toBe('workspace');
    expect(runKind(['--model', 'a:b'])).toBe('workspace');
    expect(runKind(['attach', 'x'])).toBe('workspace');
    expect(runKind(['run', '-p', 'hi'])).toBe('print');
    expect(runKind(['run', '--prompt=hi'])).toBe('print');
    expect(runKind(['run', '--name', 'ci', '--daemon'])).toBe('daemon');
    expect(runKind(['sessions', 'list'])).toBe('sessions');
    expect(runKind(['doctor'])).toBe('doctor');
    expect(runKind(['../x'])).toBe('command');
  });
});
