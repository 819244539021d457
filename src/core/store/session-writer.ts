import { readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { OctoError, getErrorMessage, isOctoError } from '../errors.js';
import type { NewRecord, SessionRecord } from './records.js';
import { sessionPrepareContext, type StoreContext } from './context.js';
import { saveError } from './io.js';
import type { NedbDoc } from './line-parser.js';
import { compactNedbFile } from './compact-file.js';
import { appendDocs, openForWriting } from './nedb-file.js';
import { ensurePrivateDir, ensurePrivateDirSync, tightenFile } from './permissions.js';
import type { HeldLock } from './session-lock.js';
import { checkRecordDoc, toRecords } from './session-file.js';
import { readTail, recordDocId, tailDigest } from './session-tail.js';
import { parseSessionData, readStamp, writeStamp, type CheckedStamp } from './checked-stamp.js';
import { RECORD_SCHEMA_VERSION, readRecordDoc, upgradeRecordDoc } from './record-schema.js';
import type { FileState, LockHolder, ResumeHint, SessionWriter } from './types.js';

/**
 * The one writer of a session file (invariant 4 in docs/architecture.md). Records live in our own array
 * ordered by seq, which is never changed in place: each write makes a new array, so what `records()`
 * handed out earlier stays as it was (a front end's snapshot cannot change under it). Each change is
 * appended to the file as one NeDB line (see appendDocs) and flushed before it counts. NeDB
 * compacts the file when the session closes, if updates left replaced lines behind. A write that fails
 * is cut back and leaves the records as they were; the file is prepared again before the next write, so
 * a failed record can never appear later (docs/faults.md row 4).
 */
export class NedbSessionWriter implements SessionWriter {
  private list: readonly SessionRecord[] = [];
  /** `_id` of each record by seq: update lines must carry the id of the line they replace. */
  private ids = new Map<number, string>();
  /** Lines a compaction would fold away (replaced records). */
  private superseded = 0;
  private prepared = false;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  private closing: Promise<void> | null = null;
  /** The seq of the first loaded record when opened from a resume point (older ones unread); else null. */
  private from: number | null = null;
  private stateAtClose: FileState | null = null;
  private readonly file: string;
  /** The checked-stamp as loaded, and whether the file has changed since (see checked-stamp.ts). */
  private stamp: CheckedStamp | null = null;
  private stampCurrent = false;
  private compacted = false;

  private constructor(
    readonly id: string,
    private readonly lock: HeldLock,
    private readonly ctx: StoreContext,
  ) {
    this.file = ctx.layout.sessionPath(id);
  }

  /**
   * Reads the file for writing; the caller holds the lock, and releases it if this throws. With a
   * resume hint that still holds, only the records from its seq on are read (see session-tail.ts).
   */
  static async open(
    id: string,
    lock: HeldLock,
    ctx: StoreContext,
    resumeFrom?: ResumeHint,
  ): Promise<NedbSessionWriter> {
    const writer = new NedbSessionWriter(id, lock, ctx);
    if (resumeFrom === undefined || !(await writer.loadTail(resumeFrom))) await writer.load();
    return writer;
  }

  loadedFrom(): number | null {
    return this.from;
  }

  tookOverFrom(): LockHolder | null {
    return this.lock.takenOverFrom();
  }

  loadEarlier(): Promise<void> {
    return this.serial(async () => {
      this.assertWritable();
      if (this.from !== null) await this.load();
    });
  }

  closedState(): FileState | null {
    return this.stateAtClose;
  }

  async closedTailDigest(seq: number): Promise<string | null> {
    const state = this.stateAtClose;
    // Only a cache: without it the next resume checks the lines it reads, as before.
    return state === null ? null : tailDigest(this.file, { seq, state }).catch(() => null);
  }

  records(): readonly SessionRecord[] {
    return this.list;
  }

  append(record: NewRecord): Promise<SessionRecord> {
    return this.serial(async () => {
      await this.ready();
      const at = new Date(this.ctx.clock.now()).toISOString();
      // Order is by seq alone: the clock may jump backwards (docs/faults.md row 26).
      const stored: SessionRecord = { ...record, seq: (this.list.at(-1)?.seq ?? 0) + 1, at };
      const id = docId(stored.seq);
      await this.write([{ _id: id, v: RECORD_SCHEMA_VERSION, ...stored }]);
      this.list = [...this.list, stored];
      this.ids.set(stored.seq, id);
      return stored;
    });
  }

  update(seq: number, patch: Partial<SessionRecord>): Promise<SessionRecord> {
    return this.serial(async () => {
      await this.ready();
      // A record before the loaded ones (an undone compaction's messages): the whole file is read first.
      if (this.from !== null && seq < this.from) await this.load();
      const index = this.indexOf(seq);
      const current = this.list[index];
      if (current === undefined)
        throw new OctoError('internal', `Session ${this.id} has no record with seq ${seq}.`);
      const changes = cleanPatch(patch);
      if (Object.keys(changes).length === 0) return current;
      const updated: SessionRecord = { ...current, ...changes };
      await this.write([{ _id: this.ids.get(seq) ?? docId(seq), v: RECORD_SCHEMA_VERSION, ...updated }]);
      this.superseded += 1;
      this.list = this.list.with(index, updated);
      return updated;
    });
  }

  updateMany(seqs: readonly number[], patch: Partial<SessionRecord>): Promise<void> {
    return this.serial(async () => {
      await this.ready();
      const changes = cleanPatch(patch);
      if (seqs.length === 0 || Object.keys(changes).length === 0) return;
      // Records before the loaded ones: the whole file is read first.
      const from = this.from;
      if (from !== null && seqs.some((seq) => seq < from)) await this.load();
      const positions = seqs.map((seq) => {
        const index = this.indexOf(seq);
        if (index === -1)
          throw new OctoError('internal', `Session ${this.id} has no record with seq ${seq}.`);
        return index;
      });
      const updated = positions.map(
        (index): SessionRecord => ({ ...this.list[index], ...changes }) as SessionRecord,
      );
      await this.write(
        updated.map((record) => ({
          _id: this.ids.get(record.seq) ?? docId(record.seq),
          v: RECORD_SCHEMA_VERSION,
          ...record,
        })),
      );
      this.superseded += updated.length;
      const next = [...this.list];
      positions.forEach((index, i) => {
        const record = updated[i];
        if (record !== undefined) next[index] = record;
      });
      this.list = next;
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
    let clean = this.lock.lostReason() === null && this.prepared;
    if (clean && this.superseded > 0) {
      try {
        this.compacted = true;
        await compactNedbFile(this.file, checkRecordDoc, sessionPrepareContext(this.ctx, this.id));
      } catch (error) {
        clean = false;
        this.issue(
          `Could not compact the session file; it stays valid as it is (${getErrorMessage(error)}).`,
        );
      }
    }
    // Taken while the lock is held: no other writer can have changed the file since.
    if (clean) this.stateAtClose = await fileState(this.file).catch(() => null);
    await this.saveStamp();
    try {
      await this.lock.release();
    } catch (error) {
      this.issue(`Could not release the session lock (${getErrorMessage(error)}); it goes stale by itself.`);
    }
  }

  /**
   * Every byte of the file was checked when loaded or appended, so it is stamped for the next reader;
   * not after a compaction (NeDB wrote those bytes), nor when the lock was lost. Only a cache: a
   * failure is reported and costs the next open a full check.
   */
  private async saveStamp(): Promise<void> {
    // Opened from a resume point, the writer read only the tail: the earlier bytes keep their stamp.
    if (this.compacted || this.stampCurrent || this.from !== null || this.lock.lostReason() !== null) return;
    const stampFile = this.ctx.layout.checkedStampPath(this.id);
    try {
      await ensurePrivateDir(path.dirname(stampFile), this.ctx.warnings);
      await writeStamp(stampFile, await readFile(this.file), this.stamp, this.ctx.io);
    } catch (error) {
      this.ctx.warnings.push({
        kind: 'storeIssue',
        path: stampFile,
        message: `Could not note that the session file was checked (${getErrorMessage(error)}); it is checked in full next time.`,
      });
    }
  }

  private async load(): Promise<void> {
    try {
      this.stamp = await readStamp(this.ctx.layout.checkedStampPath(this.id));
      let unchanged = false;
      const parsed = await openForWriting(
        this.file,
        checkRecordDoc,
        sessionPrepareContext(this.ctx, this.id),
        (data) => {
          const read = parseSessionData(data, this.stamp);
          unchanged = read.vouched === data.length;
          return read.parsed;
        },
      );
      // Unchanged since its stamp, the file needs no new one unless something is written.
      this.stampCurrent = unchanged;
      // After a failed write the file is the truth: what made it to disk is what the records are.
      this.useDocs(parsed.docs, parsed.superseded, null);
    } catch (error) {
      if (isOctoError(error)) throw error;
      throw saveError(this.file, error);
    }
  }

  /** Reads only the records from the hint's seq on; false when the file is not as the hint says. */
  private async loadTail(hint: ResumeHint): Promise<boolean> {
    try {
      await tightenFile(this.file, this.ctx.warnings);
      // NeDB's own temp file: stale while the main file exists (as openForWriting removes it).
      await rm(`${this.file}~`, { force: true });
      const docs = await readTail(this.file, hint, checkRecordDoc, (doc) => upgradeRecordDoc(doc));
      if (docs === null) return false;
      this.useDocs(docs, 0, hint.seq);
      return true;
    } catch (error) {
      if (isOctoError(error)) throw error;
      throw saveError(this.file, error);
    }
  }

  private useDocs(docs: readonly NedbDoc[], superseded: number, from: number | null): void {
    this.list = toRecords(docs);
    this.ids = new Map(docs.map((doc: NedbDoc) => [doc.seq as number, doc._id]));
    this.superseded = superseded;
    this.from = from;
    this.prepared = true;
  }

  /** Checks the writer may write, and prepares the file again after a failed write. */
  private async ready(): Promise<void> {
    this.assertWritable();
    if (!this.prepared) await this.load();
  }

  /** The position of a record by seq (the list is in seq order), or -1. */
  private indexOf(seq: number): number {
    let low = 0;
    let high = this.list.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const at = this.list[mid]?.seq ?? 0;
      if (at === seq) return mid;
      if (at < seq) low = mid + 1;
      else high = mid - 1;
    }
    return -1;
  }

  /** Appends document lines and flushes them at once; after a failure the file is prepared again first. */
  private async write(docs: readonly NedbDoc[]): Promise<void> {
    // What is written must read back: a record of the wrong shape would refuse the session for good.
    for (const doc of docs) {
      const readBack = readRecordDoc(doc);
      if (typeof readBack === 'string') {
        throw new OctoError(
          'internal',
          `Refused to write a record that could not be read back (${readBack}).`,
        );
      }
    }
    this.stampCurrent = false;
    try {
      await appendDocs(this.file, docs, this.ctx);
    } catch (error) {
      this.prepared = false;
      throw saveError(this.file, error);
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

/** NeDB compacts in `_id` order, so ids that sort like seqs keep the file in seq order for people who read it. */
const docId = recordDocId;

async function fileState(file: string): Promise<FileState> {
  const info = await stat(file);
  return { size: info.size, mtimeMs: info.mtimeMs, ino: info.ino };
}

/** A record's seq and kind are its identity; a patch changes the rest, and `undefined` means "leave". */
function cleanPatch(patch: Partial<SessionRecord>): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (key !== 'seq' && key !== 'kind' && key !== '_id' && value !== undefined) changes[key] = value;
  }
  return changes;
}
