import { hostname } from 'node:os';
import path from 'node:path';
import { rm, stat } from 'node:fs/promises';
import { OctoError, errnoCode, getErrorMessage } from '../errors.js';
import type { Clock } from '../deps.js';
import { ZERO_USAGE, type SessionSummary } from './records.js';
import { indexPrepareContext, type StoreContext } from './context.js';
import { ensureDataDirs } from './data-dir.js';
import { deleteSession } from './delete-session.js';
import { runDoctor } from './doctor.js';
import { watchNames } from './file-watch.js';
import { deleteSummary, upsertSummary } from './index-file.js';
import { healedOnDamage, healedSummaries, listSummaries } from './index-heal.js';
import { withIndexLock } from './index-lock.js';
import { StoreIo, readError, saveError, type StoreFaults } from './io.js';
import { StoreLayout, assertSafeId, newSessionId } from './layout.js';
import { assertSessionName } from './names.js';
import { indexedWriter } from './indexed-writer.js';
import { reindexSessions, type IndexSummaryOf } from './reindex.js';
import { readSessionFile } from './session-file.js';
import { acquireSessionLock, currentHolder } from './session-lock.js';
import { NedbSessionWriter } from './session-writer.js';
import type {
  OctoPaths,
  RecordRebuild,
  RecordSink,
  ResumeHint,
  SessionStore,
  SessionWriter,
  StoreWarning,
} from './types.js';
import { WarningSink } from './warnings.js';

export interface SessionStoreOptions {
  paths: OctoPaths;
  clock: Clock;
  /** Written into lock owner files. */
  pid: number;
  /** Defaults to this machine's name; a dead pid can only be recognised on the same host. */
  host?: string;
  /** A lock not refreshed for this long is taken over (proper-lockfile enforces at least 2 s). */
  staleLockMs?: number;
  faults?: StoreFaults;
  /** Receives each warning as it happens; without it they wait for `drainWarnings`. */
  onWarning?: (warning: StoreWarning) => void;
  /**
   * How a session's records become its index summary (the session domain's rule). With it the store
   * rebuilds a lost, damaged or incomplete index.db by itself (docs/faults.md row 35); without it (tests of
   * the store alone) such an index is an error naming `octo doctor --reindex`.
   */
  summarize?: IndexSummaryOf;
  /**
   * Fed every record written, and every session's records on a rebuild: the search domain's index, given
   * by the composition root. Without it (tests of the store alone) records feed nothing.
   */
  sink?: RecordSink;
}

type CreateInit = Parameters<SessionStore['create']>[0];

/** proper-lockfile refreshes a held lock every half of this, so only a stopped holder lets it age. */
const DEFAULT_STALE_LOCK_MS = 10_000;
/** A sink that keeps nothing: the store without a search index. */
const NO_SINK: RecordSink = {
  add: () => Promise.resolve(),
  sessionClosed: () => Promise.resolve(),
  rebuild: (): Promise<RecordRebuild> =>
    Promise.resolve({
      add: () => Promise.resolve(),
      finish: () => Promise.resolve(),
      abort: () => Promise.resolve(),
    }),
};
/** Fresh ids collide with odds of 2^-60; a few attempts only guard against a broken random source. */
const ID_ATTEMPTS = 5;

/** The NeDB-backed store (docs/architecture.md "Data"): index, session files, locks, repair and permissions. */
export function createSessionStore(options: SessionStoreOptions): SessionStore {
  const warnings = new WarningSink(options.onWarning);
  const ctx: StoreContext = {
    layout: new StoreLayout(options.paths.data),
    pid: options.pid,
    host: options.host ?? hostname(),
    staleLockMs: options.staleLockMs ?? DEFAULT_STALE_LOCK_MS,
    clock: options.clock,
    io: new StoreIo(options.faults),
    warnings,
    sink: options.sink ?? NO_SINK,
  };
  const watchFailed = (file: string) => (error: Error) =>
    warnings.push({ kind: 'storeIssue', path: file, message: `Stopped following changes: ${error.message}` });
  const underIndexLock = async <T>(update: () => Promise<T>): Promise<T> => {
    await ensureDataDirs(ctx);
    return withIndexLock(ctx.layout, ctx, update);
  };
  return {
    paths: options.paths,
    list: () => listSummaries(ctx, options.summarize),
    create: (init) => createSession(ctx, init, options.summarize),
    openWriter: (id, openOptions) => openWriter(ctx, id, openOptions?.resumeFrom),
    openReadOnly: async (id) => {
      const records = await readSessionFile(ctx.layout, id);
      const file = ctx.layout.sessionPath(id);
      return { id, records, holder: await currentHolder(file, ctx.layout.ownerPath(id), ctx) };
    },
    readRecords: (id) => readSessionFile(ctx.layout, id),
    putSummary: (summary) =>
      underIndexLock(() =>
        healedOnDamage(ctx, options.summarize, () =>
          upsertSummary(ctx.layout, indexPrepareContext(ctx), { ...summary, id: assertSafeId(summary.id) }),
        ),
      ),
    removeSummary: (id) =>
      underIndexLock(() =>
        healedOnDamage(ctx, options.summarize, () => deleteSummary(ctx.layout, indexPrepareContext(ctx), id)),
      ),
    reindex: (indexSummary) => reindexSessions(ctx, indexSummary),
    mediaDir: (id) => ctx.layout.mediaDir(id),
    sessionFile: (id) => ctx.layout.sessionPath(id),
    watchSession: async (id, onChange) => {
      await ensureDataDirs(ctx);
      const file = ctx.layout.sessionPath(id);
      return watchNames(
        ctx.layout.sessionsDir,
        [path.basename(file), `${path.basename(file)}~`],
        onChange,
        watchFailed(file),
      );
    },
    watchHolder: async (id, onChange) => {
      await ensureDataDirs(ctx);
      const file = ctx.layout.sessionPath(id);
      const names = [`${path.basename(file)}.lock`, path.basename(ctx.layout.ownerPath(id))];
      return watchNames(ctx.layout.sessionsDir, names, onChange, watchFailed(file));
    },
    holder: (id) => currentHolder(ctx.layout.sessionPath(id), ctx.layout.ownerPath(id), ctx),
    watchIndex: async (onChange) => {
      await ensureDataDirs(ctx);
      return watchNames(
        ctx.layout.dataDir,
        ['index.db', 'index.db~'],
        onChange,
        watchFailed(ctx.layout.indexPath),
      );
    },
    deleteSession: (id) => deleteSession(ctx, id),
    assertWritable: () => ensureDataDirs(ctx),
    doctor: (doctorOptions) => runDoctor(ctx, { clean: doctorOptions?.clean === true }),
    drainWarnings: () => ctx.warnings.drain(),
  };
}

async function openWriter(ctx: StoreContext, id: string, resumeFrom?: ResumeHint): Promise<SessionWriter> {
  const file = ctx.layout.sessionPath(id);
  await ensureDataDirs(ctx);
  try {
    await stat(file);
  } catch (error) {
    // Checked before NeDB runs: NeDB would create a missing file, or adopt a stray `<id>.db~` as the session.
    if (errnoCode(error) === 'ENOENT')
      throw new OctoError('session_not_found', `No session file ${file}.`, { cause: error });
    throw readError(file, error);
  }
  return openLocked(ctx, id, resumeFrom);
}

async function openLocked(ctx: StoreContext, id: string, resumeFrom?: ResumeHint): Promise<SessionWriter> {
  const lock = await acquireSessionLock(ctx.layout.sessionPath(id), ctx.layout.ownerPath(id), id, ctx);
  try {
    return indexedWriter(await NedbSessionWriter.open(id, lock, ctx, resumeFrom), ctx.sink);
  } catch (error) {
    await lock.release().catch((releaseError: unknown) => issue(ctx, ctx.layout.lockPath(id), releaseError));
    throw error;
  }
}

/**
 * Creates a session under the index lock, so that of two processes creating the same name at the
 * same moment one wins and the other gets `session_exists` (docs/faults.md row 10).
 */
async function createSession(
  ctx: StoreContext,
  init: CreateInit,
  summarize: IndexSummaryOf | undefined,
): Promise<SessionWriter> {
  assertSessionName(init.name);
  await ensureDataDirs(ctx);
  return withIndexLock(ctx.layout, ctx, async () => {
    // A name is taken once: checked against an index that covers every session file.
    const summaries = await healedSummaries(ctx, summarize);
    const taken = summaries.some((s) => s.name === init.name && s.trashedAt === null);
    if (taken) {
      throw new OctoError('session_exists', `A session named ${init.name} already exists.`, {
        details: { name: init.name },
      });
    }
    const id = await createEmptyFile(ctx);
    let writer: SessionWriter | undefined;
    try {
      writer = await openLocked(ctx, id);
      const { name, projectDir, projectId, model, parentId, projectGroup } = init;
      const first = await writer.append({
        kind: 'command',
        command: 'create',
        id,
        name,
        projectDir,
        projectId,
        model,
        ...(parentId === undefined ? {} : { parentId }),
        ...(projectGroup === undefined ? {} : { projectGroup }),
      });
      await upsertSummary(ctx.layout, indexPrepareContext(ctx), initialSummary(id, init, first.at));
      return writer;
    } catch (error) {
      await writer?.close();
      // Leave no half-made session behind: a file with no index entry would reappear on reindex.
      await rm(ctx.layout.sessionPath(id), { force: true }).catch((rmError: unknown) =>
        issue(ctx, ctx.layout.sessionPath(id), rmError),
      );
      throw error;
    }
  });
}

async function createEmptyFile(ctx: StoreContext): Promise<string> {
  for (let attempt = 0; attempt < ID_ATTEMPTS; attempt += 1) {
    const id = newSessionId();
    const file = ctx.layout.sessionPath(id);
    try {
      await ctx.io.writeNew(file, '');
      return id;
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw saveError(file, error);
    }
  }
  throw new OctoError('internal', `Could not find a free session id in ${ctx.layout.sessionsDir}.`);
}

/** What `indexSummary` makes of the create record alone; `order` is set by the index. */
function initialSummary(id: string, init: CreateInit, at: string): SessionSummary {
  return {
    id,
    name: init.name,
    title: '',
    projectId: init.projectId,
    projectDir: init.projectDir,
    createdAt: at,
    updatedAt: at,
    order: 0,
    model: init.model,
    messageCount: 0,
    tokens: { ...ZERO_USAGE },
    cost: null,
    costIncomplete: false,
    contextTokens: 0,
    lastPreview: '',
    trashedAt: null,
    ...(init.parentId === undefined ? {} : { parentId: init.parentId }),
    ...(init.projectGroup === undefined ? {} : { projectGroup: init.projectGroup }),
  };
}

function issue(ctx: StoreContext, path: string, error: unknown): void {
  ctx.warnings.push({ kind: 'storeIssue', path, message: getErrorMessage(error) });
}
