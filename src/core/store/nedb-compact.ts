/** NeDB itself: loaded (dynamically, by compactNedbFile) only when a file is compacted. */
import Datastore from 'nedb-promises';
import { DIR_MODE, FILE_MODE, type StoreIo } from './io.js';
import { escapeLineSeparators, type DocCheck, type ParsedNedbFile } from './line-parser.js';
import { openForWriting, type PrepareContext } from './nedb-file.js';
import { tightenFile } from './permissions.js';

export type NedbStore = Datastore<{ _id: string }>;

/**
 * A NeDB datastore that never loads by itself and never compacts on a timer (invariant 6 in docs/architecture.md). Its hooks
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

/**
 * Loads an existing NeDB file only after checking it (see prepareNedbFile). NeDB's load rewrites the
 * file (its compaction), so the checked contents are also what ends up on disk.
 */
export async function loadCheckedNedb(
  file: string,
  check: DocCheck,
  ctx: PrepareContext,
): Promise<{ db: NedbStore; parsed: ParsedNedbFile }> {
  const parsed = await openForWriting(file, check, ctx);
  const db = openNedb(file, ctx.io);
  await db.load();
  await tightenFile(file, ctx.warnings);
  return { db, parsed };
}
