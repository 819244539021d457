import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../../src/core/store/records.js';
import { git, gitAt, type Lab, makeRepo, nextEvent, useLabSuite } from './support.js';

let lab: Lab;
const suite = useLabSuite();

type WireMessage = { role: string; content: string };

describe('catch-up on resume', () => {
  it('shows the commits and files changed since the last message, and tells the model once', async () => {
    lab = await suite.newLab();
    const dir = await makeRepo(path.join(lab.root, 'svc'), lab.root);
    const yesterday = await lab.workspace(dir);
    const handle = await yesterday.sessions.create('svc-work');
    suite.fake.enqueue(
      { toolCalls: [{ id: 'c1', name: 'read_file', arguments: '{"path":"README.md"}' }] },
      { text: 'Read.' },
    );
    await handle.submit('Read the readme.');
    await yesterday.close();

    await writeFile(path.join(dir, 'README.md'), '# svc, renamed\n');
    await writeFile(path.join(dir, 'lib.ts'), 'export {};\n');
    git(dir, lab.root, 'add', '.');
    gitAt(new Date(Date.now() + 5_000), dir, lab.root, 'commit', '-q', '-m', 'Add lib and rename');
    await writeFile(path.join(dir, 'draft.txt'), 'not committed\n');

    const today = await lab.workspace(dir);
    const shown = nextEvent(today, 'session.catchUp');
    const resumed = await today.sessions.open('svc-work');
    const { catchUp } = await shown;
    expect(catchUp).toMatchObject({
      projectDir: dir,
      dirMissing: false,
      commitCount: 1,
      commits: [{ subject: 'Add lib and rename', author: 'Tess' }],
      filesChanged: ['README.md', 'draft.txt', 'lib.ts'],
      filesChangedCount: 3,
      readFilesChanged: ['README.md'],
      problem: null,
    });
    expect(resumed.catchUp()).toEqual(catchUp);

    suite.fake.enqueue({ text: 'Caught up.' }, { text: 'Fine.' });
    await resumed.submit('Where were we?');
    const sent = (suite.fake.requests.at(-1)?.body.messages ?? []) as WireMessage[];
    const note = sent.at(-1);
    expect(note?.role).toBe('system');
    expect(note?.content).toContain('1 new commit');
    expect(note?.content).toContain('Add lib and rename');
    expect(note?.content).toContain('of the files you read, changed since: README.md');
    // README.md is in the catch-up: no second note about it.
    const notices = resumed
      .records()
      .flatMap((r) => (r.kind === 'message' && r.notice ? [r.notice.kind] : []));
    expect(notices).toEqual(['catchUp']);

    await resumed.submit('Go on.');
    expect(
      ((suite.fake.requests.at(-1)?.body.messages ?? []) as WireMessage[]).filter((m) => m.role === 'system'),
    ).toHaveLength(2);
  });

  it('reports a commit made in the same second as the last reply, by the HEAD recorded with it', async () => {
    lab = await suite.newLab();
    const dir = await makeRepo(path.join(lab.root, 'quick'), lab.root);
    const first = await lab.workspace(dir);
    const handle = await first.sessions.create('quick');
    suite.fake.enqueue({ text: 'Done.' });
    await handle.submit('Hi.');
    const reply = handle.records().at(-1) as MessageRecord;
    expect(reply).toMatchObject({ role: 'assistant', head: git(dir, lab.root, 'rev-parse', 'HEAD').trim() });
    await first.close();

    // git keeps whole seconds: the commit's time is the reply's own second.
    await writeFile(path.join(dir, 'fast.ts'), 'export {};\n');
    git(dir, lab.root, 'add', '.');
    gitAt(new Date(Date.parse(reply.at)), dir, lab.root, 'commit', '-q', '-m', 'Right after the reply');

    const ws = await lab.workspace(dir);
    const shown = nextEvent(ws, 'session.catchUp');
    await ws.sessions.open('quick');
    expect((await shown).catchUp).toMatchObject({
      commitCount: 1,
      commits: [{ subject: 'Right after the reply' }],
      filesChanged: ['fast.ts'],
      problem: null,
      replyCutOff: false,
    });
  });

  it('counts commits by time when the recorded commit is gone after a rebase, and says so', async () => {
    lab = await suite.newLab();
    const dir = await makeRepo(path.join(lab.root, 'rebased'), lab.root);
    git(dir, lab.root, 'commit', '-q', '--allow-empty', '-m', 'second');
    const first = await lab.workspace(dir);
    const handle = await first.sessions.create('rebased');
    suite.fake.enqueue({ text: 'Done.' });
    await handle.submit('Hi.');
    const recorded = git(dir, lab.root, 'rev-parse', 'HEAD').trim();
    await first.close();

    const later = new Date(Date.now() + 5_000);
    gitAt(later, dir, lab.root, 'commit', '-q', '--amend', '--allow-empty', '-m', 'second, reworded');
    git(dir, lab.root, 'reflog', 'expire', '--expire=now', '--all');
    git(dir, lab.root, 'gc', '-q', '--prune=now');
    expect(() => git(dir, lab.root, 'cat-file', '-e', `${recorded}^{commit}`)).toThrow();

    const ws = await lab.workspace(dir);
    const shown = nextEvent(ws, 'session.catchUp');
    await ws.sessions.open('rebased');
    const { catchUp } = await shown;
    expect(catchUp).toMatchObject({ commitCount: 1, commits: [{ subject: 'second, reworded' }] });
    expect(catchUp.problem).toContain(
      `the commit of the last message (${recorded.slice(0, 7)}) is no longer`,
    );
  });

  it('says when the project directory is gone', async () => {
    lab = await suite.newLab();
    const gone = path.join(lab.root, 'scratch');
    const elsewhere = path.join(lab.root, 'elsewhere');
    await mkdir(gone);
    await mkdir(elsewhere);
    const first = await lab.workspace(gone);
    const handle = await first.sessions.create('scratch-work');
    suite.fake.enqueue({ text: 'Hello.' });
    await handle.submit('Hi.');
    await first.close();
    await rm(gone, { recursive: true });

    const ws = await lab.workspace(elsewhere);
    const shown = nextEvent(ws, 'session.catchUp');
    const resumed = await ws.sessions.open('scratch-work');
    expect((await shown).catchUp).toMatchObject({ dirMissing: true, projectDir: gone, commitCount: 0 });
    suite.fake.enqueue({ text: 'I see.' });
    await resumed.submit('Still there?');
    const stored = resumed
      .records()
      .filter((r): r is MessageRecord => r.kind === 'message' && r.notice !== undefined);
    expect(stored.map((r) => r.content)).toEqual([
      expect.stringContaining(`the project directory ${gone} is missing`) as string,
    ]);
  });

  it('has nothing to say for a session resumed with nothing changed', async () => {
    lab = await suite.newLab();
    const dir = await makeRepo(path.join(lab.root, 'calm'), lab.root);
    const first = await lab.workspace(dir);
    const handle = await first.sessions.create('calm');
    suite.fake.enqueue({ text: 'Hello.' });
    await handle.submit('Hi.');
    await first.close();

    const ws = await lab.workspace(dir);
    const resumed = await ws.sessions.open('calm');
    suite.fake.enqueue({ text: 'Same as before.' });
    await resumed.submit('Anything new?');
    expect(resumed.catchUp()).toBeNull();
    expect(((suite.fake.requests.at(-1)?.body.messages ?? []) as WireMessage[]).map((m) => m.role)).toEqual([
      'system',
      'user',
      'assistant',
      'user',
    ]);
  });
});

describe('files the model read, across a restart', () => {
  it('compares what is on disk with what the model saw, whatever the clock says', async () => {
    lab = await suite.newLab();
    const dir = path.join(lab.root, 'plain');
    await mkdir(dir);
    await writeFile(path.join(dir, 'notes.md'), 'seen\n');
    await writeFile(path.join(dir, 'todo.md'), 'seen too\n');
    // The session's clock is a day behind the files' modification times.
    const clock = { now: () => Date.now() - 24 * 60 * 60 * 1000 };
    const first = await lab.workspace(dir, { clock });
    const handle = await first.sessions.create('reader');
    suite.fake.enqueue(
      {
        toolCalls: [
          { id: 'r1', name: 'read_file', arguments: '{"path":"notes.md"}' },
          { id: 'r2', name: 'read_file', arguments: '{"path":"todo.md"}' },
        ],
      },
      { text: 'Read both.' },
    );
    await handle.submit('Read the notes.');
    await first.close();

    const unchanged = await lab.workspace(dir, { clock });
    const again = await unchanged.sessions.open('reader');
    suite.fake.enqueue({ text: 'ok' });
    await again.submit('Hello again.');
    expect(again.catchUp()).toBeNull();
    expect(again.staleFiles()).toEqual([]);
    await unchanged.close();

    await writeFile(path.join(dir, 'todo.md'), 'changed while octo was closed\n');
    const changed = await lab.workspace(dir, { clock });
    const shown = nextEvent(changed, 'session.catchUp');
    const third = await changed.sessions.open('reader');
    expect((await shown).catchUp.readFilesChanged).toEqual(['todo.md']);
    expect(third.staleFiles()).toEqual(['todo.md']);
  });
});
