/**
 * Every record read from disk is checked against the record schema (docs/faults.md row 36), with a
 * schema version on each line and a migration hook for the next change of shape; the writer stamps
 * what it checked so that a resume does not check it again, and a stamp never hides a changed byte.
 */
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionRecord } from '../../../src/core/store/records.js';
import {
  RECORD_SCHEMA_VERSION,
  readRecordDoc,
  upgradeRecordDoc,
} from '../../../src/core/store/record-schema.js';
import type { NedbDoc } from '../../../src/core/store/line-parser.js';
import { INIT, storeFixture, userMessage } from './helpers.js';
import { EVERY_KIND, SAMPLE_USAGE } from './record-samples.js';

const at = '2025-03-01T10:00:00.000Z';
const usage = SAMPLE_USAGE;

const doc = (record: SessionRecord, extra: Record<string, unknown> = {}): NedbDoc => ({
  _id: `r${record.seq}`,
  v: RECORD_SCHEMA_VERSION,
  ...record,
  ...extra,
});

describe('the record schema', () => {
  it('reads back every kind of record octo writes', () => {
    for (const record of EVERY_KIND) expect(readRecordDoc(doc(record))).toEqual(doc(record));
  });

  it.each([
    ['a missing field', { content: undefined }, /^content: /],
    ['a wrong type', { inContext: 'yes' }, /^inContext: /],
    ['a role it does not know', { role: 'robot' }, /^role: /],
    ['a kind it does not know', { kind: 'mystery' }, /^kind: /],
    ['a negative seq', { seq: -1 }, /^seq: /],
    ['usage that is not numbers', { usage: { ...usage, input: 'ten' } }, /^usage\.input: /],
  ])('names the field of %s', (_what, change, reason) => {
    const user = EVERY_KIND[5] as SessionRecord;
    expect(readRecordDoc(doc(user, change))).toMatch(reason);
  });

  it('reads a line without a version as version 1, and refuses one from a newer octo or a bad version', () => {
    const user = EVERY_KIND[5] as SessionRecord;
    const { v: _v, ...unversioned } = doc(user);
    expect(readRecordDoc(unversioned)).toEqual(unversioned);
    expect(readRecordDoc(doc(user, { v: RECORD_SCHEMA_VERSION + 1 }))).toBe(
      `written by a newer octo (record schema ${RECORD_SCHEMA_VERSION + 1}; this one reads up to ${RECORD_SCHEMA_VERSION})`,
    );
    expect(readRecordDoc(doc(user, { v: 'one' }))).toBe('v: not a schema version');
  });

  it('brings an older line up to date through each migration in turn before checking it', () => {
    // A future version 3 that renamed `content` to `text` (2) and back to `content` with a prefix (3).
    const migrations = {
      1: ({ content, ...rest }: NedbDoc): NedbDoc => ({ ...rest, text: content }),
      2: ({ text, ...rest }: NedbDoc): NedbDoc => ({ ...rest, content: `migrated: ${String(text)}` }),
    };
    const old: NedbDoc = {
      _id: 'r6',
      v: 1,
      kind: 'message',
      role: 'user',
      content: 'hi',
      inContext: true,
      seq: 6,
      at,
    };
    expect(upgradeRecordDoc(old, migrations, 3)).toEqual({ ...old, v: 3, content: 'migrated: hi' });
    expect(readRecordDoc(old, migrations, 3)).toEqual({ ...old, v: 3, content: 'migrated: hi' });
    expect(upgradeRecordDoc(old, { 1: migrations[1] }, 3)).toBe('no migration from record schema 2');
  });
});

describe('the checked stamp', () => {
  async function closedSession(): Promise<{
    file: string;
    id: string;
    fx: Awaited<ReturnType<typeof storeFixture>>;
  }> {
    const fx = await storeFixture();
    const writer = await fx.store().create(INIT);
    await writer.append(userMessage('first'));
    await writer.append(userMessage('second'));
    await writer.close();
    return { file: fx.sessionFile(writer.id), id: writer.id, fx };
  }

  it('never hides a byte changed in the stamped part, even when the length stays the same', async () => {
    const { file, id, fx } = await closedSession();
    const text = await readFile(file, 'utf8');
    // The stamp covers the whole file; the change keeps its length (true -> "tr").
    const stamp = JSON.parse(
      await readFile(path.join(fx.dataDir, 'cache', 'checked', `${id}.json`), 'utf8'),
    ) as {
      bytes: number;
    };
    expect(stamp.bytes).toBe(Buffer.byteLength(text));
    await writeFile(file, text.replace('"inContext":true', '"inContext":"tr"'));
    expect(Buffer.byteLength(await readFile(file))).toBe(stamp.bytes);
    await expect(fx.store().openReadOnly(id)).rejects.toMatchObject({
      code: 'session_corrupt',
      message: expect.stringContaining(`${file} is damaged at line 2 (inContext: `) as string,
    });
    await expect(fx.store().openWriter(id)).rejects.toMatchObject({ code: 'session_corrupt' });
  });

  it('checks in full what was appended after the stamp', async () => {
    const { file, id, fx } = await closedSession();
    await appendFile(
      file,
      `${JSON.stringify({ _id: 'r9', v: 1, kind: 'message', role: 'user', seq: 9, at })}\n`,
    );
    await expect(fx.store().openReadOnly(id)).rejects.toMatchObject({
      code: 'session_corrupt',
      message: expect.stringContaining(`${file} is damaged at line 4 (content: `) as string,
    });
  });
});
