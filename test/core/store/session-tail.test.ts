import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { ResumeHint, SessionStore } from '../../../src/core/store/index.js';
import { serializeLine } from '../../../src/core/store/line-parser.js';
import { readTail, recordDocId } from '../../../src/core/store/session-tail.js';
import type { NedbDoc } from '../../../src/core/store/line-parser.js';
import { enospc, INIT, storeFixture, userMessage, type StoreFixture } from './helpers.js';

/**
 * A session of `count` messages, closed; the hint to resume it from record `fromSeq`. The messages
 * are written as the writer writes them, in one go: thousands of flushed appends would take minutes.
 */
async function closedSession(
  fx: StoreFixture,
  store: SessionStore,
  count: number,
  fromSeq: number,
): Promise<{ id: string; hint: ResumeHint }> {
  const created = await store.create({ ...INIT, name: `tail-${count}` });
  await created.close();
  const lines = Array.from({ length: count }, (_, i) => {
    const seq = i + 2;
    const record = {
      seq,
      at: '2025-03-01T10:00:00.000Z',
      ...userMessage(`message ${seq} ${'x'.repeat(200)}`),
    };
    return `${serializeLine({ _id: recordDocId(seq), ...record })}\n`;
  });
  await appendFile(fx.sessionFile(created.id), lines.join(''));
  const writer = await store.openWriter(created.id);
  await writer.close();
  const state = writer.closedState();
  if (state === null) throw new Error('a clean close leaves its state');
  return { id: created.id, hint: { seq: fromSeq, state } };
}

const seqs = (store: { records(): readonly { seq: number }[] }): number[] =>
  store.records().map((r) => r.seq);

describe('opening a session from its end', () => {
  it('reads only the records from the resume point on, and the rest when asked', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    // 3,000 records of ~250 bytes: the resume point lies several read blocks before the end.
    const { id, hint } = await closedSession(fx, store, 3000, 2990);
    const writer = await store.openWriter(id, { resumeFrom: hint });
    expect(writer.loadedFrom()).toBe(2990);
    expect(seqs(writer)).toEqual([2990, 2991, 2992, 2993, 2994, 2995, 2996, 2997, 2998, 2999, 3000, 3001]);
    expect((await writer.append(userMessage('after'))).seq).toBe(3002);
    await writer.loadEarlier();
    expect(writer.loadedFrom()).toBeNull();
    expect(seqs(writer)).toEqual(Array.from({ length: 3002 }, (_, i) => i + 1));
    await writer.close();
  });

  it('reads a resume point far from the end across read blocks', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    const { id, hint } = await closedSession(fx, store, 3000, 1000);
    const writer = await store.openWriter(id, { resumeFrom: hint });
    expect(writer.loadedFrom()).toBe(1000);
    expect(seqs(writer)).toEqual(Array.from({ length: 2002 }, (_, i) => i + 1000));
    await writer.close();
  });

  it('reads the whole file when it is not as the resume point left it, torn end included', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    const { id, hint } = await closedSession(fx, store, 20, 15);
    // Another writer appended since (its own resume point would name the new state).
    await appendFile(fx.sessionFile(id), '{"_id":"r000000000099","kind":"message","seq":99,"at":"x","rol');
    const writer = await store.openWriter(id, { resumeFrom: hint });
    expect(writer.loadedFrom()).toBeNull();
    expect(seqs(writer)).toHaveLength(21);
    expect(store.drainWarnings()).toEqual([expect.objectContaining({ kind: 'tornTail', sessionId: id })]);
    await writer.close();
  });

  it('reads the whole file when the resume point names a record it does not hold', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    const { id, hint } = await closedSession(fx, store, 20, 15);
    const writer = await store.openWriter(id, { resumeFrom: { ...hint, seq: 500 } });
    expect(writer.loadedFrom()).toBeNull();
    expect(seqs(writer)).toHaveLength(21);
    await writer.close();
  });

  it('reads an earlier record before updating it (an undone compaction puts old messages back)', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    const { id, hint } = await closedSession(fx, store, 50, 40);
    const writer = await store.openWriter(id, { resumeFrom: hint });
    const updated = await writer.update(3, { inContext: false });
    expect(updated).toMatchObject({
      seq: 3,
      inContext: false,
      content: expect.stringContaining('message 3 ') as string,
    });
    expect(writer.loadedFrom()).toBeNull();
    await writer.close();
    // The close folded the update into the file, and left the state a next resume point names.
    const state = writer.closedState();
    const again = await store.openWriter(id, state === null ? {} : { resumeFrom: { seq: 45, state } });
    expect(again.loadedFrom()).toBe(45);
    await again.close();
    expect((await readFile(fx.sessionFile(id), 'utf8')).split('\n').filter((l) => l !== '')).toHaveLength(51);
  });

  it('leaves no state to resume from after a write failed (the file is then read whole)', async () => {
    const fx = await storeFixture();
    let full = false;
    const store = fx.store({
      faults: {
        beforeWrite: () => {
          if (full) throw enospc();
        },
      },
    });
    const { id, hint } = await closedSession(fx, store, 5, 3);
    const writer = await store.openWriter(id, { resumeFrom: hint });
    full = true;
    await expect(writer.append(userMessage('lost'))).rejects.toMatchObject({ code: 'store_io' });
    full = false;
    await writer.close();
    expect(writer.closedState()).toBeNull();
  });

  it('checks the lines its writer vouches for only when they changed since (tailSha256)', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    const { id, hint } = await closedSession(fx, store, 30, 20);
    const closing = await store.openWriter(id, { resumeFrom: hint });
    await closing.close();
    const state = closing.closedState();
    const tailSha256 = await closing.closedTailDigest(20);
    expect(tailSha256).toMatch(/^[0-9a-f]{64}$/);
    if (state === null || tailSha256 === null) throw new Error('a clean close leaves its state');
    const vouched = { seq: 20, state, tailSha256 };
    const file = fx.sessionFile(id);
    const counted = () => {
      const calls = { count: 0 };
      return { calls, check: (doc: NedbDoc) => ((calls.count += 1), doc) };
    };
    const full = counted();
    const light = counted();
    expect(await readTail(file, vouched, full.check, light.check)).toHaveLength(12);
    expect([full.calls.count, light.calls.count]).toEqual([0, 12]);
    // Another digest: every line is checked.
    expect(
      await readTail(file, { ...vouched, tailSha256: '0'.repeat(64) }, full.check, light.check),
    ).toHaveLength(12);
    expect([full.calls.count, light.calls.count]).toEqual([12, 12]);

    // A line edited in place to the same length, as if its size and time were put back: the digest no
    // longer matches, the line is checked, and the session is refused as with a whole read.
    const text = await readFile(file, 'utf8');
    const edited = text.replace(
      `"seq":25,"at":"2025-03-01T10:00:00.000Z","kind":"message","role":"user"`,
      `"seq":25,"at":"2025-03-01T10:00:00.000Z","kind":"message","role":"usex"`,
    );
    expect(edited).not.toBe(text);
    await writeFile(file, edited);
    const after = await stat(file);
    const forged = { ...vouched, state: { size: after.size, mtimeMs: after.mtimeMs, ino: after.ino } };
    await expect(store.openWriter(id, { resumeFrom: forged })).rejects.toMatchObject({
      code: 'session_corrupt',
    });
  });
});
