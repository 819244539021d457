import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createToolSet, READ_ONLY_TOOLS } from '../../../src/core/tools/index.js';

let root: string;
let project: string;
const tools = createToolSet(READ_ONLY_TOOLS);
const call = (name: string, args: unknown) =>
  tools.call(name, typeof args === 'string' ? args : JSON.stringify(args), {
    projectDir: project,
    signal: new AbortController().signal,
  });

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'octo-tools-'));
  project = path.join(root, 'project');
  await mkdir(path.join(project, 'src'), { recursive: true });
  await writeFile(path.join(project, 'src', 'a.ts'), 'line one\nline two\nline three\n');
  await writeFile(path.join(root, 'secret.txt'), 'outside');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('read_file', () => {
  it('reads a file of the project', async () => {
    expect(await call('read_file', { path: 'src/a.ts' })).toEqual({
      ok: true,
      content: 'line one\nline two\nline three\n',
    });
  });

  it('reads a line range with line numbers', async () => {
    const result = await call('read_file', { path: 'src/a.ts', start_line: 2, end_line: 3 });
    expect(result).toEqual({ ok: true, content: 'src/a.ts lines 2-3 of 4\n2: line two\n3: line three' });
  });

  it.each(['../secret.txt', '/etc/passwd', 'src/../../secret.txt'])(
    'refuses %s outside the project',
    async (p) => {
      const result = await call('read_file', { path: p });
      expect(result.ok).toBe(false);
      expect(result.content).toMatch(/outside the project/);
    },
  );

  it('refuses a symlink that leads outside the project', async () => {
    await symlink(path.join(root, 'secret.txt'), path.join(project, 'link.txt'));
    const result = await call('read_file', { path: 'link.txt' });
    expect(result).toEqual({ ok: false, content: 'link.txt leads outside the project directory' });
  });

  it('reports binary content by size (docs/faults.md row 22)', async () => {
    await writeFile(path.join(project, 'img.bin'), Buffer.from([0x89, 0x50, 0x00, 0x01, 0x02]));
    expect(await call('read_file', { path: 'img.bin' })).toEqual({
      ok: true,
      content: 'img.bin: binary, 5 bytes',
    });
  });

  it('turns invalid UTF-8 into U+FFFD (docs/faults.md row 22)', async () => {
    await writeFile(
      path.join(project, 'latin1.txt'),
      Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from(' au lait, a long enough text')]),
    );
    const result = await call('read_file', { path: 'latin1.txt' });
    expect(result).toEqual({ ok: true, content: 'caf\uFFFD au lait, a long enough text' });
  });

  it('says a missing file does not exist', async () => {
    expect(await call('read_file', { path: 'nope.ts' })).toEqual({
      ok: false,
      content: 'nope.ts does not exist',
    });
  });
});

describe('list_dir', () => {
  it('lists folders first, then files with sizes', async () => {
    await mkdir(path.join(project, '.git'));
    await writeFile(path.join(project, 'README.md'), 'hi');
    const result = await call('list_dir', { path: '.' });
    expect(result).toEqual({ ok: true, content: '.: 2 entries\nsrc/\nREADME.md (2 bytes)' });
  });

  it('defaults to the project root', async () => {
    expect((await call('list_dir', {})).content).toBe('.: 1 entries\nsrc/');
  });
});

describe('tool calls', () => {
  it('does not run a call whose arguments are not JSON (docs/faults.md row 17)', async () => {
    const result = await call('read_file', '{"path": "src/a.ts"');
    expect(result.ok).toBe(false);
    expect(result.content).toMatch(/^Not executed: the arguments are not valid JSON/);
  });

  it('names the available tools for an unknown one', async () => {
    expect(await call('rm_rf', {})).toEqual({
      ok: false,
      content: 'Unknown tool "rm_rf". Available: read_file, list_dir, list_files, search_text',
    });
  });

  it('rejects arguments of the wrong shape', async () => {
    const result = await call('read_file', { path: 42 });
    expect(result.ok).toBe(false);
    expect(result.content).toMatch(/Invalid arguments/);
  });
});
