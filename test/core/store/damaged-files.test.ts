import { access, appendFile, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionStore } from '../../../src/core/store/index.js';
import { INIT, matchingText, modeOf, storeFixture, summary, userMessage } from './helpers.js';

async function sessionWithMessages(store: SessionStore, name: string, count: number): Promise<string> {
  const writer = await store.create({ ...INIT, name });
  for (let i = 1; i <= count; i += 1) await writer.append(userMessage(`message ${i}`));
  await writer.close();
  return writer.id;
}

async function snapshot(file: string): Promise<{ bytes: string; mtimeMs: number }> {
  return { bytes: (await readFile(file)).toString('base64'), mtimeMs: (await stat(file)).mtimeMs };
}

describe('a torn last line (docs/faults.md row 1)', () => {
  it('opens with the good records, sets the torn bytes aside 0600 and names the file in a warning', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    const id = await sessionWithMessages(store, 'torn', 3);
    const file = fx.sessionFile(id);
    const good = await readFile(file);
    const torn = '{"kind":"message","role":"assistant","content":"half a rep';
    await appendFile(file, torn);
    store.drainWarnings();

    const readOnly = await store.openReadOnly(id);
    expect(readOnly.records).toHaveLength(4);
    expect((await readFile(file)).toString()).toBe(good.toString() + torn);

    const writer = await store.openWriter(id);
    expect(writer.records().map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    const setAside = `${file}.torn-2025-03-01T10-00-00-000Z`;
    expect(store.drainWarnings()).toEqual([
      { kind: 'tornTail', sessionId: id, path: file, setAsidePath: setAside, bytes: Buffer.byteLength(torn) },
    ]);
    expect(await readFile(setAside, 'utf8')).toBe(torn);
    expect(await modeOf(setAside)).toBe(0o600);
    expect((await writer.append(userMessage('after'))).seq).toBe(5);
    await writer.close();
    expect(await readFile(file, 'utf8')).not.toContain('half a rep');
  });

  it('does not overwrite an earlier set-aside file with the same time', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    const id = await sessionWithMessages(store, 'torn-twice', 1);
    const file = fx.sessionFile(id);
    for (const tail of ['{"first', '{"second']) {
      await appendFile(file, tail);
      await (await store.openWriter(id)).close();
    }
    const names = (await readdir(path.dirname(file))).filter((n) => n.includes('.torn-')).sort();
    expect(names).toEqual([
      `${id}.db.torn-2025-03-01T10-00-00-000Z`,
      `${id}.db.torn-2025-03-01T10-00-00-000Z-1`,
    ]);
    expect(await readFile(path.join(path.dirname(file), names[1] ?? ''), 'utf8')).toBe('{"second');
  });
});

describe('a whole last line without its newline', () => {
  it('gets its newline before the next append, so the two lines never join', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    const id = await sessionWithMessages(store, 'no-newline', 1);
    const file = fx.sessionFile(id);
    const text = await readFile(file, 'utf8');
    // A write that reached the disk except for its final byte.
    await writeFile(file, text.slice(0, -1));
    const writer = await store.openWriter(id);
    expect(writer.records().map((r) => r.seq)).toEqual([1, 2]);
    await writer.append(userMessage('after'));
    await writer.close();
    const reopened = await store.openReadOnly(id);
    expect(reopened.records.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(store.drainWarnings()).toEqual([]);
  });
});

describe('damage in the middle of a session file (docs/faults.md row 2)', () => {
  it('refuses the session with its path and line, rewrites nothing, and other sessions still work', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    const damaged = await sessionWithMessages(store, 'damaged', 3);
    const healthy = await sessionWithMessages(store, 'healthy', 1);
    const file = fx.sessionFile(damaged);
    const lines = (await readFile(file)).toString().split('\n');
    const garbage = Buffer.from([0x00, 0xff, 0x13, 0x37, 0x80]).toString('latin1');
    await writeFile(
      file,
      Buffer.from([...lines.slice(0, 2), garbage, ...lines.slice(2)].join('\n'), 'latin1'),
    );
    const before = await snapshot(file);

    await expect(store.openWriter(damaged)).rejects.toMatchObject({
      code: 'session_corrupt',
      message: matchingText(
        new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged at line 3`),
      ),
    });
    await expect(store.openReadOnly(damaged)).rejects.toMatchObject({ code: 'session_corrupt' });
    // The failed open gave its lock back: trying again says "damaged" again, not "locked".
    await expect(store.openWriter(damaged)).rejects.toMatchObject({ code: 'session_corrupt' });
    expect(await snapshot(file)).toEqual(before);

    const other = await store.openWriter(healthy);
    await other.append(userMessage('still fine'));
    await other.close();
  });
});

describe('empty files and NeDB temp files (docs/faults.md row 3)', () => {
  it('opens an empty session file as a session without records', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    await sessionWithMessages(store, 'first', 0);
    const id = 's_emptyemptyem';
    await writeFile(fx.sessionFile(id), '');
    expect((await store.openReadOnly(id)).records).toEqual([]);
    const writer = await store.openWriter(id);
    expect(writer.records()).toEqual([]);
    expect((await writer.append(userMessage('first words'))).seq).toBe(1);
    await writer.close();
  });

  it('ignores a leftover `<id>.db~` next to a session file', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    const id = await sessionWithMessages(store, 'with-temp', 2);
    await writeFile(
      `${fx.sessionFile(id)}~`,
      '{"_id":"x","seq":1,"kind":"message","content":"stale temp"}\ngarbage',
    );
    const writer = await store.openWriter(id);
    expect(writer.records().map((r) => r.seq)).toEqual([1, 2, 3]);
    await writer.close();
    expect(await store.reindex((sid) => summary(sid, { name: 'x' }))).toBe(1);
  });

  it('does not adopt a lone `<id>.db~` as a session, and creates no file for it', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    await sessionWithMessages(store, 'other', 0);
    const id = 's_tempfileonly';
    await writeFile(`${fx.sessionFile(id)}~`, '{"_id":"x","seq":1,"kind":"message","content":"stale"}\n');
    await expect(store.openWriter(id)).rejects.toMatchObject({ code: 'session_not_found' });
    await expect(store.openReadOnly(id)).rejects.toMatchObject({ code: 'session_not_found' });
    await expect(access(fx.sessionFile(id))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
