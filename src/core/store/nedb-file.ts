/** NeDB files without NeDB: checking, preparing and appending in its line format; compaction loads NeDB. */
import { open, readFile, rm, truncate } from 'node:fs/promises';
import { OctoError, errnoCode, getErrorMessage } from '../errors.js';
import { FILE_MODE, type StoreIo } from './io.js';
import { tightenFile } from './permissions.js';
import type { WarningSink } from './warnings.js';
import {
  parseNedbFile,
  serializeLine,
  type DocCheck,
  type NedbDoc,
  type ParsedNedbFile,
} from './line-parser.js';

/** Attempts at a free `.torn-<time>` name when the clock repeats itself (fixed test clocks, jumps). */
const TORN_NAME_ATTEMPTS = 100;

export interface PrepareContext {
  io: StoreIo;
  warnings: WarningSink;
  /** Milliseconds since the epoch, for the name of a set-aside torn tail. */
  now: number;
  onTorn(setAsidePath: string, bytes: number): void;
}

/**
 * What the writer of a NeDB file does before its first append (see appendDocs): tighten the file,
 * drop NeDB's stale temp file and prepare the contents (prepareNedbFile). NeDB itself is not loaded.
 */
export async function openForWriting(
  file: string,
  check: DocCheck,
  ctx: PrepareContext,
  parse: ParseNedb = (data) => parseNedbFile(data, check),
): Promise<ParsedNedbFile> {
  await tightenFile(file, ctx.warnings);
  // NeDB's own temp file: stale while the main file exists, and NeDB would reuse it with its old mode.
  await rm(`${file}~`, { force: true });
  return prepareNedbFile(file, check, ctx, parse);
}

/** How a file's bytes are parsed: parseNedbFile, or a cache in front of it. */
export type ParseNedb = (data: Buffer) => ParsedNedbFile;

/**
 * Appends documents to a NeDB file in NeDB's own line format, as its insert and update would: a later
 * line with the same `_id` replaces the earlier one, and `{"$$deleted":true,"_id":...}` removes it.
 * This is what keeps opening a long session cheap: NeDB's load parses, indexes and rewrites the whole
 * file, so the store parses files itself, appends itself, and leaves NeDB the explicit compaction.
 * The lines are flushed before this returns; if writing fails the file is cut back to its size before,
 * and a warning says so when even that fails (the partial line is then set aside as a torn tail).
 */
export async function appendDocs(
  file: string,
  docs: readonly NedbDoc[],
  ctx: Pick<PrepareContext, 'io' | 'warnings'>,
): Promise<Buffer> {
  const { io } = ctx;
  // Refused as NeDB's insert refuses them, so that NeDB's compaction can always write the file back.
  for (const doc of docs) assertNedbFieldNames(doc);
  const data = Buffer.from(docs.map((doc) => `${serializeLine(doc)}\n`).join(''));
  const handle = await open(file, 'a', FILE_MODE);
  try {
    const { size } = await handle.stat();
    try {
      io.beforeWrite();
      await handle.writeFile(data);
      await handle.sync();
    } catch (error) {
      // Shrinking a file needs no free space, so this undoes a write the disk could not take.
      await handle.truncate(size).catch((cutError: unknown) =>
        ctx.warnings.push({
          kind: 'storeIssue',
          path: file,
          message: `Could not remove a failed write (${getErrorMessage(cutError)}); a partial last line will be set aside on reopening.`,
        }),
      );
      throw error;
    }
  } finally {
    await handle.close();
  }
  return data;
}

/** NeDB's rule for field names: no `.` anywhere, no leading `$` except its own markers. */
function assertNedbFieldNames(value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) assertNedbFieldNames(item);
    return;
  }
  for (const [key, inner] of Object.entries(value)) {
    if (key.startsWith('$') && !(key === '$$deleted' && inner === true)) {
      throw new Error(`Field names cannot begin with the $ character (${key}).`);
    }
    if (key.includes('.')) throw new Error(`Field names cannot contain a . (${key}).`);
    assertNedbFieldNames(inner);
  }
}

/**
 * Makes a file safe for NeDB to load (it rewrites what it loads): a torn last line is moved into
 * `<file>.torn-<time>` and cut off (docs/faults.md row 1), damage elsewhere refuses the file untouched
 * (docs/faults.md row 2), and lines NeDB would split are re-escaped. Returns what the file holds.
 */
export async function prepareNedbFile(
  file: string,
  check: DocCheck,
  ctx: PrepareContext,
  parse: ParseNedb = (data) => parseNedbFile(data, check),
): Promise<ParsedNedbFile> {
  const data = await readFile(file);
  const parsed = parse(data);
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
  else if (parsed.torn === null && data.length > 0 && data[data.length - 1] !== NEWLINE)
    // A write cut just before its newline left a whole last line: the next append must not join it.
    await appendNewline(file, ctx.io);
  return parsed;
}

const NEWLINE = 0x0a;

async function appendNewline(file: string, io: StoreIo): Promise<void> {
  io.beforeWrite();
  const handle = await open(file, 'a', FILE_MODE);
  try {
    await handle.writeFile('\n');
    await handle.sync();
  } finally {
    await handle.close();
  }
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
