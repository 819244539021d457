/**
 * What interrupted work leaves in the data folder (a full disk, kill -9): temp files of writes that
 * never finished, lock owner files and lock folders of processes that are gone, and empty files of
 * sessions that were never created. None of it is a session; all of it is safe to remove once no live
 * process holds the lock it belongs to. `octo doctor` reports them and `octo doctor --clean` removes them.
 */
import { readdir, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { errnoCode } from '../errors.js';
import type { SessionSummary } from './records.js';
import type { StoreContext } from './context.js';
import { readError, saveError } from './io.js';
import { lockFs } from '../lock-fs.js';
import { INDEX_STALE_MS } from './index-lock.js';
import { currentHolder, diedHere, readOwner } from './session-lock.js';

export interface Leftover {
  path: string;
  /** What it is, for the report ("an unfinished write", "a stale lock left by process 12"). */
  what: string;
  /** Files to remove; a stale lock folder is removed only if still the one judged (its time). */
  remove: { files: string[]; lockDir?: { path: string; mtimeMs: number } };
}

const TEMP_SUFFIX = '~';
const OWNER_SUFFIX = '.owner.json';
const LOCK_SUFFIX = '.db.lock';
const SESSION_SUFFIX = '.db';

/**
 * Leftovers in `<data>/sessions` and `<data>` (index.db's temp file), never a live process's files.
 * `holdingIndexLock`: the caller holds the index lock, so index.db's temp file is nobody's.
 */
export async function findLeftovers(
  ctx: StoreContext,
  summaries: readonly SessionSummary[],
  holdingIndexLock = false,
): Promise<Leftover[]> {
  const names = await listNames(ctx.layout.sessionsDir);
  const live = new Map<string, boolean>();
  const isHeld = async (id: string): Promise<boolean> => {
    let held = live.get(id);
    if (held === undefined) {
      held = (await currentHolder(ctx.layout.sessionPath(id), ctx.layout.ownerPath(id), ctx)) !== null;
      live.set(id, held);
    }
    return held;
  };
  const indexed = new Map(summaries.map((s) => [s.id, s]));
  const found: Leftover[] = [];
  for (const name of names) {
    const file = path.join(ctx.layout.sessionsDir, name);
    const id = idOf(name, ctx);
    if (id === null || (await isHeld(id))) continue;
    if (name.endsWith(TEMP_SUFFIX)) {
      found.push({
        path: file,
        what: 'the temp file of a write that never finished',
        remove: { files: [file] },
      });
    } else if (name.endsWith(LOCK_SUFFIX)) {
      found.push(await staleLock(ctx, id, file));
    } else if (name.endsWith(OWNER_SUFFIX) && !names.includes(`${id}${LOCK_SUFFIX}`)) {
      const owner = await readOwner(file);
      const who = owner === null ? 'a process' : `process ${owner.pid}`;
      found.push({
        path: file,
        what: `the lock owner file of ${who}, without its lock`,
        remove: { files: [file] },
      });
    } else if (name.endsWith(SESSION_SUFFIX) && (await neverCreated(file, indexed.get(id)))) {
      found.push({
        path: file,
        what: 'the empty file of a session that was never created',
        remove: { files: [file] },
      });
    }
  }
  const indexTemp = `${ctx.layout.indexPath}${TEMP_SUFFIX}`;
  if ((await exists(indexTemp)) && (holdingIndexLock || !(await indexLocked(ctx)))) {
    found.push({
      path: indexTemp,
      what: 'the temp file of an index write that never finished',
      remove: { files: [indexTemp] },
    });
  }
  return found;
}

/** Removes what findLeftovers found (the caller has checked again that nothing live holds it). */
export async function removeLeftover(leftover: Leftover): Promise<void> {
  try {
    for (const file of leftover.remove.files) await rm(file, { force: true });
    const dir = leftover.remove.lockDir;
    // A new lock taken meanwhile has a new time: it is not this one, and stays.
    if (dir !== undefined && (await stat(dir.path)).mtimeMs === dir.mtimeMs) await rmdir(dir.path);
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw saveError(leftover.path, error);
  }
}

/** The session id a name in sessions/ belongs to (`x.db`, `x.db~`, `x.owner.json`, `x.db.lock`, ...). */
function idOf(name: string, ctx: StoreContext): string | null {
  const base = name.endsWith(TEMP_SUFFIX) ? name.slice(0, -TEMP_SUFFIX.length) : name;
  for (const suffix of [SESSION_SUFFIX, OWNER_SUFFIX, LOCK_SUFFIX]) {
    if (base.endsWith(suffix))
      return ctx.layout.idOfFile(`${base.slice(0, -suffix.length)}${SESSION_SUFFIX}`);
  }
  return null;
}

async function staleLock(ctx: StoreContext, id: string, dir: string): Promise<Leftover> {
  const ownerFile = ctx.layout.ownerPath(id);
  const owner = await readOwner(ownerFile);
  const who =
    owner === null
      ? 'a process that never said who it was'
      : `process ${owner.pid}${diedHere(owner, ctx.host) ? ' (dead)' : ''}`;
  const { mtimeMs } = await stat(dir);
  return {
    path: dir,
    what: `a stale lock left by ${who}; it would be taken over when the session is next opened`,
    remove: { files: [ownerFile], lockDir: { path: dir, mtimeMs } },
  };
}

/** Zero bytes, and the index knows it by nothing but its id (no name, no message): never created. */
async function neverCreated(file: string, summary: SessionSummary | undefined): Promise<boolean> {
  if ((await stat(file)).size > 0) return false;
  return summary === undefined || (summary.name === summary.id && summary.messageCount === 0);
}

async function indexLocked(ctx: StoreContext): Promise<boolean> {
  return lockfile.check(ctx.layout.indexPath, {
    lockfilePath: ctx.layout.indexLockPath,
    stale: INDEX_STALE_MS,
    realpath: false,
    fs: lockFs,
  });
}

async function listNames(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw readError(dir, error);
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw readError(file, error);
  }
}
