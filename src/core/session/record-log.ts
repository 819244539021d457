import type { EventBus, RecordsChange } from '../events.js';
import type { LockHolder, SessionWriter } from '../store/index.js';
import type { SessionRecord } from '../store/index.js';

/** How this process reaches the session's file: as its one writer, or following another's writes. */
export type RecordAccess =
  | { kind: 'writer'; writer: SessionWriter }
  | { kind: 'readOnly'; records: readonly SessionRecord[]; holder: LockHolder | null };

/**
 * The records of one open session as everyone outside the store sees them: arrays that never change
 * once handed out, a version counting the changes, and 'session.recordsChanged' for each change, so a
 * front end (here or over a socket) follows the session from a snapshot plus events.
 */
export class RecordLog {
  private version = 0;
  private published: readonly SessionRecord[];
  private readonly observed: SessionWriter | null;

  constructor(
    private readonly sessionId: string,
    private readonly bus: EventBus,
    private access: RecordAccess,
  ) {
    this.published = this.current();
    this.observed = access.kind === 'writer' ? this.observe(access.writer) : null;
  }

  get readOnly(): boolean {
    return this.access.kind === 'readOnly';
  }

  get holder(): LockHolder | null {
    return this.access.kind === 'readOnly' ? this.access.holder : null;
  }

  records(): readonly SessionRecord[] {
    return this.current();
  }

  /** The records with the version they are: events after it continue from `version + 1`. */
  snapshot(): { version: number; records: readonly SessionRecord[] } {
    return { version: this.version, records: this.published };
  }

  /** The writer every write of this session goes through (null when read-only): each write is announced. */
  writer(): SessionWriter | null {
    return this.observed;
  }

  /** Reads the records before the loaded ones (a session opened from its resume point). */
  async loadEarlier(): Promise<void> {
    if (this.access.kind !== 'writer' || this.access.writer.loadedFrom() === null) return;
    await this.access.writer.loadEarlier();
    this.announce({ kind: 'replaced', records: this.current() });
  }

  /** A read-only view read the file again: this is what it holds now. */
  replace(records: readonly SessionRecord[], holder: LockHolder | null): void {
    if (this.access.kind !== 'readOnly') return;
    this.access = { kind: 'readOnly', records, holder };
    this.announce({ kind: 'replaced', records });
  }

  private current(): readonly SessionRecord[] {
    return this.access.kind === 'writer' ? this.access.writer.records() : this.access.records;
  }

  private observe(inner: SessionWriter): SessionWriter {
    return {
      id: inner.id,
      records: () => inner.records(),
      append: async (record) => {
        const stored = await inner.append(record);
        this.announce({ kind: 'appended', records: [stored] });
        return stored;
      },
      update: async (seq, patch) => {
        const partial = inner.loadedFrom() !== null;
        const updated = await inner.update(seq, patch);
        // A record from before the loaded ones made the writer read them all: a new whole, not one change.
        if (partial && inner.loadedFrom() === null)
          this.announce({ kind: 'replaced', records: this.current() });
        else this.announce({ kind: 'updated', records: [updated] });
        return updated;
      },
      updateMany: async (seqs, patch) => {
        const partial = inner.loadedFrom() !== null;
        await inner.updateMany(seqs, patch);
        if (partial && inner.loadedFrom() === null) {
          this.announce({ kind: 'replaced', records: this.current() });
          return;
        }
        const changed = new Set(seqs);
        const records = inner.records().filter((record) => changed.has(record.seq));
        if (records.length > 0) this.announce({ kind: 'updated', records });
      },
      mediaDir: () => inner.mediaDir(),
      loadedFrom: () => inner.loadedFrom(),
      loadEarlier: () => this.loadEarlier(),
      tookOverFrom: () => inner.tookOverFrom(),
      close: () => inner.close(),
      closedState: () => inner.closedState(),
      closedTailDigest: (seq) => inner.closedTailDigest(seq),
    };
  }

  private announce(change: RecordsChange): void {
    this.version += 1;
    this.published = this.current();
    this.bus.emit('session.recordsChanged', { sessionId: this.sessionId, version: this.version, change });
  }
}
