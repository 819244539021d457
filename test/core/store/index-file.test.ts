import { appendFile, mkdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionRecord, SessionSummary } from '../../../src/core/store/records.js';
import { containing, INIT, storeFixture, summary, userMessage } from './helpers.js';

/** What the session domain's summarize does, reduced to what these tests look at. */
function summarizeForTest(id: string, records: readonly SessionRecord[]): SessionSummary {
  const create = records.find((r) => r.kind === 'command' && r.command === 'create');
  const name = create?.kind === 'command' && create.command === 'create' ? create.name : id;
  return summary(id, { name, messageCount: records.filter((r) => r.kind === 'message').length, order: 0 });
}

describe('the session index', () => {
  it('stores summaries with a store-wide increasing order and replaces by id', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    expect(await store.list()).toEqual([]);
    expect(await store.putSummary(summary('s_a', { order: 77 }))).toEqual(summary('s_a', { order: 1 }));
    expect((await store.putSummary(summary('s_b'))).order).toBe(2);
    expect(await store.putSummary(summary('s_a', { title: 'renamed' }))).toMatchObject({
      order: 3,
      title: 'renamed',
    });
    const listed = await store.list();
    expect(listed.map((s) => [s.id, s.order, s.title]).sort()).toEqual([
      ['s_a', 3, 'renamed'],
      ['s_b', 2, ''],
    ]);
    await store.removeSummary('s_a');
    expect((await store.list()).map((s) => s.id)).toEqual(['s_b']);
  });

  it('lists without rewriting index.db', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    await store.putSummary(summary('s_a'));
    await store.putSummary(summary('s_a', { title: 'second' }));
    const index = path.join(fx.dataDir, 'index.db');
    const before = { text: await readFile(index, 'utf8'), mtimeMs: (await stat(index)).mtimeMs };
    expect(before.text.trim().split('\n')).toHaveLength(2);
    expect((await store.list()).map((s) => s.title)).toEqual(['second']);
    expect({ text: await readFile(index, 'utf8'), mtimeMs: (await stat(index)).mtimeMs }).toEqual(before);
  });

  it('appends one line per change and has NeDB compact index.db once replaced lines pile up', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    const index = path.join(fx.dataDir, 'index.db');
    const lineCount = async (): Promise<number> => (await readFile(index, 'utf8')).trim().split('\n').length;
    await store.putSummary(summary('s_a'));
    await store.putSummary(summary('s_b'));
    for (let i = 1; i < 200; i += 1) await store.putSummary(summary('s_a', { title: `t${i}` }));
    // 2 documents and 199 replaced lines: below the 200 that trigger a compaction.
    expect(await lineCount()).toBe(201);
    await store.removeSummary('s_b');
    // The deletion takes the replaced lines over the threshold: NeDB rewrote the file compact.
    expect(await lineCount()).toBe(1);
    expect((await store.list()).map((s) => [s.id, s.title])).toEqual([['s_a', 't199']]);
    expect(store.drainWarnings()).toEqual([]);
  });

  // How long it takes is measured by bench/sessions-list.ts (the whole command: < 150 ms), not here.
  it('lists 1,000 sessions from an index it did not write', async () => {
    const fx = await storeFixture();
    await mkdir(fx.dataDir, { recursive: true });
    const lines = Array.from({ length: 1000 }, (_, i) =>
      JSON.stringify({
        ...summary(`s_${String(i).padStart(12, '0')}`, { order: i + 1, lastPreview: 'x'.repeat(120) }),
        _id: `d${i}`,
      }),
    );
    await writeFile(path.join(fx.dataDir, 'index.db'), `${lines.join('\n')}\n`);
    const store = fx.store();
    const listed = await store.list();
    expect(listed).toHaveLength(1000);
    expect(listed.map((s) => s.order)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(store.drainWarnings()).toEqual([]);
  });

  it('skips a torn last line when listing and sets it aside on the next update', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    await store.putSummary(summary('s_a'));
    const index = path.join(fx.dataDir, 'index.db');
    await appendFile(index, '{"id":"s_b","na');
    expect((await store.list()).map((s) => s.id)).toEqual(['s_a']);
    store.drainWarnings();
    await store.putSummary(summary('s_c'));
    expect((await store.list()).map((s) => s.id).sort()).toEqual(['s_a', 's_c']);
    expect(store.drainWarnings()).toEqual([
      { kind: 'indexRebuilt', path: index, reason: containing(`${index}.torn-2025-03-01T10-00-00-000Z`) },
    ]);
  });

  it('refuses a damaged index with a pointer to reindex, without rewriting it', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    await store.putSummary(summary('s_a'));
    await store.putSummary(summary('s_b'));
    const index = path.join(fx.dataDir, 'index.db');
    const damaged = (await readFile(index, 'utf8')).replace('"s_a"', '"s_a",oops');
    await writeFile(index, damaged);
    const expected = { code: 'session_corrupt', message: containing('octo doctor --reindex') };
    await expect(store.list()).rejects.toMatchObject(expected);
    await expect(store.putSummary(summary('s_c'))).rejects.toMatchObject(expected);
    expect(await readFile(index, 'utf8')).toBe(damaged);
  });

  it('refuses index documents that are not summaries', async () => {
    const fx = await storeFixture();
    await mkdir(fx.dataDir, { recursive: true });
    await writeFile(
      path.join(fx.dataDir, 'index.db'),
      '{"_id":"x","id":"s_a","name":42}\n{"_id":"y","id":"s_b"}\n',
    );
    await expect(fx.store().list()).rejects.toMatchObject({
      code: 'session_corrupt',
      message: containing('line 1 (name:'),
    });
  });
});

describe('reindex', () => {
  it('rebuilds the index from the session files in order of last change, listing damaged ones as such', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    const ids: string[] = [];
    for (const name of ['oldest', 'newest', 'middle', 'broken']) {
      const writer = await store.create({ ...INIT, name });
      await writer.append(userMessage(`hello from ${name}`));
      await writer.close();
      ids.push(writer.id);
    }
    const [oldest, newest, middle, broken] = ids.map((id) => fx.sessionFile(id));
    const at = (minutes: number): Date => new Date(Date.parse('2025-03-01T10:00:00Z') + minutes * 60_000);
    await utimes(oldest ?? '', at(1), at(1));
    await utimes(middle ?? '', at(2), at(2));
    await utimes(newest ?? '', at(3), at(3));
    await writeFile(broken ?? '', 'garbage\n{"_id":"a","seq":1,"kind":"message"}\n');
    await writeFile(path.join(fx.dataDir, 'index.db'), '');
    store.drainWarnings();

    expect(await store.reindex(summarizeForTest)).toBe(4);
    const listed = (await store.list()).sort((a, b) => a.order - b.order);
    expect(listed.map((s) => [s.name, s.order, s.messageCount, s.damaged])).toEqual([
      ['oldest', 1, 1, undefined],
      ['middle', 2, 1, undefined],
      ['newest', 3, 1, undefined],
      // Its name was on the damaged line: it is listed by its id, and says where it is damaged.
      [ids[3], 4, 0, containing(`${broken} is damaged at line 1 (not valid JSON`)],
    ]);
    expect(store.drainWarnings()).toEqual([
      { kind: 'storeIssue', path: broken, message: containing('Indexed as damaged: ') },
      {
        kind: 'indexRebuilt',
        path: path.join(fx.dataDir, 'index.db'),
        reason: '4 sessions read from their files, 1 of them damaged',
      },
    ]);
  });
});
