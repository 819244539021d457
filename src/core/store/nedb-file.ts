import { readFile, rm, truncate } from 'node:fs/promises';
import Datastore from 'nedb-promises';
import { OctoError, errnoCode } from '../errors.js';
import { DIR_MODE, FILE_MODE, type StoreIo } from './io.js';
import { tightenFile } from './permissions.js';
import type { WarningSink } from './warnings.js';
import {
  escapeLineSeparators,
  parseNedbFile,
  serializeLine,
  type DocCheck,
  type ParsedNedbFile,
} from './line-parser.js';

export type NedbStore = Datastore<{ _id: string }>;

/** Attempts at a free `.torn-<time>` name when the clock repeats itself (fixed test clocks, jumps). */
const TORN_NAME_ATTEMPTS = 100;

/**
 * A NeDB datastore that never loads by itself and never compacts on a timer (invariant 6). Its hooks
 * escape the characters NeDB's line reader would split on, and run the fault seam before each line.
 */
export function openNedb(file: string, io: StoreIo): NedbStore {
  const options = {
    filename: file,
    autoload: false,
    // A corrupt line must stop NeDB, never be dropped and rewritten away; files are checked before anyway.
    corruptAlertThreshold: 0,
    // Supported by @seald-io/nedb, missing from nedb-promises' typings; it covers files NeDB rewrites.
    modes: { fileMode: FILE_MODE, dirMode: DIR_MODE },
    afterSerialization: (line: string): string => {
      io.beforeWrite();
      return escapeLineSeparators(line);
    },
    beforeDeserialization: (line: string): string => line,
  };
  return Datastore.create(options);
}

export interface PrepareContext {
  io: StoreIo;
  warnings: WarningSink;
  /** Milliseconds since the epoch, for the name of a set-aside torn tail. */
  now: number;
  onTorn(setAsidePath: string, bytes: number): void;
}

/**
 * Loads an existing NeDB file only after checking it (see prepareNedbFile). NeDB's load rewrites the
 * file (its compaction), so the checked contents are also what ends up on disk.
 */
export async function loadCheckedNedb(
  file: string,
  check: DocCheck,
  ctx: PrepareContext,
): Promise<{ db: NedbStore; parsed: ParsedNedbFile }> {
  await tightenFile(file, ctx.warnings);
  // NeDB's own temp file: stale while the main file exists, and NeDB would reuse it with its old mode.
  await rm(`${file}~`, { force: true });
  const parsed = await prepareNedbFile(file, check, ctx);
  const db = openNedb(file, ctx.io);
  await db.load();
  await tightenFile(file, ctx.warnings);
  return { db, parsed };
}

/**
 * Makes a file safe for NeDB to load (it rewrites what it loads): a torn last line is moved into
 * `<file>.torn-<time>` and cut off (FAULTS.md row 1), damage elsewhere refuses the file untouched
 * (row 2), and lines NeDB would split are re-escaped. Returns what the file holds.
 */
export async function prepareNedbFile(
  file: string,
  check: DocCheck,
  ctx: PrepareContext,
): Promise<ParsedNedbFile> {
  const data = await readFile(file);
  const parsed = parseNedbFile(data, check);
  if (parsed.corrupt !== null) throw corruptFileError(file, parsed.corrupt.line, parsed.corrupt.reason);
  if (parsed.torn !== null) {
    const tail = data.subarray(parsed.torn.offset);
    const setAside = await writeTornTail(file, tail, ctx);
    await truncate(file, parsed.torn.offset);
    await ctx.io.syncFile(file);
    ctx.onTorn(setAside, tail.length);
  }
  if (parsed.needsRewrite)
    await ctx.io.writeAtomic(file, parsed.docs.map((d) => `${serializeLine(d)}\n`).join(''));
  return parsed;
}

export function corruptFileError(file: string, line: number, reason: string): OctoError {
  return new OctoError(
    'session_corrupt',
    `${file} is damaged at line ${line} (${reason}); it was left unchanged.`,
    {
      details: { path: file, line, reason },
    },
  );
}

async function writeTornTail(file: string, tail: Buffer, ctx: PrepareContext): Promise<string> {
  const stamp = new Date(ctx.now).toISOString().replace(/[:.]/g, '-');
  for (let attempt = 0; attempt < TORN_NAME_ATTEMPTS; attempt += 1) {
    const candidate = `${file}.torn-${stamp}${attempt === 0 ? '' : `-${attempt}`}`;
    try {
      await ctx.io.writeNew(candidate, tail);
      return candidate;
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw error;
    }
  }
  throw new OctoError('store_io', `Could not find a free name to set aside the torn end of ${file}.`);
}
