import { mkdir, realpath, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normalizeRemote } from '../../../src/core/project/git-files.js';
import { identifyProject, projectIdOf } from '../../../src/core/project/index.js';
import { makeTempDir, type TempDir } from '../../support/temp.js';
import { git, gitEnv, makeRepo } from './support.js';

let temp: TempDir;
let root: string;

beforeEach(async () => {
  temp = await makeTempDir('octo-identify');
  root = await realpath(temp.path);
});
afterEach(async () => {
  await temp.cleanup();
});

const identify = (dir: string, env = gitEnv(root)) =>
  identifyProject(dir, { cacheFile: path.join(root, 'data', 'projects.json'), env });

describe('identifyProject', () => {
  it('keeps the id of a repository that is moved, and remembers its old path id', async () => {
    const before = await makeRepo(path.join(root, 'app'), root, 'git@github.com:acme/app.git');
    const first = await identify(before);
    await rename(before, path.join(root, 'renamed-app'));
    const after = await identify(path.join(root, 'renamed-app'));

    expect(first.problem).toBeNull();
    expect(first.project.id).toMatch(/^g_[0-9a-f]{16}$/);
    expect(after.project).toMatchObject({
      id: first.project.id,
      dir: path.join(root, 'renamed-app'),
      group: first.project.group,
      git: { remote: 'github.com/acme/app', worktree: null },
    });
    // Sessions made before ids survived moves carry the old directory's path id.
    expect(after.project.aliases).toContain(projectIdOf(before));
  });

  it('tells two repositories apart, and a second clone of one repository from neither', async () => {
    const a = await makeRepo(path.join(root, 'a'), root);
    const b = await makeRepo(path.join(root, 'b'), root);
    git(root, root, 'clone', '-q', a, path.join(root, 'a-clone'));
    git(a, root, 'remote', 'add', 'origin', path.join(root, 'a'));

    const [ida, idb] = await Promise.all([identify(a), identify(b)]);
    expect(ida.project.id).not.toBe(idb.project.id);
    // Same first commit, same remote: the clone is the same project (sessions stay with their directory).
    expect((await identify(path.join(root, 'a-clone'))).project.id).toBe(ida.project.id);
  });

  it('makes each worktree a project of its own in one group', async () => {
    const main = await makeRepo(path.join(root, 'main'), root);
    git(main, root, 'worktree', 'add', '-q', '-b', 'feature', path.join(root, 'feature'));
    const [m, f] = await Promise.all([identify(main), identify(path.join(root, 'feature'))]);

    expect(f.project.id).not.toBe(m.project.id);
    expect(f.project.group).toBe(m.project.group);
    expect(f.project.git?.worktree).toBe('feature');
  });

  it('uses the path id outside git and in a repository without commits', async () => {
    const plain = path.join(root, 'plain');
    const fresh = path.join(root, 'fresh');
    await mkdir(plain);
    await mkdir(fresh);
    git(fresh, root, 'init', '-q');

    expect(await identify(plain)).toEqual({
      project: { id: projectIdOf(plain), dir: plain, aliases: [] },
      problem: null,
    });
    expect((await identify(fresh)).project.id).toBe(projectIdOf(fresh));
  });

  it('runs git only the first time a checkout is seen, and says why when it cannot', async () => {
    const repo = await makeRepo(path.join(root, 'repo'), root);
    const noGit = { PATH: path.join(root, 'no-programs-here'), HOME: root };

    const blind = await identify(repo, noGit);
    expect(blind.project.id).toBe(projectIdOf(repo));
    expect(blind.problem).toContain('first commit is unknown');

    const seen = await identify(repo);
    // The first commit is now in projects.json: no git needed to know the project again.
    expect(await identify(repo, noGit)).toEqual(seen);
  });

  it('normalises remote URLs so that ssh and https forms of one repository agree', () => {
    for (const url of [
      'git@github.com:Acme/App.git',
      'https://github.com/Acme/App',
      'ssh://git@GitHub.com/Acme/App.git/',
    ]) {
      expect(normalizeRemote(url)).toBe('github.com/Acme/App');
    }
    expect(normalizeRemote('/srv/git/app.git')).toBe('/srv/git/app');
  });

  it('identifies a repository whose first commit is only in packed refs', async () => {
    const repo = await makeRepo(path.join(root, 'packed'), root);
    git(repo, root, 'pack-refs', '--all');
    await rm(path.join(repo, '.git', 'refs', 'heads', 'main'), { force: true });
    expect((await identify(repo)).project.id).toMatch(/^g_/);
  });
});
