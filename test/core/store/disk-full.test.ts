import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionRecord } from '../../../src/core/store/records.js';
import { containing, enospc, fileLines, INIT, objectWith, storeFixture, userMessage } from './helpers.js';

/** A fault seam that throws ENOSPC on the next write only, like a disk that fills up and is cleaned. */
function oneShotDiskFull(): { arm(): void; beforeWrite(): void } {
  let armed = false;
  return {
    arm: () => (armed = true),
    beforeWrite: () => {
      if (!armed) return;
      armed = false;
      throw enospc();
    },
  };
}

function contents(records: readonly SessionRecord[]): Array<[number, string]> {
  return records.map((r) => [r.seq, r.kind === 'message' ? r.content : r.kind]);
}

describe('disk full while writing (docs/faults.md row 4)', () => {
  it('reports a failed append, never saves it later, and keeps seqs consistent', async () => {
    const fx = await storeFixture();
    const disk = oneShotDiskFull();
    const writer = await fx.store({ faults: disk }).create(INIT);
    await writer.append(userMessage('saved before'));

    disk.arm();
    const error: unknown = await writer.append(userMessage('LOST-TEXT')).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'store_io',
      message: `Could not save to ${fx.sessionFile(writer.id)}: no space left on device (ENOSPC)`,
      cause: objectWith({ code: 'ENOSPC' }),
    });
    expect(contents(writer.records())).toEqual([
      [1, 'command'],
      [2, 'saved before'],
    ]);

    // NeDB holds the failed document in memory; an update of the same seq must not bring it back.
    const after = await writer.append(userMessage('saved after'));
    expect(after.seq).toBe(3);
    await writer.update(3, { inContext: false });
    await writer.close();

    const reopened = await fx.store().openReadOnly(writer.id);
    expect(contents(reopened.records)).toEqual([
      [1, 'command'],
      [2, 'saved before'],
      [3, 'saved after'],
    ]);
    expect(reopened.records[2]).toMatchObject({ inContext: false });
    expect(await readFile(fx.sessionFile(writer.id), 'utf8')).not.toContain('LOST-TEXT');
  });

  it('changes many records in one write, or none of them when it fails', async () => {
    const fx = await storeFixture();
    let writes = 0;
    const disk = oneShotDiskFull();
    const faults = { beforeWrite: () => ((writes += 1), disk.beforeWrite()) };
    const writer = await fx.store({ faults }).create(INIT);
    for (let n = 1; n <= 5; n += 1) await writer.append(userMessage(`m${n}`));
    const inContext = (): boolean[] =>
      writer.records().flatMap((r) => (r.kind === 'message' ? [r.inContext] : []));

    disk.arm();
    await expect(writer.updateMany([2, 3, 4], { inContext: false })).rejects.toMatchObject({
      code: 'store_io',
    });
    expect(inContext()).toEqual([true, true, true, true, true]);

    writes = 0;
    await writer.updateMany([2, 3, 4, 5], { inContext: false });
    expect(writes).toBe(1);
    expect(inContext()).toEqual([false, false, false, false, true]);
    await expect(writer.updateMany([2, 99], { inContext: true })).rejects.toMatchObject({ code: 'internal' });
    await writer.close();
    const reopened = await fx.store().openReadOnly(writer.id);
    expect(reopened.records.flatMap((r) => (r.kind === 'message' ? [r.inContext] : []))).toEqual([
      false,
      false,
      false,
      false,
      true,
    ]);
  });

  it('keeps failed writes out across repeated failures, updates and compaction', async () => {
    const fx = await storeFixture();
    const disk = oneShotDiskFull();
    const writer = await fx.store({ faults: disk }).create(INIT);
    for (let round = 0; round < 8; round += 1) {
      disk.arm();
      await expect(writer.append(userMessage(`LOST-${round}`))).rejects.toMatchObject({ code: 'store_io' });
      const kept = await writer.append(userMessage(`kept-${round}`));
      await writer.update(kept.seq, { inContext: false });
    }
    await writer.close();
    const lines = await fileLines(fx.sessionFile(writer.id));
    expect(lines.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(lines.slice(1).map((l) => [l.content, l.inContext])).toEqual(
      Array.from({ length: 8 }, (_, round) => [`kept-${round}`, false]),
    );
  });

  it('reports a failed update and leaves the record as it was', async () => {
    const fx = await storeFixture();
    const disk = oneShotDiskFull();
    const writer = await fx.store({ faults: disk }).create(INIT);
    const message = await writer.append(userMessage('hello'));
    disk.arm();
    await expect(writer.update(message.seq, { inContext: false })).rejects.toMatchObject({
      code: 'store_io',
    });
    expect(writer.records()[1]).toEqual(message);
    // NeDB changed its cached copy before the write failed; the next update must not carry that along.
    await writer.update(message.seq, { interrupted: true });
    await writer.close();
    expect((await fx.store().openReadOnly(writer.id)).records[1]).toEqual({ ...message, interrupted: true });
  });

  it('turns a compaction that fails on close into a warning and still releases the lock', async () => {
    const fx = await storeFixture();
    const disk = oneShotDiskFull();
    const store = fx.store({ faults: disk });
    const writer = await store.create(INIT);
    const hello = await writer.append(userMessage('hello'));
    // An update leaves a replaced line behind, so closing compacts.
    await writer.update(hello.seq, { inContext: false });
    store.drainWarnings();
    disk.arm();
    await writer.close();
    expect(store.drainWarnings()).toEqual([
      objectWith({ kind: 'storeIssue', message: containing('Could not compact') }),
    ]);
    const again = await fx.store().openWriter(writer.id);
    expect(contents(again.records())).toEqual([
      [1, 'command'],
      [2, 'hello'],
    ]);
    await again.close();
  });

  it('creates nothing when the disk is full while creating', async () => {
    const fx = await storeFixture();
    let full = false;
    const store = fx.store({
      faults: {
        beforeWrite: () => {
          if (full) throw enospc();
        },
      },
    });
    await (await store.create({ ...INIT, name: 'first' })).close();
    full = true;
    await expect(store.create({ ...INIT, name: 'second' })).rejects.toMatchObject({ code: 'store_io' });
    full = false;
    expect((await store.list()).map((s) => s.name)).toEqual(['first']);
    const files = (await readdir(path.join(fx.dataDir, 'sessions'))).filter((f) => f.endsWith('.db'));
    expect(files).toHaveLength(1);
  });
});
