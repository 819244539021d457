import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createToolSet, READ_ONLY_TOOLS } from '../../../src/core/tools/index.js';
import { makeToolBench, type ToolBench } from './harness.js';

let bench: ToolBench;

beforeEach(async () => {
  bench = await makeToolBench();
  const p = (...parts: string[]) => path.join(bench.project, ...parts);
  await mkdir(p('src', 'gen'), { recursive: true });
  await mkdir(p('dist'), { recursive: true });
  await mkdir(p('node_modules', 'x'), { recursive: true });
  await writeFile(p('.gitignore'), 'dist/\n*.log\n');
  await writeFile(p('src', '.gitignore'), 'gen/\n');
  await writeFile(
    p('src', 'auth.ts'),
    'export const TTL = 15;\n// token expiry\nfunction refreshToken() {}\n',
  );
  await writeFile(p('src', 'gen', 'big.ts'), 'const token = 1;\n');
  await writeFile(p('dist', 'auth.js'), 'token\n');
  await writeFile(p('debug.log'), 'token\n');
  await writeFile(p('node_modules', 'x', 'i.js'), 'token\n');
  await writeFile(p('README.md'), '# Tokens\n');
});
afterEach(() => bench.cleanup());

describe('list_files', () => {
  it('lists files recursively, honouring root and nested .gitignore files', async () => {
    expect(await bench.call('list_files', {})).toEqual({
      ok: true,
      content: '4 files\n.gitignore\nREADME.md\nsrc/.gitignore\nsrc/auth.ts',
    });
  });

  it('narrows to a folder and a glob', async () => {
    expect(await bench.call('list_files', { path: 'src', pattern: '*.ts' })).toEqual({
      ok: true,
      content: '1 files\nsrc/auth.ts',
    });
  });
});

describe('search_text', () => {
  it('finds matches with file and line, skipping ignored files', async () => {
    expect(await bench.call('search_text', { pattern: 'token', case_sensitive: false })).toEqual({
      ok: true,
      content:
        'README.md:1: # Tokens\nsrc/auth.ts:2: // token expiry\nsrc/auth.ts:3: function refreshToken() {}',
    });
  });

  it('reports an invalid expression instead of running it', async () => {
    const result = await bench.call('search_text', { pattern: '(' });
    expect(result.ok).toBe(false);
    expect(result.content).toMatch(/^Invalid regular expression/);
  });

  it('stops at its cap and says so', async () => {
    await writeFile(path.join(bench.project, 'many.txt'), 'hit\n'.repeat(500));
    const result = await bench.call('search_text', { pattern: '^hit$' });
    const lines = result.content.split('\n');
    expect(lines).toHaveLength(201);
    expect(lines.at(-1)).toBe('[stopped at 200 matches; narrow the pattern or the path]');
  });
});

describe('write_file', () => {
  it('creates a file and its folders inside the project', async () => {
    expect(await bench.call('write_file', { path: 'docs/new/plan.md', content: 'step 1\n' })).toEqual({
      ok: true,
      content: 'Wrote docs/new/plan.md (7 bytes).',
    });
    expect(await readFile(path.join(bench.project, 'docs', 'new', 'plan.md'), 'utf8')).toBe('step 1\n');
  });

  it.each(['../escape.txt', '/tmp/octo-escape.txt'])('refuses %s outside the project', async (target) => {
    const result = await bench.call('write_file', { path: target, content: 'x' });
    expect(result).toEqual({ ok: false, content: `${target} is outside the project directory` });
  });

  it('refuses to write through a symlinked folder that leads outside', async () => {
    await symlink(bench.root, path.join(bench.project, 'out'));
    const result = await bench.call('write_file', { path: 'out/evil.txt', content: 'x' });
    expect(result).toEqual({ ok: false, content: 'out/evil.txt leads outside the project directory' });
    await expect(readFile(path.join(bench.root, 'evil.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('edit_file', () => {
  it('replaces text that occurs exactly once', async () => {
    expect(
      await bench.call('edit_file', { path: 'src/auth.ts', old_text: 'TTL = 15', new_text: 'TTL = 30' }),
    ).toEqual({
      ok: true,
      content: 'Edited src/auth.ts (1 place).',
    });
    expect(await readFile(path.join(bench.project, 'src', 'auth.ts'), 'utf8')).toContain('TTL = 30;');
  });

  it('refuses text that is not unique, and changes nothing', async () => {
    const file = path.join(bench.project, 'twice.txt');
    await writeFile(file, 'a = 1\na = 1\n');
    const result = await bench.call('edit_file', { path: 'twice.txt', old_text: 'a = 1', new_text: 'a = 2' });
    expect(result).toEqual({
      ok: false,
      content:
        'old_text occurs 2 times in twice.txt; include more surrounding lines to make it unique, or set replace_all',
    });
    expect(await readFile(file, 'utf8')).toBe('a = 1\na = 1\n');
    expect(
      (
        await bench.call('edit_file', {
          path: 'twice.txt',
          old_text: 'a = 1',
          new_text: 'a = 2',
          replace_all: true,
        })
      ).ok,
    ).toBe(true);
    expect(await readFile(file, 'utf8')).toBe('a = 2\na = 2\n');
  });

  it('says when the text is not there', async () => {
    const result = await bench.call('edit_file', { path: 'src/auth.ts', old_text: 'nope', new_text: 'x' });
    expect(result).toEqual({
      ok: false,
      content: 'old_text was not found in src/auth.ts; read the file and copy the text exactly',
    });
  });
});

describe('folders outside the project (tools.allowed_dirs)', () => {
  it('are readable by absolute path when configured, and only then', async () => {
    const shared = path.join(bench.root, 'shared');
    await mkdir(shared);
    await writeFile(path.join(shared, 'spec.md'), 'shared spec\n');
    const target = JSON.stringify({ path: path.join(shared, 'spec.md') });
    const context = { projectDir: bench.project, signal: new AbortController().signal };
    const widened = createToolSet(READ_ONLY_TOOLS, { allowedDirs: () => [shared] });
    expect(await widened.call('read_file', target, context)).toEqual({ ok: true, content: 'shared spec\n' });
    const confined = createToolSet(READ_ONLY_TOOLS);
    expect((await confined.call('read_file', target, context)).content).toMatch(
      /outside the project directory$/,
    );
  });
});
