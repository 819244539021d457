import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJsonFile, replacePrivateFile } from '../../src/core/replace-file.js';
import { makeTempDir, type TempDir } from '../support/temp.js';

let temp: TempDir;
beforeEach(async () => {
  temp = await makeTempDir('octo-replace');
});
afterEach(async () => {
  await temp.cleanup();
});

describe('replacePrivateFile', () => {
  it('replaces the file whole, 0600 for this user alone, leaving no temporary file', async () => {
    const file = path.join(temp.path, 'state.json');
    await writeFile(file, 'old', { mode: 0o644 });
    await replacePrivateFile(file, '{"new":true}');
    expect(await readFile(file, 'utf8')).toBe('{"new":true}');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(temp.path)).toEqual(['state.json']);
  });

  it('removes its temporary file when the rename fails, and the error reaches the caller', async () => {
    const target = path.join(temp.path, 'a-folder');
    await mkdir(path.join(target, 'inside'), { recursive: true });
    await expect(replacePrivateFile(target, 'text')).rejects.toThrow();
    expect(await readdir(temp.path)).toEqual(['a-folder']);
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
