import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJsonFile, replaceFile } from '../../src/core/replace-file.js';
import { makeTempDir, type TempDir } from '../support/temp.js';

let temp: TempDir;
beforeEach(async () => {
  temp = await makeTempDir('octo-replace');
});
afterEach(async () => {
  await temp.cleanup();
});

describe('replaceFile', () => {
  it('replaces a file whole, 0600 for this user alone, leaving nothing beside it', async () => {
    const file = path.join(temp.path, 'trust.json');
    await writeFile(file, 'old', { mode: 0o644 });
    await replaceFile(file, 'new');
    expect(await readFile(file, 'utf8')).toBe('new');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(temp.path)).toEqual(['trust.json']);
  });

  it('does the same unflushed, for caches and files that describe a running process', async () => {
    const file = path.join(temp.path, 'state.json');
    await writeFile(file, 'old', { mode: 0o644 });
    await replaceFile(file, '{"new":true}', { flush: false });
    expect(await readFile(file, 'utf8')).toBe('{"new":true}');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(temp.path)).toEqual(['state.json']);
  });

  it('lets two writers replace the same file at once, one whole version winning', async () => {
    const file = path.join(temp.path, 'cache.json');
    const versions = Array.from({ length: 8 }, (_, i) => `version ${i} `.repeat(10_000));
    await Promise.all(versions.map((data) => replaceFile(file, data)));
    expect(versions).toContain(await readFile(file, 'utf8'));
    expect(await readdir(temp.path)).toEqual(['cache.json']);
  });

  it('keeps the old contents and removes its temporary file when writing fails', async () => {
    const file = path.join(temp.path, 'segment');
    await writeFile(file, 'old');
    const failing = replaceFile(file, async (handle) => {
      await handle.write('half of it');
      throw new Error('disk full');
    });
    await expect(failing).rejects.toThrow('disk full');
    expect(await readFile(file, 'utf8')).toBe('old');
    expect(await readdir(temp.path)).toEqual(['segment']);
  });

  it('removes its temporary file when the rename fails, and the error reaches the caller', async () => {
    const target = path.join(temp.path, 'a-folder');
    await mkdir(path.join(target, 'inside'), { recursive: true });
    await expect(replaceFile(target, 'text', { flush: false })).rejects.toThrow();
    expect(await readdir(temp.path)).toEqual(['a-folder']);
  });

  it('starts a fixed-name temporary file afresh, whatever a crash left there', async () => {
    const file = path.join(temp.path, 's.db');
    await writeFile(`${file}~`, 'left by a crash', { mode: 0o666 });
    await replaceFile(file, 'records', { temp: `${file}~`, flush: false });
    expect(await readFile(file, 'utf8')).toBe('records');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(temp.path)).toEqual(['s.db']);
  });
});

describe('readJsonFile', () => {
  it('gives the value, or null for a file that is missing, torn or not JSON', async () => {
    const file = path.join(temp.path, 'x.json');
    expect(await readJsonFile(file)).toBeNull();
    await writeFile(file, '{"a":1');
    expect(await readJsonFile(file)).toBeNull();
    await writeFile(file, '{"a":1}\n');
    expect(await readJsonFile(file)).toEqual({ a: 1 });
  });

  it('passes on other read errors', async () => {
    await expect(readJsonFile(temp.path)).rejects.toThrow(/EISDIR/);
  });
});
