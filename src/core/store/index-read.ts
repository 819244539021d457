/**
 * Reading index.db: what listing needs, without NeDB or anything else heavy (`octo sessions list`
 * loads this alone). The writes are in index-file.ts.
 */
import { access, constants, readFile, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { OctoError, errnoCode } from '../errors.js';
import type { SessionSummary } from './records.js';
import { readError, unwritableError } from './io.js';
import type { StoreLayout } from './layout.js';
import { parseNedbFile, serializeLine, type NedbDoc, type ParsedNedbFile } from './line-parser.js';
import { checkSummaryDoc, toSummary } from './summary-schema.js';

/** All summaries, parsed without NeDB so that listing never rewrites index.db; a torn tail is skipped. */
export async function readSummaries(layout: StoreLayout): Promise<SessionSummary[]> {
  // No data folder yet is an empty store, and listing must not create it.
  if (!(await dataDirExists(layout))) return [];
  let data: Buffer;
  try {
    data = await readFile(layout.indexPath);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw readError(layout.indexPath, error);
  }
  const snapshot = parseIndex(layout.indexPath, data);
  const { parsed } = snapshot;
  if (parsed.corrupt !== null) {
    throw damagedIndex(layout, `line ${parsed.corrupt.line} (${parsed.corrupt.reason})`);
  }
  snapshot.summaries ??= parsed.docs.map(toSummary);
  return [...snapshot.summaries];
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
    { cause, details: { path: layout.indexPath } },
  );
}
