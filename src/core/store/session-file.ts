import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { OctoError, errnoCode } from '../errors.js';
import type { SessionRecord } from './records.js';
import { readError } from './io.js';
import type { StoreLayout } from './layout.js';
import { parseNedbFile, type DocCheck, type NedbDoc } from './line-parser.js';
import { corruptFileError } from './nedb-file.js';

/** The store only needs seq and kind to keep order; the session domain owns the rest of the shape. */
export const checkRecordDoc: DocCheck = (doc) => {
  if (typeof doc.seq !== 'number' || !Number.isSafeInteger(doc.seq) || doc.seq < 0) return 'no valid seq';
  if (typeof doc.kind !== 'string') return 'no record kind';
  return null;
};

/** Records ordered by seq, never by time (docs/faults.md row 26), without NeDB's `_id`. */
export function toRecords(docs: readonly NedbDoc[]): SessionRecord[] {
  return docs.map(withoutId).sort((a, b) => a.seq - b.seq);
}

export function withoutId(doc: NedbDoc): SessionRecord {
  // A copy without `_id` (rather than `delete`, which turns the object into a slow dictionary).
  const { _id, ...record } = doc;
  return record as unknown as SessionRecord;
}

/**
 * Reads a session file without writing anything (invariant 4 in docs/architecture.md): a torn last line is skipped, not set
 * aside, because only the lock holder may change the file.
 */
export async function readSessionFile(file: string, id: string): Promise<SessionRecord[]> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') {
      throw new OctoError('session_not_found', `No session file for ${id} at ${file}.`, { cause: error });
    }
    throw readError(file, error);
  }
  const parsed = parseNedbFile(data, checkRecordDoc);
  if (parsed.corrupt !== null) throw corruptFileError(file, parsed.corrupt.line, parsed.corrupt.reason);
  return toRecords(parsed.docs);
}

export interface SessionFileEntry {
  id: string;
  path: string;
  mtimeMs: number;
}

/** The session files in sessions/, oldest change first; temp (`~`), torn and lock files are not sessions. */
export async function listSessionFiles(layout: StoreLayout): Promise<SessionFileEntry[]> {
  let entries;
  try {
    entries = await readdir(layout.sessionsDir, { withFileTypes: true });
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw readError(layout.sessionsDir, error);
  }
  const files: SessionFileEntry[] = [];
  for (const entry of entries) {
    const id = entry.isFile() ? layout.idOfFile(entry.name) : null;
    if (id === null) continue;
    const file = path.join(layout.sessionsDir, entry.name);
    files.push({ id, path: file, mtimeMs: (await stat(file)).mtimeMs });
  }
  return files.sort((a, b) => a.mtimeMs - b.mtimeMs);
}
