/** Sessions on the screen: /fork, the search box, catch-up notes and stale files. */
import { describe, expect, it } from 'vitest';
import type { CatchUp, SearchHit } from '../../src/core/api.js';
import { catchUpText } from '../../src/core/project/index.js';
import { fixtureWorkspace } from './support/fixture.js';
import { summary } from './support/fake-workspace.js';
import { KEY, useHeadless } from './support/headless.js';
import { catchUpWith, history } from './support/records.js';

const openScreen = useHeadless();

const CTRL_F = '\u0006';

describe('fork, search and project news on the screen', () => {
  it('forks the session with /fork NAME, opens the fork and lists it under its origin', async () => {
    const ws = fixtureWorkspace();
    const s = await openScreen(ws, { width: 120, height: 40 });
    await s.press(...'/fork try-b', KEY.enter);
    expect(s.rows()[0]).toContain('Conversation — try-b');
    expect(s.text()).toContain('Forked auth-refactor as try-b');
    expect(s.text()).toContain('Where is the session token checked?');
    expect(s.text()).toMatch(/│▶ {2}↳ try-b/);
    const sessions = s.rows().map((r) => r.slice(0, 30));
    const origin = sessions.findIndex((r) => r.includes('auth-refactor'));
    expect(sessions[origin + 2]).toContain('↳ try-b');
  });

  it('searches all sessions from a box (Ctrl-F) and opens a hit scrolled to its message', async () => {
    const ws = fixtureWorkspace();
    const records = history(200);
    ws.add(summary({ id: 'long', name: 'long-talk', order: 0 }), records);
    const target = records[10];
    const hit: SearchHit = {
      sessionId: 'long',
      sessionName: 'long-talk',
      seq: target?.seq ?? 0,
      kind: 'user',
      snippet: 'Question 10: how does part 10 work?',
      matches: [[0, 8]],
      score: 3,
      at: '2025-06-01T11:00:00Z',
    };
    const asked: string[] = [];
    ws.sessions.search = (text) => {
      asked.push(text);
      return Promise.resolve([hit]);
    };
    const s = await openScreen(ws, { width: 120, height: 40 });
    await s.press(CTRL_F, ...'part 10');
    expect(s.text()).toContain('Search: part 10');
    await s.press(KEY.enter);
    expect(asked).toEqual(['part 10']);
    expect(s.text()).toContain('long-talk #');
    expect(s.text()).toContain('Question 10: how does part 10 work?');
    await s.press(KEY.enter);
    expect(s.rows()[0]).toContain('Conversation — long-talk');
    expect(s.rows()[0]).toContain('scrolled');
    expect(s.text()).not.toContain('Search:');
    const conversation = s.rows().slice(1, 8).join('\n');
    expect(conversation).toContain('Question 10: how does part 10 work?');
  });

  it('shows what happened in the project since the last message, once, and stale files in the Context pane', async () => {
    const ws = fixtureWorkspace();
    const s = await openScreen(ws, { width: 120, height: 40 });
    const catchUp: CatchUp = {
      since: '2025-06-01T11:00:00Z',
      projectDir: '/home/dev/proj',
      dirMissing: false,
      commits: [{ sha: 'abc', subject: 'Fix the login', author: 'dev', at: '2025-06-01T11:30:00Z' }],
      commitCount: 2,
      filesChanged: ['src/a.ts'],
      filesChangedCount: 1,
      readFilesChanged: ['src/a.ts'],
      problem: null,
      replyCutOff: false,
    };
    ws.bus.emit('session.catchUp', { sessionId: 'a', catchUp });
    ws.bus.emit('session.catchUp', { sessionId: 'a', catchUp });
    ws.bus.emit('session.filesStale', { sessionId: 'a', paths: ['src/auth/session.ts'] });
    await s.flush();
    const text = s.text();
    expect(text.split('Since the last message').length).toBe(2);
    expect(text).toContain('2 commits (latest: Fix the login)');
    expect(text).toContain('Stale files (1)');
    expect(text).toContain('src/auth/session.ts');
  });
});

describe('a session another terminal writes', () => {
  it('says who holds it and since when, with /fork to continue here', async () => {
    const ws = fixtureWorkspace();
    Object.assign(ws.handle('a'), {
      readOnly: true,
      holder: { pid: 4242, since: '2025-06-01T11:50:00Z', host: 'box' },
    });
    const s = await openScreen(ws, { width: 160, height: 40 });
    const notes = (): string[] =>
      (s.tui.controller.state.conversations.get('a')?.notes ?? []).map((n) => n.item.text);
    expect(notes()).toContain(
      'Read-only: process 4242 on box (since 2025-06-01T11:50:00Z) is writing this session; this view follows it. /fork [NAME] to continue here.',
    );
    expect(s.rows()[0]).toContain('read-only, /fork to continue here');
    await s.press(...'hello', KEY.enter);
    expect(notes().at(-1)).toMatch(/nothing was sent\. \/fork \[NAME\] continues it here\.$/);
  });
});

describe('catch-up text', () => {
  it('says first when the last reply was cut off', () => {
    expect(catchUpText(catchUpWith({ replyCutOff: true, commitCount: 1 }))).toBe(
      'Since the last message: the last reply was cut off (octo stopped while it was written) · 1 commit. The model gets a short note of it with the next message.',
    );
  });

  it('says when nothing changed, and names a problem', () => {
    expect(catchUpText(catchUpWith({ problem: 'git is missing' }))).toBe(
      'Since the last message: nothing changed in the project (git is missing). The model gets a short note of it with the next message.',
    );
  });

  it('says the directory is gone', () => {
    expect(catchUpText(catchUpWith({ dirMissing: true }))).toBe(
      'Since the last message: the project directory /p is gone.',
    );
  });

  it('caps the list of changed files', () => {
    const files = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    expect(catchUpText(catchUpWith({ filesChanged: files, filesChangedCount: 9 }))).toContain(
      '9 files changed: a, b, c, d, e and 4 more',
    );
  });
});
