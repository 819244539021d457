import { access, readFile, stat } from 'node:fs/promises';
import Datastore from 'nedb-promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isOctoError } from '../../../src/core/errors.js';
import {
  anyString,
  containing,
  fileLines,
  INIT,
  manualClock,
  objectWith,
  storeFixture,
  userMessage,
} from './helpers.js';

describe('session writer', () => {
  it('creates a session whose first record is the create command, and indexes it', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    const writer = await store.create({ ...INIT, parentId: 's_parent' });
    expect(writer.id).toMatch(/^s_[a-z2-7]{12}$/);
    const create = {
      kind: 'command',
      command: 'create',
      id: writer.id,
      name: INIT.name,
      projectDir: INIT.projectDir,
      projectId: INIT.projectId,
      model: INIT.model,
      parentId: 's_parent',
      seq: 1,
      at: '2025-03-01T10:00:00.000Z',
    };
    expect(writer.records()).toEqual([create]);
    await writer.close();
    // On disk each line also carries NeDB's id and the record schema version that wrote it.
    expect(await fileLines(fx.sessionFile(writer.id))).toEqual([{ ...create, _id: anyString(), v: 1 }]);
    expect(await store.list()).toEqual([
      objectWith({
        id: writer.id,
        name: INIT.name,
        createdAt: create.at,
        order: 1,
        parentId: 's_parent',
      }),
    ]);
  });

  it('orders records by seq even when the clock jumps backwards (docs/faults.md row 26)', async () => {
    const fx = await storeFixture();
    const clock = manualClock(Date.parse('2025-03-01T10:00:00Z'));
    const writer = await fx.store({ clock }).create(INIT);
    clock.set(Date.parse('2025-03-01T09:00:00Z'));
    const first = await writer.append(userMessage('one'));
    clock.set(Date.parse('2024-01-01T00:00:00Z'));
    const second = await writer.append(userMessage('two'));
    expect([first.seq, second.seq]).toEqual([2, 3]);
    expect(second.at < first.at).toBe(true);
    await writer.close();

    const reopened = await fx.store({ clock }).openWriter(writer.id);
    expect(reopened.records().map((r) => [r.seq, r.at])).toEqual([
      [1, '2025-03-01T10:00:00.000Z'],
      [2, '2025-03-01T09:00:00.000Z'],
      [3, '2024-01-01T00:00:00.000Z'],
    ]);
    expect((await reopened.append(userMessage('three'))).seq).toBe(4);
    await reopened.close();
  });

  it('updates a record in place and folds the update into one line when closing', async () => {
    const fx = await storeFixture();
    const writer = await fx.store().create(INIT);
    await writer.append(userMessage('keep'));
    await writer.append(userMessage('compress me'));
    const updated = await writer.update(3, { inContext: false, seq: 99 });
    expect(updated).toMatchObject({ seq: 3, content: 'compress me', inContext: false });
    expect(writer.records()[2]).toEqual(updated);
    await writer.close();

    const lines = await fileLines(fx.sessionFile(writer.id));
    expect(lines.map((l) => [l.seq, l.inContext])).toEqual([
      [1, undefined],
      [2, true],
      [3, false],
    ]);
  });

  it('keeps text with U+2028, U+2029 and U+0085 intact across NeDB reloads', async () => {
    const fx = await storeFixture();
    const content = 'line\u2028separator\u2029paragraph\u0085next line';
    const writer = await fx.store().create(INIT);
    const message = await writer.append(userMessage(content));
    // The update leaves a replaced line, so closing has NeDB load (compact) the file.
    await writer.update(message.seq, { inContext: true });
    await writer.close();
    const again = await fx.store().openWriter(writer.id);
    await again.close();
    const reopened = await fx.store().openReadOnly(writer.id);
    expect(reopened.records.map((r) => (r.kind === 'message' ? r.content : null))).toEqual([null, content]);
  });

  it('appends lines that NeDB itself reads back as the same records, and leaves a compact file alone', async () => {
    const fx = await storeFixture();
    const writer = await fx.store().create(INIT);
    await writer.append(userMessage('one'));
    const two = await writer.append(userMessage('two'));
    await writer.update(two.seq, { inContext: false });
    await writer.close();
    const nedb = Datastore.create({ filename: fx.sessionFile(writer.id), autoload: false });
    await nedb.load();
    const viaNedb = (await nedb.find({}).sort({ seq: 1 })) as Array<Record<string, unknown>>;
    const reopened = await fx.store().openReadOnly(writer.id);
    expect(viaNedb.map(({ _id, v, ...record }) => record)).toEqual(reopened.records);
    expect(viaNedb.map((doc) => doc.v)).toEqual([1, 1, 1]);

    // Nothing replaced since: closing appends nothing and does not rewrite the file.
    const before = await stat(fx.sessionFile(writer.id));
    await (await fx.store().openWriter(writer.id)).close();
    const after = await stat(fx.sessionFile(writer.id));
    expect([after.ino, after.mtimeMs, after.size]).toEqual([before.ino, before.mtimeMs, before.size]);
  });

  it("refuses field names NeDB refuses, so NeDB's compaction can always write the file back", async () => {
    const fx = await storeFixture();
    const writer = await fx.store().create(INIT);
    const bad = { ...userMessage('x'), meta: { 'a.b': 1 } } as unknown as ReturnType<typeof userMessage>;
    await expect(writer.append(bad)).rejects.toMatchObject({
      code: 'store_io',
      message: containing('Field names cannot contain a .'),
    });
    const good = await writer.append(userMessage('after'));
    expect(good.seq).toBe(2);
    await writer.close();
    expect((await fileLines(fx.sessionFile(writer.id))).map((l) => l.seq)).toEqual([1, 2]);
  });

  it('closes once: releases the lock, removes the owner file, refuses later writes', async () => {
    const fx = await storeFixture();
    const writer = await fx.store().create(INIT);
    await Promise.all([writer.close(), writer.close()]);
    await writer.close();
    await expect(access(path.join(fx.dataDir, 'sessions', `${writer.id}.owner.json`))).rejects.toThrow();
    await expect(access(`${fx.sessionFile(writer.id)}.lock`)).rejects.toThrow();
    await expect(writer.append(userMessage('late'))).rejects.toMatchObject({ code: 'internal' });
    const other = await fx.store().openWriter(writer.id);
    await other.close();
  });

  it('finishes appends queued before close, then closes', async () => {
    const fx = await storeFixture();
    const writer = await fx.store().create(INIT);
    const appends = [writer.append(userMessage('a')), writer.append(userMessage('b'))];
    const closed = writer.close();
    expect((await Promise.all(appends)).map((r) => r.seq)).toEqual([2, 3]);
    await closed;
    expect((await fileLines(fx.sessionFile(writer.id))).map((l) => l.seq)).toEqual([1, 2, 3]);
  });

  it('makes the media folder on demand', async () => {
    const fx = await storeFixture();
    const writer = await fx.store().create(INIT);
    const media = writer.mediaDir();
    expect(media).toBe(path.join(fx.dataDir, 'sessions', writer.id, 'media'));
    await access(media);
    await writer.close();
  });

  it('says which session is missing', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    await (await store.create(INIT)).close();
    await expect(store.openWriter('s_aaaaaaaaaaaa')).rejects.toMatchObject({ code: 'session_not_found' });
    await expect(store.openReadOnly('s_aaaaaaaaaaaa')).rejects.toMatchObject({ code: 'session_not_found' });
    const error: unknown = await store.openWriter('../index').catch((e: unknown) => e);
    expect(isOctoError(error, 'session_not_found')).toBe(true);
    expect(await readFile(path.join(fx.dataDir, 'index.db'), 'utf8')).not.toBe('');
  });
});
