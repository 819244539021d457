import { access, constants, lstat, readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode, getErrorMessage } from '../errors.js';
import { plural } from '../text/index.js';
import type { StoreContext } from './context.js';
import { readSummaries } from './index-file.js';
import { DIR_MODE, FILE_MODE, ioReason } from './io.js';
import { parseNedbFile } from './line-parser.js';
import { tightenMode } from './permissions.js';
import { checkRecordDoc, listSessionFiles, type SessionFileEntry } from './session-file.js';
import { currentHolder, diedHere, readOwner } from './session-lock.js';
import type { DoctorReport } from './types.js';

type Check = DoctorReport['checks'][number];

const LOCK_SUFFIX = '.db.lock';

/** `octo doctor`: what is wrong with the data folder, fixing only what is safe (permissions). */
export async function runDoctor(ctx: StoreContext): Promise<DoctorReport> {
  const dataDir = ctx.layout.dataDir;
  const folder = await checkDataDir(dataDir);
  if (folder.state !== 'usable') return { ok: folder.check.ok, dataDir, sessions: 0, checks: [folder.check] };
  const files = await listSessionFiles(ctx.layout);
  const checks = [
    folder.check,
    await guarded('permissions', () => checkPermissions(ctx)),
    await guarded('session files', () => checkSessionFiles(files)),
    await guarded('locks', () => checkLocks(ctx)),
    await guarded('index', () => checkIndex(ctx, files)),
  ];
  return { ok: checks.every((c) => c.ok), dataDir, sessions: files.length, checks };
}

async function checkDataDir(dir: string): Promise<{ state: 'missing' | 'broken' | 'usable'; check: Check }> {
  const name = 'data folder';
  try {
    if (!(await stat(dir)).isDirectory())
      return { state: 'broken', check: { name, ok: false, detail: `${dir}: not a directory` } };
    await access(dir, constants.W_OK);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') {
      return {
        state: 'missing',
        check: { name, ok: true, detail: `${dir} does not exist yet; it is made on first use` },
      };
    }
    return { state: 'broken', check: { name, ok: false, detail: `${dir}: ${ioReason(error)}` } };
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

async function checkSessionFiles(files: SessionFileEntry[]): Promise<Check> {
  const problems: string[] = [];
  for (const file of files) {
    const parsed = parseNedbFile(await readFile(file.path), checkRecordDoc);
    if (parsed.corrupt !== null) {
      problems.push(`${file.path} is damaged at line ${parsed.corrupt.line} (${parsed.corrupt.reason})`);
    } else if (parsed.torn !== null) {
      problems.push(
        `${file.path} has a torn last line ${parsed.torn.line}, set aside when the session is next opened`,
      );
    }
  }
  const detail = problems.length === 0 ? `${plural(files.length, 'session file')} read` : problems.join('; ');
  return { name: 'session files', ok: problems.length === 0, detail };
}

async function checkLocks(ctx: StoreContext): Promise<Check> {
  const stale: string[] = [];
  const live: string[] = [];
  const entries = await readdir(ctx.layout.sessionsDir, { withFileTypes: true }).catch((error: unknown) => {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  });
  for (const entry of entries.filter((e) => e.isDirectory() && e.name.endsWith(LOCK_SUFFIX))) {
    const id = entry.name.slice(0, -LOCK_SUFFIX.length);
    const file = ctx.layout.sessionPath(id);
    const ownerFile = ctx.layout.ownerPath(id);
    const holder = await currentHolder(file, ownerFile, ctx);
    if (holder !== null) {
      live.push(`${id} is open in process ${holder.pid} since ${holder.since}`);
      continue;
    }
    const owner = await readOwner(ownerFile);
    const who =
      owner === null
        ? 'an unknown process'
        : `process ${owner.pid}${diedHere(owner, ctx.host) ? ' (dead)' : ''}`;
    stale.push(`${id} has a stale lock left by ${who}; it is taken over when the session is next opened`);
  }
  const detail = [...stale, ...live].join('; ') || 'no session is locked';
  return { name: 'locks', ok: stale.length === 0, detail };
}

async function checkIndex(ctx: StoreContext, files: SessionFileEntry[]): Promise<Check> {
  const indexed = new Set((await readSummaries(ctx.layout)).map((s) => s.id));
  const onDisk = new Set(files.map((f) => f.id));
  const missing = [...onDisk].filter((id) => !indexed.has(id));
  const extra = [...indexed].filter((id) => !onDisk.has(id));
  if (missing.length === 0 && extra.length === 0) {
    return { name: 'index', ok: true, detail: `${plural(indexed.size, 'session')} indexed` };
  }
  const parts = [
    missing.length > 0 ? `not indexed: ${missing.join(', ')}` : '',
    extra.length > 0 ? `indexed without a file: ${extra.join(', ')}` : '',
  ].filter((p) => p !== '');
  return { name: 'index', ok: false, detail: `${parts.join('; ')}; run \`octo doctor --reindex\`` };
}

/** One failing check is a finding to report, not a reason to stop the others. */
async function guarded(name: string, run: () => Promise<Check>): Promise<Check> {
  try {
    return await run();
  } catch (error) {
    return { name, ok: false, detail: getErrorMessage(error) };
  }
}
