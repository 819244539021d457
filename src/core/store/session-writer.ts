import { stat, truncate } from 'node:fs/promises';
import { OctoError, getErrorMessage, isOctoError } from '../errors.js';
import type { NewRecord, SessionRecord } from '../session/types.js';
import { sessionPrepareContext, type StoreContext } from './context.js';
import { saveError } from './io.js';
import { loadCheckedNedb, type NedbStore } from './nedb-file.js';
import { ensurePrivateDirSync } from './permissions.js';
import type { HeldLock } from './session-lock.js';
import { checkRecordDoc, toRecords } from './session-file.js';
import type { SessionWriter } from './types.js';

/** Zero-padding of seqs in document ids; a trillion records is beyond any session. */
const SEQ_DIGITS = 12;

/**
 * The one writer of a session file (invariant 4). Records live in our own array ordered by seq; NeDB
 * appends them. A write that fails leaves NeDB's memory holding the failed document (it caches before
 * it writes), so after any failure the datastore is dropped, the file cut back to its size before the
 * write, and NeDB reloaded from disk before the next write: a failed record can never be written later
 * by an append or a compaction (FAULTS.md row 4).
 */
export class NedbSessionWriter implements SessionWriter {
  private list: SessionRecord[] = [];
  private db: NedbStore | null = null;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  private closing: Promise<void> | null = null;
  private readonly file: string;

  private constructor(
    readonly id: string,
    private readonly lock: HeldLock,
    private readonly ctx: StoreContext,
  ) {
    this.file = ctx.layout.sessionPath(id);
  }

  /** Loads the file for writing; the caller holds the lock, and releases it if this throws. */
  static async open(id: string, lock: HeldLock, ctx: StoreContext): Promise<NedbSessionWriter> {
    const writer = new NedbSessionWriter(id, lock, ctx);
    await writer.load();
    return writer;
  }

  records(): readonly SessionRecord[] {
    return this.list;
  }

  append(record: NewRecord): Promise<SessionRecord> {
    return this.serial(async () => {
      this.assertWritable();
      const db = await this.loaded();
      const at = new Date(this.ctx.clock.now()).toISOString();
      // Order is by seq alone: the clock may jump backwards (FAULTS.md row 26).
      const stored: SessionRecord = { ...record, seq: (this.list.at(-1)?.seq ?? 0) + 1, at };
      await this.write(() => db.insert({ _id: docId(stored.seq), ...stored }));
      this.list.push(stored);
      return stored;
    });
  }

  update(seq: number, patch: Partial<SessionRecord>): Promise<SessionRecord> {
    return this.serial(async () => {
      this.assertWritable();
      const db = await this.loaded();
      const index = this.list.findIndex((r) => r.seq === seq);
      const current = this.list[index];
      if (current === undefined)
        throw new OctoError('internal', `Session ${this.id} has no record with seq ${seq}.`);
      const changes = cleanPatch(patch);
      if (Object.keys(changes).length === 0) return current;
      await this.write(() => db.update({ seq }, { $set: changes }));
      const updated: SessionRecord = { ...current, ...changes };
      this.list[index] = updated;
      return updated;
    });
  }

  mediaDir(): string {
    const dir = this.ctx.layout.mediaDir(this.id);
    try {
      ensurePrivateDirSync(dir, this.ctx.warnings);
    } catch (error) {
      throw saveError(dir, error);
    }
    return dir;
  }

  close(): Promise<void> {
    this.closing ??= this.serial(() => this.finish());
    return this.closing;
  }

  private async finish(): Promise<void> {
    this.closed = true;
    this.db = null;
    if (this.lock.lostReason() === null) {
      try {
        // NeDB's load is its compaction: update lines fold into their records, in a fresh 0600 file.
        await loadCheckedNedb(this.file, checkRecordDoc, sessionPrepareContext(this.ctx, this.id));
      } catch (error) {
        this.issue(
          `Could not compact the session file; it stays valid as it is (${getErrorMessage(error)}).`,
        );
      }
    }
    try {
      await this.lock.release();
    } catch (error) {
      this.issue(`Could not release the session lock (${getErrorMessage(error)}); it goes stale by itself.`);
    }
  }

  private async load(): Promise<void> {
    try {
      const { db, parsed } = await loadCheckedNedb(
        this.file,
        checkRecordDoc,
        sessionPrepareContext(this.ctx, this.id),
      );
      // After a failed write the file is the truth: what made it to disk is what the records are.
      this.list = toRecords(parsed.docs);
      this.db = db;
    } catch (error) {
      if (isOctoError(error)) throw error;
      throw saveError(this.file, error);
    }
  }

  private async loaded(): Promise<NedbStore> {
    if (this.db === null) await this.load();
    if (this.db === null) throw new OctoError('internal', `Session ${this.id} did not load.`);
    return this.db;
  }

  /** Runs one NeDB write and flushes it; on failure undoes what it can and reloads before the next. */
  private async write(operation: () => Promise<unknown>): Promise<void> {
    const sizeBefore = await this.size();
    try {
      await operation();
      await this.ctx.io.syncFile(this.file);
    } catch (error) {
      this.db = null;
      await this.cutBack(sizeBefore);
      throw saveError(this.file, error);
    }
  }

  private async size(): Promise<number> {
    try {
      return (await stat(this.file)).size;
    } catch (error) {
      throw saveError(this.file, error);
    }
  }

  /** Removes a partial line a failed append may have left; shrinking a file needs no free space. */
  private async cutBack(size: number): Promise<void> {
    try {
      await truncate(this.file, size);
    } catch (error) {
      this.issue(
        `Could not remove a failed write (${getErrorMessage(error)}); a partial last line will be set aside on reopening.`,
      );
    }
  }

  private assertWritable(): void {
    if (this.closed) throw new OctoError('internal', `Session ${this.id} was closed; it cannot be written.`);
    const lost = this.lock.lostReason();
    if (lost !== null) {
      throw new OctoError(
        'session_locked',
        `Session ${this.id} can no longer be written: its lock was lost (${lost}).`,
      );
    }
  }

  private issue(message: string): void {
    this.ctx.warnings.push({ kind: 'storeIssue', path: this.file, message });
  }

  /** One operation at a time: seqs are handed out in order and a failure is cleaned up before the next. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    // The queue only waits for the task to settle; its outcome, error included, goes to the caller.
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}

/**
 * NeDB compacts in `_id` order, so ids that sort like seqs keep the file in seq order for people who
 * read it; being unique, they also make a second insert of one seq fail instead of duplicating it.
 */
function docId(seq: number): string {
  return `r${String(seq).padStart(SEQ_DIGITS, '0')}`;
}

/** A record's seq and kind are its identity; a patch changes the rest, and `undefined` means "leave". */
function cleanPatch(patch: Partial<SessionRecord>): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (key !== 'seq' && key !== 'kind' && key !== '_id' && value !== undefined) changes[key] = value;
  }
  return changes;
}
