/**
 * Reading index.db: what listing needs, without NeDB or anything else heavy (`octo sessions list`
 * loads this alone). The writes are in index-file.ts.
 */
import { access, constants, readFile, readdir, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { OctoError, errnoCode } from '../errors.js';
import type { SessionSummary } from './records.js';
import { readError, unwritableError } from './io.js';
import type { StoreLayout } from './layout.js';
import { parseNedbFile, serializeLine, type NedbDoc, type ParsedNedbFile } from './line-parser.js';
import { checkSummaryDoc, toSummary } from './summary-schema.js';

/** All summaries, parsed without NeDB so that listing never rewrites index.db; a torn tail is skipped. */
export async function readSummaries(layout: StoreLayout): Promise<SessionSummary[]> {
  const state = await readIndexState(layout, false);
  if (state.damage !== null) throw damagedIndex(layout, state.damage);
  return state.summaries;
}

export interface IndexState {
  summaries: SessionSummary[];
  /**
   * Why index.db does not describe the session files (missing, damaged, cut off, or not the same
   * sessions), so that it must be rebuilt from them; null when it does.
   */
  problem: string | null;
  /** Where index.db is damaged (a line that is not a summary); such an index cannot be appended to. */
  damage: string | null;
}

/**
 * What index.db holds, and whether it covers exactly the session files in sessions/ (`withFiles`).
 * index.db is only a cache of those files (docs/architecture.md "Data"): whatever is wrong with it is a reason to
 * rebuild it, never to hide a session. The summaries of a damaged index are the lines before the damage.
 */
export async function readIndexState(layout: StoreLayout, withFiles = true): Promise<IndexState> {
  // No data folder yet is an empty store, and listing must not create it.
  if (!(await dataDirExists(layout))) return { summaries: [], problem: null, damage: null };
  const files = withFiles ? await sessionFileIds(layout) : null;
  let data: Buffer;
  try {
    data = await readFile(layout.indexPath);
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw readError(layout.indexPath, error);
    const problem = files !== null && files.size > 0 ? 'it was missing' : null;
    return { summaries: [], problem, damage: null };
  }
  const snapshot = parseIndex(layout.indexPath, data);
  const { parsed } = snapshot;
  snapshot.summaries ??= parsed.docs.map(toSummary);
  const summaries = [...snapshot.summaries];
  const damage = parsed.corrupt === null ? null : `line ${parsed.corrupt.line} (${parsed.corrupt.reason})`;
  let problem: string | null = null;
  if (damage !== null) problem = `it was damaged at ${damage}`;
  else if (parsed.torn !== null) problem = `its last line was cut off (line ${parsed.torn.line})`;
  else if (files !== null) problem = mismatch(summaries, files);
  return { summaries, problem, damage };
}

function mismatch(summaries: readonly SessionSummary[], files: ReadonlySet<string>): string | null {
  const indexed = new Set(summaries.map((s) => s.id));
  const unindexed = [...files].filter((id) => !indexed.has(id)).length;
  const orphaned = [...indexed].filter((id) => !files.has(id)).length;
  const parts = [
    unindexed > 0 ? `${unindexed} session file${unindexed === 1 ? ' was' : 's were'} not in it` : '',
    orphaned > 0 ? `it listed ${orphaned} session${orphaned === 1 ? '' : 's'} without a file` : '',
  ].filter((part) => part !== '');
  return parts.length === 0 ? null : parts.join(', and ');
}

/** The ids of the session files in sessions/ (names only: no file is opened). */
async function sessionFileIds(layout: StoreLayout): Promise<Set<string>> {
  let names: string[];
  try {
    names = await readdir(layout.sessionsDir);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return new Set();
    throw readError(layout.sessionsDir, error);
  }
  const ids = new Set<string>();
  for (const name of names) {
    const id = layout.idOfFile(name);
    if (id !== null) ids.add(id);
  }
  return ids;
}

interface IndexSnapshot {
  data: Buffer;
  parsed: ParsedNedbFile;
  summaries?: SessionSummary[];
}

/**
 * The last contents of each index.db this process read or wrote, with their parse. Bytes identical to
 * them are not parsed again: a command reads the index several times (find the session, save its
 * summary, list), and parsing 1,000 summaries is most of what each read costs.
 */
const snapshots = new Map<string, IndexSnapshot>();

export function parseIndex(file: string, data: Buffer): IndexSnapshot {
  const last = snapshots.get(file);
  if (last !== undefined && last.data.equals(data)) return last;
  const snapshot = { data, parsed: parseNedbFile(data, checkSummaryDoc) };
  snapshots.set(file, snapshot);
  return snapshot;
}

/** After our own append the file is the parsed bytes plus the new lines: the snapshot follows it. */
export function extendSnapshot(
  file: string,
  before: ParsedNedbFile,
  docs: readonly NedbDoc[],
  bytes: Buffer,
): void {
  const last = snapshots.get(file);
  // A torn tail cut off or a rewrite by prepareNedbFile: the file is no longer the bytes we parsed.
  if (last === undefined || last.parsed !== before || before.torn !== null || before.needsRewrite) {
    snapshots.delete(file);
    return;
  }
  const byId = new Map(before.docs.map((doc) => [doc._id, doc]));
  let superseded = before.superseded;
  for (const doc of docs) {
    if (byId.has(doc._id)) superseded += 1;
    if (doc.$$deleted === true) {
      if (byId.delete(doc._id)) superseded += 1;
    } else {
      // As it reads back from the line: JSON drops undefined fields.
      byId.set(doc._id, JSON.parse(serializeLine(doc)) as NedbDoc);
    }
  }
  snapshots.set(file, {
    data: Buffer.concat([last.data, bytes]),
    parsed: { docs: [...byId.values()], superseded, torn: null, corrupt: null, needsRewrite: false },
  });
}

/** The file was replaced or may hold bytes this process did not see (a compaction, a failed write). */
export function forgetSnapshot(file: string): void {
  snapshots.delete(file);
}

/**
 * False only when the data folder is absent; a file in its place or above it, or a folder that cannot
 * be read, is a setup error naming the folder (docs/faults.md row 5), never "no sessions".
 */
async function dataDirExists(layout: StoreLayout): Promise<boolean> {
  let info: Stats;
  try {
    info = await stat(layout.dataDir);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw unwritableError(layout.dataDir, error);
  }
  if (!info.isDirectory()) {
    const notDir = Object.assign(new Error(`ENOTDIR: not a directory, ${layout.dataDir}`), {
      code: 'ENOTDIR',
    });
    throw unwritableError(layout.dataDir, notDir);
  }
  try {
    await access(layout.dataDir, constants.R_OK | constants.X_OK);
  } catch (error) {
    throw readError(layout.dataDir, error);
  }
  return true;
}

export function damagedIndex(layout: StoreLayout, where: string, cause?: unknown): OctoError {
  return new OctoError(
    'session_corrupt',
    `The session index ${layout.indexPath} is damaged at ${where}; \`octo doctor --reindex\` rebuilds it from the session files.`,
    { cause, details: { path: layout.indexPath, where } },
  );
}
