import { access, constants, lstat, readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode, getErrorMessage } from '../errors.js';
import { plural } from '../text/index.js';
import type { SessionSummary } from './records.js';
import type { StoreContext } from './context.js';
import { readIndexState } from './index-read.js';
import { withIndexLock } from './index-lock.js';
import { DIR_MODE, FILE_MODE, ioReason } from './io.js';
import { findLeftovers, removeLeftover, type Leftover } from './leftovers.js';
import { checkRecordDoc, listSessionFiles, type SessionFileEntry } from './session-file.js';
import { parseNedbFile } from './line-parser.js';
import { tightenMode } from './permissions.js';
import { currentHolder } from './session-lock.js';
import type { DoctorReport } from './types.js';

type Check = DoctorReport['checks'][number];

export interface DoctorOptions {
  /** Remove the leftovers that are safe to remove (see leftovers.ts). */
  clean: boolean;
}

/**
 * `octo doctor`: what is wrong with the data folder, told as it is. It fixes only what is safe:
 * permissions, and with `clean` the leftovers of interrupted work. A folder that cannot be written is
 * still read, so its sessions are counted and checked.
 */
export async function runDoctor(ctx: StoreContext, options: DoctorOptions): Promise<DoctorReport> {
  const dataDir = ctx.layout.dataDir;
  const folder = await checkDataDir(dataDir);
  const empty = { dataDir, sessions: 0, cleanable: [], cleaned: [] };
  if (folder.state === 'missing') return { ...empty, ok: true, checks: [folder.check] };
  if (folder.state === 'broken') return { ...empty, ok: false, sessions: null, checks: [folder.check] };
  const files = await listSessionFiles(ctx.layout);
  // A damaged index is the index check's finding; the others go on without its names.
  const summaries = await readIndexState(ctx.layout, false).then(
    (state) => state.summaries,
    () => [],
  );
  const found = await guardedValue(() => findLeftovers(ctx, summaries));
  const cleaned =
    options.clean && folder.state === 'usable' && Array.isArray(found) ? await clean(ctx, found) : [];
  const remaining = cleaned.length > 0 ? await guardedValue(() => findLeftovers(ctx, summaries)) : found;
  const checks = [
    folder.check,
    await guarded('permissions', () => checkPermissions(ctx)),
    await guarded('session files', () => checkSessionFiles(files, summaries)),
    await guarded('locks', () => checkLocks(ctx, files)),
    leftoversCheck(remaining, cleaned.length),
    await guarded('index', () => checkIndex(ctx)),
  ];
  return {
    ok: checks.every((c) => c.ok),
    dataDir,
    sessions: files.length,
    checks,
    cleanable: Array.isArray(remaining) ? remaining.map((l) => l.path) : [],
    cleaned,
  };
}

type FolderState = 'missing' | 'broken' | 'readOnly' | 'usable';

async function checkDataDir(dir: string): Promise<{ state: FolderState; check: Check }> {
  const name = 'data folder';
  try {
    if (!(await stat(dir)).isDirectory())
      return { state: 'broken', check: { name, ok: false, detail: `${dir}: not a directory` } };
    await access(dir, constants.R_OK | constants.X_OK);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') {
      return {
        state: 'missing',
        check: { name, ok: true, detail: `${dir} does not exist yet; it is made on first use` },
      };
    }
    return { state: 'broken', check: { name, ok: false, detail: `${dir}: ${ioReason(error)}` } };
  }
  try {
    await access(dir, constants.W_OK);
  } catch (error) {
    const detail = `${dir} cannot be written (${ioReason(error)}): octo can show sessions but save nothing`;
    return { state: 'readOnly', check: { name, ok: false, detail } };
  }
  return { state: 'usable', check: { name, ok: true, detail: `${dir} is writable` } };
}

/** Every folder 0700 and file 0600, all the way down; lock folders included. */
async function checkPermissions(ctx: StoreContext): Promise<Check> {
  let tightened = 0;
  const visit = async (target: string): Promise<void> => {
    const info = await lstat(target);
    // A symlink's own mode means nothing, and following it could leave the data folder.
    if (info.isSymbolicLink()) return;
    const isDir = info.isDirectory();
    if (await tightenMode(target, isDir ? DIR_MODE : FILE_MODE, ctx.warnings)) tightened += 1;
    if (isDir) for (const entry of await readdir(target)) await visit(path.join(target, entry));
  };
  await visit(ctx.layout.dataDir);
  const detail =
    tightened === 0 ? 'folders 0700, files 0600' : `tightened ${plural(tightened, 'path')} to 0700/0600`;
  return { name: 'permissions', ok: true, detail };
}

/** Damaged lines, torn tails and emptied files, each named with its path (every line checked in full). */
async function checkSessionFiles(
  files: SessionFileEntry[],
  summaries: readonly SessionSummary[],
): Promise<Check> {
  const names = new Map(summaries.map((s) => [s.id, s]));
  const problems: string[] = [];
  for (const file of files) {
    const data = await readFile(file.path);
    const known = names.get(file.id);
    if (data.length === 0) {
      // A session never created is a leftover (see leftovers.ts); one with a name lost its history.
      if (known !== undefined && known.name !== file.id)
        problems.push(
          `${file.path} is empty: the history of ${known.name} is lost; it opens as an empty session`,
        );
      continue;
    }
    const parsed = parseNedbFile(data, checkRecordDoc);
    if (parsed.corrupt !== null) {
      problems.push(
        `${file.path} is damaged at line ${parsed.corrupt.line} (${parsed.corrupt.reason}); that session is refused until the line is mended or removed`,
      );
    } else if (parsed.torn !== null) {
      problems.push(
        `${file.path} has a torn last line ${parsed.torn.line}, set aside when the session is next opened`,
      );
    }
  }
  const detail = problems.length === 0 ? `${plural(files.length, 'session file')} read` : problems.join('; ');
  return { name: 'session files', ok: problems.length === 0, detail };
}

/** Sessions open in other processes right now (stale locks are leftovers). */
async function checkLocks(ctx: StoreContext, files: SessionFileEntry[]): Promise<Check> {
  const live: string[] = [];
  for (const file of files) {
    const holder = await currentHolder(file.path, ctx.layout.ownerPath(file.id), ctx);
    if (holder !== null) live.push(`${file.id} is open in process ${holder.pid} since ${holder.since}`);
  }
  return { name: 'locks', ok: true, detail: live.join('; ') || 'no session is open elsewhere' };
}

function leftoversCheck(found: Leftover[] | string, cleaned: number): Check {
  const name = 'leftovers';
  if (typeof found === 'string') return { name, ok: false, detail: found };
  const removed = cleaned > 0 ? `removed ${plural(cleaned, 'leftover')}` : '';
  if (found.length === 0) return { name, ok: true, detail: removed === '' ? 'none' : removed };
  const list = found.map((l) => `${l.path} (${l.what})`).join('; ');
  const advice = '`octo doctor --clean` removes them safely';
  return { name, ok: false, detail: [removed, list, advice].filter((p) => p !== '').join('; ') };
}

/** Removes leftovers, each checked again at the moment (under the index lock: creations wait). */
async function clean(ctx: StoreContext, found: readonly Leftover[]): Promise<string[]> {
  if (found.length === 0) return [];
  return withIndexLock(ctx.layout, ctx, async () => {
    const now = await findLeftovers(ctx, (await readIndexState(ctx.layout, false)).summaries, true);
    const still = now.filter((l) => found.some((f) => f.path === l.path));
    for (const leftover of still) await removeLeftover(leftover);
    return still.map((l) => l.path);
  });
}

async function checkIndex(ctx: StoreContext): Promise<Check> {
  const state = await readIndexState(ctx.layout);
  if (state.problem === null) {
    return { name: 'index', ok: true, detail: `${plural(state.summaries.length, 'session')} indexed` };
  }
  return {
    name: 'index',
    ok: false,
    detail: `${ctx.layout.indexPath}: ${state.problem}; it is rebuilt from the session files on the next use, or now by \`octo doctor --reindex\``,
  };
}

/** One failing check is a finding to report, not a reason to stop the others. */
async function guarded(name: string, run: () => Promise<Check>): Promise<Check> {
  try {
    return await run();
  } catch (error) {
    return { name, ok: false, detail: getErrorMessage(error) };
  }
}

async function guardedValue<T>(run: () => Promise<T>): Promise<T | string> {
  try {
    return await run();
  } catch (error) {
    return getErrorMessage(error);
  }
}
