import { mkdir, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Workspace } from '../../../src/core/api.js';
import type { MessageRecord } from '../../../src/core/store/records.js';
import { type Lab, makeRepo, nextEvent, useLabSuite } from './support.js';

let lab: Lab;
const suite = useLabSuite();

type WireMessage = { role: string; content: unknown };
const requestMessages = (index: number): WireMessage[] =>
  (suite.fake.requests[index]?.body.messages ?? []) as WireMessage[];
const notes = (records: readonly unknown[]): MessageRecord[] =>
  (records as MessageRecord[]).filter((r) => r.kind === 'message' && r.notice !== undefined);

async function project(files: Record<string, string>): Promise<string> {
  const dir = await makeRepo(path.join(lab.root, 'repo'), lab.root);
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  return dir;
}

function readsThenAnswers(file: string, id: string): void {
  suite.fake.enqueue(
    { toolCalls: [{ id, name: 'read_file', arguments: JSON.stringify({ path: file }) }] },
    { text: `I read ${file}.` },
  );
}

async function watching(ws: Workspace, open: () => Promise<unknown>): Promise<void> {
  const ready = nextEvent(ws, 'project.watch', (e) => e.state === 'watching' || e.state === 'capped');
  await open();
  await ready;
}

describe('the project watcher', () => {
  it('marks a file the model read stale when it changes and tells the model with the next request', async () => {
    lab = await suite.newLab();
    const dir = await project({ 'src/auth.ts': 'export const ttl = 15;\n' });
    const ws = await lab.workspace(dir);
    let handle = null as Awaited<ReturnType<Workspace['sessions']['create']>> | null;
    await watching(ws, async () => (handle = await ws.sessions.create('auth')));
    if (handle === null) throw new Error('no session');
    readsThenAnswers('src/auth.ts', 'call_read');
    await handle.submit('What is the ttl?');

    // How soon (within a second) is measured by bench/stale-files.ts.
    const stale = nextEvent(ws, 'session.filesStale', (e) => e.paths.includes('src/auth.ts'));
    await writeFile(path.join(dir, 'src/auth.ts'), 'export const ttl = 60;\n');
    expect(await stale).toEqual({ sessionId: handle.id, paths: ['src/auth.ts'] });
    expect(handle.staleFiles()).toEqual(['src/auth.ts']);

    suite.fake.enqueue({ text: 'Noted.' }, { text: 'Still noted.' });
    await handle.submit('And now?');
    const sent = requestMessages(2);
    expect(sent.map((m) => m.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'assistant',
      'user',
      'system',
    ]);
    expect(sent.at(-1)?.content).toContain('src/auth.ts');
    expect(JSON.stringify(sent.at(-1))).not.toContain('60');
    expect(notes(handle.records()).map((r) => r.notice)).toEqual([
      { kind: 'filesChanged', paths: ['src/auth.ts'] },
    ]);

    // Told once: the next request repeats nothing, though the file is still not re-read.
    await handle.submit('Once more.');
    expect(requestMessages(3).filter((m) => m.role === 'system')).toHaveLength(2);
    expect(handle.staleFiles()).toEqual(['src/auth.ts']);
  });

  it('does not take the model’s own write for a change, and clears a file once it is read again', async () => {
    lab = await suite.newLab();
    const dir = await project({ 'notes.md': 'v1\n' });
    const ws = await lab.workspace(dir, { extraConfig: '[tools.approval]\nwrite = "allow"' });
    let handle = null as Awaited<ReturnType<Workspace['sessions']['create']>> | null;
    await watching(ws, async () => (handle = await ws.sessions.create('notes')));
    if (handle === null) throw new Error('no session');
    readsThenAnswers('notes.md', 'call_1');
    await handle.submit('Read the notes.');

    const written = nextEvent(ws, 'project.filesChanged', (e) => e.paths.includes('notes.md'));
    suite.fake.enqueue(
      {
        toolCalls: [
          {
            id: 'call_2',
            name: 'write_file',
            arguments: JSON.stringify({ path: 'notes.md', content: 'v2\n' }),
          },
        ],
      },
      { text: 'Rewritten.' },
    );
    await handle.submit('Rewrite them.');
    await written;
    suite.fake.enqueue({ text: 'ok' });
    await handle.submit('Anything changed?');
    expect(requestMessages(4).filter((m) => m.role === 'system')).toHaveLength(1);
    expect(handle.staleFiles()).toEqual([]);

    const stale = nextEvent(ws, 'session.filesStale', (e) => e.paths.length === 1);
    await writeFile(path.join(dir, 'notes.md'), 'v3 by the user\n');
    await stale;
    const cleared = nextEvent(ws, 'session.filesStale', (e) => e.paths.length === 0);
    readsThenAnswers('notes.md', 'call_3');
    await handle.submit('Read them again.');
    await cleared;
    expect(handle.staleFiles()).toEqual([]);
  });

  it('skips ignored folders, and stops when the last session of the project closes', async () => {
    lab = await suite.newLab();
    const dir = await project({
      '.gitignore': 'generated/\n',
      'src/a.ts': 'a\n',
      'generated/x.js': 'x\n',
      'node_modules/p/i.js': 'p\n',
    });
    const ws = await lab.workspace(dir);
    const changes: string[][] = [];
    ws.on('project.filesChanged', (e) => changes.push(e.paths));
    let handle = null as Awaited<ReturnType<Workspace['sessions']['create']>> | null;
    await watching(ws, async () => (handle = await ws.sessions.create('ignore')));

    await writeFile(path.join(dir, 'node_modules/p/i.js'), 'p2\n');
    await writeFile(path.join(dir, 'generated/x.js'), 'x2\n');
    const seen = nextEvent(ws, 'project.filesChanged', (e) => e.paths.includes(path.join('src', 'a.ts')));
    await writeFile(path.join(dir, 'src/a.ts'), 'a2\n');
    await seen;
    expect(changes.flat()).toEqual([path.join('src', 'a.ts')]);

    const stopped = nextEvent(ws, 'project.watch', (e) => e.state === 'closed');
    await handle?.close();
    expect(await stopped).toMatchObject({ projectDir: dir, state: 'closed' });
  });

  it('watches a very large tree only in part, says so, and still follows the files the model read', async () => {
    lab = await suite.newLab();
    const files = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`src/f${String(i).padStart(2, '0')}.ts`, `${i}\n`]),
    );
    const dir = await project(files);
    const ws = await lab.workspace(dir, { extraConfig: '[project]\nwatch_max_paths = 5' });
    const capped = nextEvent(ws, 'project.watch', (e) => e.state === 'capped');
    const handle = await ws.sessions.create('big');
    expect(await capped).toMatchObject({
      state: 'capped',
      paths: 5,
      reason: expect.stringContaining('5') as string,
    });

    readsThenAnswers('src/f29.ts', 'call_big');
    await handle.submit('Read the last file.');
    const stale = nextEvent(ws, 'session.filesStale', (e) => e.paths.includes('src/f29.ts'));
    await writeFile(path.join(dir, 'src/f29.ts'), 'changed\n');
    await stale;
  });
});

describe('files the model read, on resume', () => {
  /** A session that read `file`, closed, and the workspace it was opened in. */
  async function readAndClose(dir: string, file: string): Promise<void> {
    const ws = await lab.workspace(dir);
    const handle = await ws.sessions.create('resume');
    readsThenAnswers(file, 'call_read');
    await handle.submit(`Read ${file}.`);
    await handle.close();
  }

  it('does not scan the project while a turn without tool calls runs, but once it ended', async () => {
    lab = await suite.newLab();
    const dir = await project({ 'src/auth.ts': 'export const ttl = 15;\n' });
    const ws = await lab.workspace(dir);
    const order: string[] = [];
    ws.on('project.watch', (e) => order.push(`watch ${e.state}`));
    ws.on('turn.finished', () => order.push('turn finished'));
    const handle = await ws.sessions.create('talk');
    const watched = nextEvent(ws, 'project.watch', (e) => e.state === 'watching');
    // Streamed for longer than the wait after opening: the scan would compete with it.
    suite.fake.enqueue({ text: ['a ', 'slow ', 'reply'], chunkDelayMs: 700 });
    await handle.submit('Talk to me.');
    await watched;
    expect(order[0]).toBe('turn finished');
  });

  it('finds a change made right after the resume, before the watcher runs', async () => {
    lab = await suite.newLab();
    const dir = await project({ 'src/auth.ts': 'export const ttl = 15;\n' });
    await readAndClose(dir, 'src/auth.ts');
    const ws = await lab.workspace(dir);
    const handle = await ws.sessions.open('resume');
    const stale = nextEvent(ws, 'session.filesStale', (e) => e.paths.includes('src/auth.ts'));
    await writeFile(path.join(dir, 'src/auth.ts'), 'export const ttl = 60;\n');
    expect(await stale).toEqual({ sessionId: handle.id, paths: ['src/auth.ts'] });
  });

  it('takes a file whose size and time are as saved for unchanged without reading it, unless it was hashed within the same moment it changed', async () => {
    lab = await suite.newLab();
    const dir = await project({ 'old.ts': 'const a = 1;\n', 'fresh.ts': 'const b = 1;\n' });
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(path.join(dir, 'old.ts'), hourAgo, hourAgo);
    const ws = await lab.workspace(dir);
    const handle = await ws.sessions.create('resume');
    readsThenAnswers('old.ts', 'call_old');
    await handle.submit('Read old.ts.');
    readsThenAnswers('fresh.ts', 'call_fresh');
    await handle.submit('Read fresh.ts.');
    await handle.close();
    // Same size, and the modification times put back: only a read of the content can tell.
    const freshTime = (await stat(path.join(dir, 'fresh.ts'))).mtime;
    await writeFile(path.join(dir, 'old.ts'), 'const a = 2;\n');
    await utimes(path.join(dir, 'old.ts'), hourAgo, hourAgo);
    await writeFile(path.join(dir, 'fresh.ts'), 'const b = 2;\n');
    await utimes(path.join(dir, 'fresh.ts'), freshTime, freshTime);

    const again = await lab.workspace(dir);
    const resumed = await again.sessions.open('resume');
    const found = nextEvent(again, 'session.filesStale', (e) => e.paths.length > 0);
    expect((await found).paths).toEqual(['fresh.ts']);
    expect(resumed.staleFiles()).toEqual(['fresh.ts']);
  });
});
