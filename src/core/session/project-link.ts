import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CatchUp } from '../api.js';
import type { Env } from '../deps.js';
import { errnoCode, getErrorMessage } from '../errors.js';
import type { EventBus } from '../events.js';
import { replaceFile } from '../replace-file.js';
import { changesSince, type ProjectWatchers, type WatchLease } from '../project/index.js';
import { fileToolPath, filesRead } from './files-read.js';
import { catchUpMatters, catchUpNote, filesChangedNote } from './project-notes.js';
import { StaleFiles, type SavedBaseline } from './stale-files.js';
import type { MessageRecord, NewRecord, SessionRecord } from '../store/index.js';
import { recordOf } from '../text/index.js';

export interface ProjectLinkDeps {
  bus: EventBus;
  watchers: ProjectWatchers;
  env: Env;
  /** The data folder: what the model saw of each file is kept in cache/project/<session>.json. */
  dataDir: string;
  now(): number;
}

/**
 * The project's watcher starts this long after opening, once no turn runs: its first scan (a readdir,
 * a stat and a watch per file, half a second of the main thread for a few hundred files on a loaded
 * machine) then competes neither with the first screen nor with a turn being prepared or streamed
 * (keystroke echo; docs/architecture.md, Opening a long session from its end). A turn that calls a tool starts it at once: the next request of that
 * turn must hear of files changed meanwhile. Changes made before it starts are found by checking the
 * files the model read when it does.
 */
const WATCH_AFTER_MS = 1_000;
/** Events that say a turn of the session ended. */
const ENDED = ['turn.finished', 'turn.failed', 'turn.interrupted'] as const;

export interface LinkedSession {
  id: string;
  projectId: string;
  projectDir: string;
  records(): readonly SessionRecord[];
  /** A turn (or a compression) runs in the session. */
  busy(): boolean;
  /** Work out what happened since the last message (on resume; not after a move by hand). */
  catchUp: boolean;
  /** The session's previous writer died holding it (kill -9, a crash): its last reply may be cut off. */
  writerDied: boolean;
}

/**
 * A session open for writing, tied to its project: the project is watched while it is open, files
 * the model read that change are marked stale, and on resume a catch-up is worked out. What the model
 * must hear of it comes out of `notes()`, to be written as records before the next request.
 */
export class ProjectLink {
  private lease: WatchLease | null = null;
  private readonly stale: StaleFiles;
  /** Tool call id -> the file it names, until its result says whether it worked. */
  private readonly calls = new Map<string, string>();
  private readonly offs: Array<() => void> = [];
  private result: CatchUp | null = null;
  /** The check of every tracked file when the watcher started. */
  private watching: Promise<void> = Promise.resolve();
  private catchUpTold = false;
  private closed = false;
  private readonly ready: Promise<void>;

  constructor(
    private readonly deps: ProjectLinkDeps,
    private readonly session: LinkedSession,
  ) {
    const { bus } = deps;
    const { id, projectDir: dir } = session;
    this.stale = new StaleFiles(
      dir,
      (paths) => bus.emit('session.filesStale', { sessionId: id, paths }),
      (rel, error) => this.warn(path.join(dir, rel), error),
      () => deps.now(),
    );
    this.offs.push(
      bus.on('turn.toolCall', (event) => {
        const rel = event.sessionId === id ? fileToolPath(dir, event.call.name, event.call.arguments) : null;
        if (rel !== null) this.calls.set(event.call.id, rel);
      }),
      bus.on('turn.toolResult', (event) => {
        const rel = event.sessionId === id ? this.calls.get(event.toolCallId) : undefined;
        if (rel === undefined) return;
        this.calls.delete(event.toolCallId);
        if (!event.ok) return;
        this.lease?.watchFiles([path.join(dir, rel)]);
        void this.stale.read(rel);
      }),
    );
    this.ready = this.start().catch((error: unknown) => this.warn(dir, error));
  }

  /** Files the model read that changed on disk since it read them (relative, sorted). */
  staleFiles(): string[] {
    return this.stale.list();
  }

  catchUp(): CatchUp | null {
    return this.result;
  }

  /** What the model has not been told yet; it counts as told once returned (the caller writes it). */
  async notes(): Promise<NewRecord[]> {
    await this.ready;
    await this.stale.settled();
    const notes: NewRecord[] = [];
    if (this.result !== null && !this.catchUpTold) {
      this.catchUpTold = true;
      notes.push(catchUpNote(this.result));
      this.stale.markTold(this.result.readFilesChanged);
    }
    const untold = this.stale.takeUntold();
    if (untold.length > 0) notes.push(filesChangedNote(untold));
    return notes;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ready;
    for (const off of this.offs.splice(0)) off();
    await this.watching;
    await this.stale.settled();
    await this.lease?.release();
    await this.saveBaselines();
  }

  private async start(): Promise<void> {
    const dir = this.session.projectDir;
    const records = (): readonly SessionRecord[] => this.session.records();
    // Read before the first await: by then a `-p` turn has written its user message, which is not "the last message".
    const last = this.session.catchUp ? lastMessage(records()) : null;
    const replyCutOff = this.session.writerDied && last !== null && replyMissing(last);
    const dirMissing = !(await isDirectory(dir));
    const read = filesRead(records(), dir);
    await this.stale.load(read, await this.savedBaselines());
    if (!dirMissing) this.watchLater();
    if (last === null) return;
    const changes = dirMissing ? null : await changesSince(dir, last.at, this.deps.env, lastHead(records()));
    const catchUp: CatchUp = {
      since: last.at,
      projectDir: dir,
      dirMissing,
      commits: changes?.commits ?? [],
      commitCount: changes?.commitCount ?? 0,
      filesChanged: changes?.files ?? [],
      filesChangedCount: changes?.fileCount ?? 0,
      readFilesChanged: this.stale.list(),
      problem: changes?.problem ?? null,
      replyCutOff,
    };
    if (!catchUpMatters(catchUp)) return;
    this.result = catchUp;
    this.deps.bus.emit('session.catchUp', { sessionId: this.session.id, catchUp });
  }

  /** Starts the watcher WATCH_AFTER_MS after opening once no turn runs, or at a tool call (see there). */
  private watchLater(): void {
    const { id } = this.session;
    const offs: Array<() => void> = [];
    let due = false;
    const timer = setTimeout(() => {
      due = true;
      if (!this.session.busy()) start();
    }, WATCH_AFTER_MS);
    timer.unref();
    const start = (): void => {
      clearTimeout(timer);
      for (const off of offs.splice(0)) off();
      this.watch();
    };
    const mine = (event: { sessionId: string }): boolean => event.sessionId === id;
    offs.push(this.deps.bus.on('turn.toolCall', (event) => (mine(event) ? start() : undefined)));
    for (const name of ENDED)
      offs.push(this.deps.bus.on(name, (event) => (mine(event) && due ? start() : undefined)));
    this.offs.push(start);
  }

  private watch(): void {
    const dir = this.session.projectDir;
    if (this.closed || this.lease !== null) return;
    this.lease = this.deps.watchers.acquire(dir, this.session.projectId);
    this.offs.push(this.lease.onChange((paths) => this.changed(paths)));
    this.lease.watchFiles(this.stale.tracked().map((rel) => path.join(dir, rel)));
    this.watching = this.stale.recheckAll();
  }

  private baselineFile(): string {
    return path.join(this.deps.dataDir, 'cache', 'project', `${this.session.id}.json`);
  }

  private async savedBaselines(): Promise<Record<string, SavedBaseline>> {
    let text: string;
    try {
      text = await readFile(this.baselineFile(), 'utf8');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return {};
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      // A damaged cache is an empty one: modification times decide instead.
      this.warn(this.baselineFile(), error);
      return {};
    }
    return recordOf(parsed, isSavedBaseline) ?? {};
  }

  /** A cache: when it cannot be written, the next resume falls back to modification times. */
  private async saveBaselines(): Promise<void> {
    const file = this.baselineFile();
    try {
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      await replaceFile(file, JSON.stringify(this.stale.baselines()), { flush: false });
    } catch (error) {
      this.warn(file, error);
    }
  }

  private changed(paths: readonly string[]): void {
    for (const file of paths) {
      const rel = path.relative(this.session.projectDir, file);
      if (this.stale.tracks(rel)) void this.stale.recheck(rel);
    }
  }

  private warn(file: string, error: unknown): void {
    this.deps.bus.emit('store.warning', {
      warning: {
        kind: 'storeIssue',
        path: file,
        message: `Cannot follow changes in the project: ${getErrorMessage(error)}`,
      },
    });
  }
}

/** The last message (not a note of octo's): what "since the session's last turn" counts from. */
function lastMessage(records: readonly SessionRecord[]): MessageRecord | null {
  for (let i = records.length - 1; i >= 0; i -= 1) {
    const record = records[i];
    if (record?.kind === 'message' && record.notice === undefined) return record;
  }
  return null;
}

/** The HEAD commit stored with the newest message that has one (git projects). */
function lastHead(records: readonly SessionRecord[]): string | null {
  for (let i = records.length - 1; i >= 0; i -= 1) {
    const record = records[i];
    if (record?.kind === 'message' && typeof record.head === 'string') return record.head;
  }
  return null;
}

/**
 * A turn that never wrote its final reply ends on the user's message or a tool result; one whose
 * stream broke ends on a partial reply marked interrupted.
 */
function replyMissing(last: MessageRecord): boolean {
  return (
    last.role === 'user' || last.role === 'tool' || (last.role === 'assistant' && last.interrupted === true)
  );
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return false;
    throw error;
  }
}

function isSavedBaseline(value: unknown): value is SavedBaseline {
  if (typeof value === 'string') return true;
  if (typeof value !== 'object' || value === null) return false;
  const { signature, size, mtimeMs, hashedAt } = value as Record<string, unknown>;
  return (
    typeof signature === 'string' &&
    typeof size === 'number' &&
    typeof mtimeMs === 'number' &&
    typeof hashedAt === 'number'
  );
}
