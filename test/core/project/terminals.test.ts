import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Lab, nextEvent, useLabSuite, contents } from './support.js';

let lab: Lab;
const suite = useLabSuite();

async function projectDir(): Promise<string> {
  const dir = path.join(lab.root, 'proj');
  await mkdir(dir, { recursive: true });
  return dir;
}

describe('two terminals', () => {
  it('gives the second terminal a read-only view that follows the writer, and loses no write', async () => {
    lab = await suite.newLab();
    const dir = await projectDir();
    const first = await lab.workspace(dir);
    const second = await lab.workspace(dir);
    const writer = await first.sessions.create('shared');
    const reader = await second.sessions.open('shared');
    expect(reader.readOnly).toBe(true);
    expect(reader.holder?.pid).toBe(process.pid);

    for (const n of [1, 2, 3]) {
      const followed = nextEvent(second, 'session.updated', (e) => e.summary.messageCount === n * 2);
      suite.fake.enqueue({ text: `answer ${n}` });
      await writer.submit(`question ${n}`);
      expect((await followed).summary.lastPreview).toBe(`answer ${n}`);
    }
    expect(contents(reader.records())).toEqual(contents(writer.records()));
    expect(reader.summary().messageCount).toBe(6);

    const refused = await reader.submit('may I?');
    expect(refused).toMatchObject({ status: 'failed', error: { code: 'session_locked' } });

    await writer.close();
    await first.close();
    const shown = await second.sessions.show('shared');
    expect(contents(shown.records)).toEqual([
      'user: question 1',
      'assistant: answer 1',
      'user: question 2',
      'assistant: answer 2',
      'user: question 3',
      'assistant: answer 3',
    ]);
  });

  it('lets the read-only view take the session over when the writer leaves, and write it', async () => {
    lab = await suite.newLab();
    const dir = await projectDir();
    const first = await lab.workspace(dir);
    const second = await lab.workspace(dir);
    const writer = await first.sessions.create('handed-over');
    suite.fake.enqueue({ text: 'first answer' });
    await writer.submit('first question');
    const reader = await second.sessions.open('handed-over');
    expect(reader.readOnly).toBe(true);

    const tookOver = nextEvent(second, 'session.opened', (e) => e.sessionId === reader.id && !e.readOnly);
    await writer.close();
    await first.close();
    expect(await tookOver).toMatchObject({ name: 'handed-over', readOnly: false, holder: null });
    const mine = await second.sessions.open('handed-over');
    expect(mine.readOnly).toBe(false);
    suite.fake.enqueue({ text: 'second answer' });
    expect(await mine.submit('second question')).toMatchObject({ status: 'finished' });
    expect(contents(mine.records())).toEqual([
      'user: first question',
      'assistant: first answer',
      'user: second question',
      'assistant: second answer',
    ]);
    // A third terminal now follows the new writer.
    const third = await lab.workspace(dir);
    const follower = await third.sessions.open('handed-over');
    expect(follower.readOnly).toBe(true);
    expect(follower.holder?.pid).toBe(process.pid);
  });

  it('lets the second terminal fork the session it may only read, and go on there', async () => {
    lab = await suite.newLab();
    const dir = await projectDir();
    const first = await lab.workspace(dir);
    const second = await lab.workspace(dir);
    const writer = await first.sessions.create('busy');
    suite.fake.enqueue({ text: 'first answer' });
    await writer.submit('first question');
    const reader = await second.sessions.open('busy');

    const forked = await second.sessions.fork('busy', 'busy-mine');
    expect(forked).toMatchObject({ name: 'busy-mine', parentId: writer.id, messageCount: 2 });
    const mine = await second.sessions.open('busy-mine');
    expect(mine.readOnly).toBe(false);
    suite.fake.enqueue({ text: 'my answer' });
    expect(await mine.submit('my question')).toMatchObject({ status: 'finished' });
    expect(contents(reader.records())).toEqual(['user: first question', 'assistant: first answer']);
  });

  it('shows a session created or changed in another terminal in the list', async () => {
    lab = await suite.newLab();
    const dir = await projectDir();
    const watcher = await lab.workspace(dir);
    const other = await lab.workspace(dir);
    const created = nextEvent(watcher, 'session.listChanged', (e) => e.reason === 'external');
    // Subscribing starts the watch of index.db; its first reading happens in the background.
    await watcher.sessions.list();
    await (await other.sessions.create('from-elsewhere')).close();
    await created;
    expect((await watcher.sessions.list()).map((s) => s.name)).toEqual(['from-elsewhere']);

    const renamed = nextEvent(watcher, 'session.listChanged', (e) => e.reason === 'external');
    await other.sessions.rename('from-elsewhere', 'renamed-elsewhere');
    await renamed;
    expect((await watcher.sessions.list()).map((s) => s.name)).toEqual(['renamed-elsewhere']);
  });
});
