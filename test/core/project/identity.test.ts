import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OctoError } from '../../../src/core/errors.js';
import { resolveProject } from '../../../src/core/project/index.js';

let root: string;

beforeEach(async () => {
  // realpath: on macOS the temp folder itself sits behind a symlink.
  root = await realpath(await mkdtemp(path.join(os.tmpdir(), 'octo-project-')));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const idOf = (dir: string) => `p_${createHash('sha256').update(dir).digest('hex').slice(0, 16)}`;

describe('resolveProject', () => {
  it('finds the git root from a nested folder', async () => {
    const repo = path.join(root, 'repo');
    const nested = path.join(repo, 'src', 'deep', 'er');
    await mkdir(path.join(repo, '.git'), { recursive: true });
    await mkdir(nested, { recursive: true });
    expect(resolveProject(nested)).toEqual({ id: idOf(repo), dir: repo });
  });

  it('treats a .git file (worktree, submodule) as a git root', async () => {
    const worktree = path.join(root, 'worktree');
    await mkdir(path.join(worktree, 'lib'), { recursive: true });
    await writeFile(path.join(worktree, '.git'), 'gitdir: /elsewhere/.git/worktrees/w\n');
    expect(resolveProject(path.join(worktree, 'lib')).dir).toBe(worktree);
  });

  it('stops at the nearest root when repositories are nested', async () => {
    const outer = path.join(root, 'outer');
    const inner = path.join(outer, 'vendor', 'inner');
    await mkdir(path.join(outer, '.git'), { recursive: true });
    await mkdir(path.join(inner, 'src'), { recursive: true });
    await writeFile(path.join(inner, '.git'), 'gitdir: ../../.git/modules/inner\n');
    expect(resolveProject(path.join(inner, 'src')).dir).toBe(inner);
  });

  it('uses the directory itself outside git', async () => {
    const plain = path.join(root, 'plain', 'folder');
    await mkdir(plain, { recursive: true });
    expect(resolveProject(plain)).toEqual({ id: idOf(plain), dir: plain });
  });

  it('resolves a symlinked directory to the same project as its target', async () => {
    const repo = path.join(root, 'repo');
    await mkdir(path.join(repo, '.git'), { recursive: true });
    await symlink(repo, path.join(root, 'link'));
    expect(resolveProject(path.join(root, 'link'))).toEqual(resolveProject(repo));
  });

  it('gives the same id for the same directory and different ids for different directories', async () => {
    const a = path.join(root, 'a');
    const b = path.join(root, 'b');
    await mkdir(path.join(a, 'sub'), { recursive: true });
    await mkdir(b);
    expect(resolveProject(a).id).toMatch(/^p_[0-9a-f]{16}$/);
    expect(resolveProject(a).id).toBe(resolveProject(a).id);
    expect(resolveProject(a).id).not.toBe(resolveProject(b).id);
    // Outside git, a subfolder is a project of its own.
    expect(resolveProject(path.join(a, 'sub')).id).not.toBe(resolveProject(a).id);
  });

  it('fails with an OctoError naming a directory that does not exist', () => {
    const missing = path.join(root, 'gone');
    expect(() => resolveProject(missing)).toThrow(OctoError);
    expect(() => resolveProject(missing)).toThrow(missing);
  });
});
