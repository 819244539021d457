/** The store's contract: what the rest of the core may ask of it. A leaf: it imports only records.ts. */
import type { NewRecord, SessionRecord, SessionSummary } from './records.js';

export interface FileWatch {
  close(): void;
}

/**
 * What the store feeds every record it writes to, given to it by the composition root: the full-text
 * index of the search domain (src/core/search). The store knows this and no more of it, so it neither
 * loads the engine nor reaches into it; without a sink (tests of the store alone) records feed nothing.
 */
export interface RecordSink {
  /** A record just appended to a session. Never fails the write: a failure is the sink's to report. */
  add(sessionId: string, record: SessionRecord): Promise<void>;
  /** A session was closed: nobody is waiting on it, so the sink may tidy up now. */
  sessionClosed(): Promise<void>;
  /** `octo doctor --reindex`, or index.db healed: every session's records, fed anew. */
  rebuild(): Promise<RecordRebuild>;
}

/** One rebuild of a record sink, from the session files; the store calls `finish` or `abort`, once. */
export interface RecordRebuild {
  add(sessionId: string, records: readonly SessionRecord[]): Promise<void>;
  finish(): Promise<void>;
  /** Leaves the sink as it was (the rebuild failed half-way). */
  abort(): Promise<void>;
}

/** A file as it was: what must be unchanged for the lines before a resume point to be trusted unread. */
export interface FileState {
  size: number;
  mtimeMs: number;
  ino: number;
}

/** Where to start reading a session file, and the state the file must be in for that. */
export interface ResumeHint {
  seq: number;
  state: FileState;
  /**
   * The SHA-256 of the file from record `seq`'s line on as its writer left it (SessionWriter
   * closedTailDigest): lines that still hash to it are not checked against the record schema again.
   */
  tailSha256?: string;
}

/** Where octo keeps its data and configuration (docs/architecture.md "Data"). */
export interface OctoPaths {
  /** Data root: index.db, sessions/, trash, logs. */
  data: string;
  /** The user config file. */
  userConfig: string;
}

export interface LockHolder {
  pid: number;
  /** ISO time the lock was taken. */
  since: string;
  host: string;
}

/** Exclusive write access to one session file (invariant 4 in docs/architecture.md). */
export interface SessionWriter {
  readonly id: string;
  /** All records, ordered by seq, as loaded plus appended. */
  records(): readonly SessionRecord[];
  /** Appends one record (fsync'd) and returns it with its seq and time. */
  append(record: NewRecord): Promise<SessionRecord>;
  /** Applies a shallow patch to a record by seq (e.g. inContext: false). */
  update(seq: number, patch: Partial<SessionRecord>): Promise<SessionRecord>;
  /**
   * Applies one shallow patch to many records in one flushed write (a compression of 20,000
   * messages is one disk round trip, not 20,000): all of them are changed, or, when it fails, none.
   */
  updateMany(seqs: readonly number[], patch: Partial<SessionRecord>): Promise<void>;
  /** Absolute path of the media folder of this session (created 0700 on demand). */
  mediaDir(): string;
  /**
   * When the file was opened from a resume point, the seq of the first record read: the records
   * before it were not loaded (see loadEarlier). Null when every record is loaded.
   */
  loadedFrom(): number | null;
  /** Reads the records before the first loaded one (the whole file); nothing to do when all are loaded. */
  loadEarlier(): Promise<void>;
  /**
   * The writer that died holding this session (kill -9, a crash) when this one took its lock over;
   * null when the last writer closed it. What it was doing when it died may be cut off.
   */
  tookOverFrom(): LockHolder | null;
  /** Compacts the file if idle, releases the lock. Idempotent. */
  close(): Promise<void>;
  /**
   * The file's state when this writer closed it (before the lock was released), for a resume point;
   * null before closing, or when the close did not leave the file in the state it knows (a failure).
   */
  closedState(): FileState | null;
  /**
   * After a clean close, the SHA-256 of the file from record `seq`'s line to its end, still as this
   * writer left it, for a resume point (ResumeHint.tailSha256); null when it is not (or no clean close).
   */
  closedTailDigest(seq: number): Promise<string | null>;
}

export interface ReadOnlySession {
  readonly id: string;
  readonly records: readonly SessionRecord[];
  /** Set when another process holds the lock. */
  readonly holder: LockHolder | null;
}

/** Warnings raised while opening (torn tail set aside, permissions tightened, ...). */
export type StoreWarning =
  /** `path` is the session file; its torn end was moved to `setAsidePath`. */
  | { kind: 'tornTail'; sessionId: string; path: string; setAsidePath: string; bytes: number }
  | { kind: 'permissionsTightened'; path: string; from: number; to: number }
  | { kind: 'staleLockTaken'; sessionId: string; path: string; holder: LockHolder }
  | { kind: 'danglingToolCall'; sessionId: string; path: string; toolCallId: string; toolName: string }
  | { kind: 'indexRebuilt'; path: string; reason: string }
  /** Something went wrong that did not lose data but needs a look (lock lost, compaction failed, file skipped). */
  | { kind: 'storeIssue'; path: string; message: string };

export interface DoctorReport {
  ok: boolean;
  dataDir: string;
  /** Session files found; null when the data folder cannot be read. */
  sessions: number | null;
  checks: Array<{ name: string; ok: boolean; detail: string }>;
  /** Leftovers of interrupted work still there, safe to remove (`doctor --clean`). */
  cleanable: string[];
  /** What `clean` removed. */
  cleaned: string[];
}

export interface SessionStore {
  readonly paths: OctoPaths;
  /** Summaries from the index (read-only parse: never rewrites index.db). */
  list(): Promise<SessionSummary[]>;
  /** Creates a session file with its `create` record; fails with session_exists if the name is taken. */
  create(init: {
    name: string;
    projectDir: string;
    projectId: string;
    model: string;
    parentId?: string;
    projectGroup?: string;
  }): Promise<SessionWriter>;
  /**
   * Opens for writing; throws OctoError session_locked (details.holder) when another live process holds
   * it. With `resumeFrom`, and the file in the state it names, only the records from its seq on are read.
   */
  openWriter(id: string, options?: { resumeFrom?: ResumeHint }): Promise<SessionWriter>;
  /** Parses the file without NeDB and without writing anything. */
  openReadOnly(id: string): Promise<ReadOnlySession>;
  /** A session's records as its file holds them now, read without NeDB, without writing, and without its lock. */
  readRecords(id: string): Promise<SessionRecord[]>;
  /**
   * Writes (or replaces) the index document of a session, under the index lock. The store sets `order`
   * to one more than the highest in the index and returns the summary as stored.
   */
  putSummary(summary: SessionSummary): Promise<SessionSummary>;
  removeSummary(id: string): Promise<void>;
  /** Rebuilds index.db from the session files, and feeds them all anew to the record sink. */
  reindex(indexSummary: (id: string, records: readonly SessionRecord[]) => SessionSummary): Promise<number>;
  /** Where a session's media files are (it may not exist). */
  mediaDir(id: string): string;
  /** The path of a session's file, for messages about it. */
  sessionFile(id: string): string;
  /** Calls `onChange` soon after another process writes the session file (read-only views follow it). */
  watchSession(id: string, onChange: () => void): Promise<FileWatch>;
  /**
   * Calls `onChange` soon after the session's lock or its owner note changes: its writer came, left
   * (a read-only view may then take over), or refreshed the lock.
   */
  watchHolder(id: string, onChange: () => void): Promise<FileWatch>;
  /** The live process that writes the session now; null when nobody does (a view may take it over). */
  holder(id: string): Promise<LockHolder | null>;
  /** Calls `onChange` soon after index.db changes (sessions listed by other terminals). */
  watchIndex(onChange: () => void): Promise<FileWatch>;
  /** Deletes a session's files and index entry for good (trash purge only); session_locked if open. */
  deleteSession(id: string): Promise<void>;
  /**
   * Fails with store_unwritable (naming the folder and the reason) unless the data folder and its
   * sessions folder can be written: checked before a turn writes its user message, so a turn that
   * could not be saved is refused before anything is written (docs/faults.md row 5).
   */
  assertWritable(): Promise<void>;
  /** Checks the data folder; with `clean`, removes the leftovers of interrupted work first. */
  doctor(options?: { clean?: boolean }): Promise<DoctorReport>;
  /** Warnings gathered since the last call (none when the store was given `onWarning`). */
  drainWarnings(): StoreWarning[];
}
