import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../../src/core/store/records.js';
import { projectIdOf } from '../../../src/core/project/index.js';
import { git, type Lab, makeRepo, useLabSuite } from './support.js';

let lab: Lab;
const suite = useLabSuite();

const notices = (records: readonly unknown[]): MessageRecord['notice'][] =>
  (records as MessageRecord[])
    .filter((r) => r.kind === 'message' && r.notice !== undefined)
    .map((r) => r.notice);

describe('sessions tied to projects', () => {
  it('resumes the most recent session of each project from inside it', async () => {
    lab = await suite.newLab();
    const api = await makeRepo(path.join(lab.root, 'api'), lab.root);
    const web = await makeRepo(path.join(lab.root, 'web'), lab.root);
    const inApi = await lab.workspace(path.join(api));
    const inWeb = await lab.workspace(web);
    for (const name of ['api-old', 'api-new']) await (await inApi.sessions.create(name)).close();
    await (await inWeb.sessions.create('web-only')).close();

    expect((await inApi.sessions.mostRecent(inApi.project.id))?.name).toBe('api-new');
    expect((await inWeb.sessions.mostRecent(inWeb.project.id))?.name).toBe('web-only');
    expect((await inWeb.sessions.list({ projectId: inWeb.project.id })).map((s) => s.name)).toEqual([
      'web-only',
    ]);
  });

  it('finds the sessions of a moved checkout from its new place and re-attaches them there', async () => {
    lab = await suite.newLab();
    const before = await makeRepo(path.join(lab.root, 'shop'), lab.root);
    const first = await lab.workspace(before);
    await (await first.sessions.create('checkout-flow')).close();
    await first.close();

    const after = path.join(lab.root, 'projects', 'shop-renamed');
    await mkdir(path.dirname(after));
    await rename(before, after);
    const moved = await lab.workspace(after);
    const recent = await moved.sessions.mostRecent(moved.project.id);
    expect(recent).toMatchObject({ name: 'checkout-flow', projectDir: before });
    expect((await moved.sessions.list({ checkProjectDirs: true }))[0]?.projectMissing).toBe(true);

    const handle = await moved.sessions.open('checkout-flow');
    expect(handle.summary()).toMatchObject({ projectDir: after, projectId: moved.project.id });
    expect(notices(handle.records())).toEqual([
      {
        kind: 'moved',
        from: before,
        to: after,
        projectId: moved.project.id,
        projectGroup: moved.project.group,
      },
    ]);
    expect((await moved.sessions.list({ checkProjectDirs: true }))[0]?.projectMissing).toBe(false);
  });

  it('keeps finding sessions made before the repository had an identity (the path id)', async () => {
    lab = await suite.newLab();
    const dir = path.join(lab.root, 'young');
    await mkdir(dir);
    git(dir, lab.root, 'init', '-q');
    const early = await lab.workspace(dir);
    expect(early.project.id).toBe(projectIdOf(dir));
    await (await early.sessions.create('before-first-commit')).close();

    await writeFile(path.join(dir, 'a.txt'), 'a\n');
    git(dir, lab.root, 'add', '.');
    git(dir, lab.root, 'commit', '-q', '-m', 'first');
    const later = await lab.workspace(dir);
    expect(later.project.id).toMatch(/^g_/);
    expect((await later.sessions.mostRecent(later.project.id))?.name).toBe('before-first-commit');
  });

  it('re-attaches a session to another directory by hand, and tells the model', async () => {
    lab = await suite.newLab();
    const old = path.join(lab.root, 'notes');
    await mkdir(old);
    const ws = await lab.workspace(old);
    await (await ws.sessions.create('jot')).close();
    const target = path.join(lab.root, 'notes-v2');
    await mkdir(target);

    const moved = await ws.sessions.move('jot', target);
    expect(moved).toMatchObject({ projectDir: target, projectId: projectIdOf(target) });
    const shown = await ws.sessions.show('jot');
    expect(notices(shown.records)).toEqual([
      { kind: 'moved', from: old, to: target, projectId: projectIdOf(target) },
    ]);
    await expect(ws.sessions.move('jot', path.join(lab.root, 'nowhere'))).rejects.toThrow('nowhere');
  });

  it('leaves a second clone of the same repository its own sessions', async () => {
    lab = await suite.newLab();
    const origin = await makeRepo(path.join(lab.root, 'origin'), lab.root);
    git(lab.root, lab.root, 'clone', '-q', origin, path.join(lab.root, 'one'));
    git(lab.root, lab.root, 'clone', '-q', origin, path.join(lab.root, 'two'));
    const one = await lab.workspace(path.join(lab.root, 'one'));
    const two = await lab.workspace(path.join(lab.root, 'two'));
    expect(two.project.id).toBe(one.project.id);
    await (await one.sessions.create('in-one')).close();

    expect(await two.sessions.mostRecent(two.project.id)).toBeNull();
    // Once clone one is gone, its session is taken as moved: it is found from clone two.
    await rm(path.join(lab.root, 'one'), { recursive: true });
    expect((await two.sessions.mostRecent(two.project.id))?.name).toBe('in-one');
  });

  it('lists worktrees of one repository as separate projects of one group', async () => {
    lab = await suite.newLab();
    const main = await makeRepo(path.join(lab.root, 'repo'), lab.root);
    git(main, lab.root, 'worktree', 'add', '-q', '-b', 'fix', path.join(lab.root, 'repo-fix'));
    const inMain = await lab.workspace(main);
    const inFix = await lab.workspace(path.join(lab.root, 'repo-fix'));
    await (await inMain.sessions.create('on-main')).close();
    await (await inFix.sessions.create('on-fix')).close();

    const all = await inMain.sessions.list();
    expect(new Set(all.map((s) => s.projectGroup))).toEqual(new Set([inMain.project.group]));
    expect(new Set(all.map((s) => s.projectId)).size).toBe(2);
    expect((await inFix.sessions.mostRecent(inFix.project.id))?.name).toBe('on-fix');
  });
});
