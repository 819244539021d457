import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyIntoFork, recordsToFork } from '../../../src/core/session/fork.js';
import { mediaPath } from '../../../src/core/session/media.js';
import { createSessionStore } from '../../../src/core/store/index.js';
import { makeTempDir } from '../../support/temp.js';
import { type Lab, useLabSuite, contents } from './support.js';

let lab: Lab;
const suite = useLabSuite();

/** The smallest file the attachment reader takes for a PNG: its signature and some bytes. */
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(16, 1),
]);

describe('fork', () => {
  it('makes a new session from the history up to a record, under its origin, with its media', async () => {
    lab = await suite.newLab();
    const dir = path.join(lab.root, 'proj');
    await mkdir(dir);
    await writeFile(path.join(dir, 'shot.png'), PNG);
    const ws = await lab.workspace(dir);
    const origin = await ws.sessions.create('design');
    suite.fake.enqueue({ text: 'A button.' }, { text: 'Make it blue.' }, { text: 'Blue it is.' });
    await origin.submit('What is in the picture?', { attachments: [path.join(dir, 'shot.png')] });
    await origin.submit('What should change?');
    const cut = origin.records().find((r) => r.kind === 'message' && r.content === 'Make it blue.')?.seq;
    await origin.submit('Do it.');

    const fork = await ws.sessions.fork('design', 'design-alt', { atSeq: cut });
    expect(fork).toMatchObject({ name: 'design-alt', parentId: origin.id, projectDir: dir, messageCount: 4 });
    const { records } = await ws.sessions.show('design-alt');
    expect(contents(records)).toEqual([
      'user: What is in the picture?',
      'assistant: A button.',
      'user: What should change?',
      'assistant: Make it blue.',
    ]);
    const ref = records.flatMap((r) => (r.kind === 'message' ? (r.attachments ?? []) : []))[0];
    if (ref === undefined) throw new Error('the attachment was not copied');
    const copied = mediaPath(path.join(lab.dataDir, 'sessions', fork.id, 'media'), ref);
    expect(await readFile(copied)).toEqual(PNG);
    expect(contents((await ws.sessions.show('design')).records)).toHaveLength(6);
    expect((await ws.sessions.list()).find((s) => s.name === 'design-alt')?.parentId).toBe(origin.id);
  });

  it('refuses a record number the origin does not have, and a name that is taken', async () => {
    lab = await suite.newLab();
    const dir = path.join(lab.root, 'proj');
    await mkdir(dir);
    const ws = await lab.workspace(dir);
    await (await ws.sessions.create('short')).close();
    await expect(ws.sessions.fork('short', 'short-2', { atSeq: 99 })).rejects.toThrow('has no record 99');
    await expect(ws.sessions.fork('short', 'short')).rejects.toMatchObject({ code: 'session_exists' });
    expect((await ws.sessions.list()).map((s) => s.name)).toEqual(['short']);
  });

  it('maps a compaction to the fork’s own records and closes a tool call cut from its result', async () => {
    const temp = await makeTempDir('octo-fork');
    lab = await suite.newLab();
    const store = createSessionStore({
      paths: { data: temp.path, userConfig: '' },
      clock: { now: () => Date.now() },
      pid: process.pid,
    });
    const origin = await store.create({ name: 'o', projectDir: '/p', projectId: 'p', model: 'test:m' });
    await origin.append({ kind: 'command', command: 'rename', name: 'o2', previous: 'o' });
    await origin.append({ kind: 'message', role: 'user', content: 'old talk', inContext: false });
    const usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 };
    await origin.append({
      kind: 'compaction',
      summary: 'we talked',
      compactedSeqs: [3],
      tokensBefore: 9,
      tokensAfter: 2,
      model: 'test:m',
      usage,
      cost: 0,
    });
    await origin.append({
      kind: 'message',
      role: 'assistant',
      content: '',
      toolCalls: [{ id: 't1', name: 'read_file', arguments: '{}' }],
      inContext: true,
    });
    await origin.append({
      kind: 'message',
      role: 'tool',
      content: 'file text',
      toolCallId: 't1',
      inContext: true,
    });
    const atCall = origin.records().at(-2)?.seq;

    const fork = await store.create({ name: 'f', projectDir: '/p', projectId: 'p', model: 'test:m' });
    await copyIntoFork(fork, recordsToFork('o2', origin.records(), atCall), store.mediaDir(origin.id));
    const copied = fork.records();
    expect(
      copied.map((r) => (r.kind === 'command' ? r.command : r.kind === 'message' ? r.role : r.kind)),
    ).toEqual(['create', 'user', 'compaction', 'assistant', 'tool']);
    expect(copied.find((r) => r.kind === 'compaction')).toMatchObject({
      compactedSeqs: [2],
      summary: 'we talked',
    });
    expect(copied.at(-1)).toMatchObject({ role: 'tool', toolCallId: 't1', synthetic: true });
    await origin.close();
    await fork.close();
    await temp.cleanup();
  });
});

describe('trash', () => {
  const DAY = 24 * 60 * 60 * 1000;

  it('lists the trash, and deletes nothing by age unless told to', async () => {
    lab = await suite.newLab();
    const dir = path.join(lab.root, 'proj');
    await mkdir(dir);
    const now = Date.now();
    const ws = await lab.workspace(dir, { clock: { now: () => now } });
    for (const name of ['keep', 'old', 'older']) await (await ws.sessions.create(name)).close();
    await ws.sessions.trash('old');
    await ws.sessions.trash('older');
    expect((await ws.sessions.list({ onlyTrash: true })).map((s) => s.name)).toEqual(['older', 'old']);

    const muchLater = { now: () => now + 3650 * DAY };
    const unset = await lab.workspace(dir, { clock: muchLater });
    await unset.doctor({ reindex: false });
    expect((await unset.sessions.list({ includeTrash: true })).map((s) => s.name).sort()).toEqual([
      'keep',
      'old',
      'older',
    ]);

    const trashed = (await unset.sessions.list({ onlyTrash: true })).map((s) =>
      path.join(lab.dataDir, 'sessions', `${s.id}.db`),
    );
    await expect(Promise.all(trashed.map((file) => stat(file)))).resolves.toHaveLength(2);

    const purging = await lab.workspace(dir, {
      clock: muchLater,
      extraConfig: '[trash]\npurge_after_days = 30',
    });
    expect((await purging.sessions.list({ includeTrash: true })).map((s) => s.name)).toEqual(['keep']);
    for (const file of trashed) await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
