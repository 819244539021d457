import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { OctoError, errnoCode } from '../errors.js';
import type { SessionRecord } from './records.js';
import { readError } from './io.js';
import type { StoreLayout } from './layout.js';
import { parseSessionData, readStamp } from './checked-stamp.js';
import type { DocCheck, NedbDoc } from './line-parser.js';
import { corruptFileError } from './nedb-file.js';
import { readRecordDoc } from './record-schema.js';

/** Every line of a session file is a record of the current schema, or the session is refused. */
export const checkRecordDoc: DocCheck = (doc) => readRecordDoc(doc);

/** Records ordered by seq, never by time (docs/faults.md row 26), without NeDB's `_id`. */
export function toRecords(docs: readonly NedbDoc[]): SessionRecord[] {
  return docs.map(withoutId).sort((a, b) => a.seq - b.seq);
}

/** The record without what only the file needs: NeDB's `_id` and the schema version `v`. */
export function withoutId(doc: NedbDoc): SessionRecord {
  // A copy without them (rather than `delete`, which turns the object into a slow dictionary).
  const { _id, v, ...record } = doc;
  return record as unknown as SessionRecord;
}

/**
 * Reads a session file without writing anything (invariant 4 in docs/architecture.md): a torn last line
 * is skipped, not set aside, because only the lock holder may change the file. A record that is not of
 * the schema refuses the session, naming the file and the line.
 */
export async function readSessionFile(layout: StoreLayout, id: string): Promise<SessionRecord[]> {
  const file = layout.sessionPath(id);
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') {
      throw new OctoError('session_not_found', `No session file for ${id} at ${file}.`, { cause: error });
    }
    throw readError(file, error);
  }
  const { parsed } = parseSessionData(data, await readStamp(layout.checkedStampPath(id)));
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
