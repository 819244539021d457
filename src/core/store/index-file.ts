import { randomBytes } from 'node:crypto';
import { access, constants, readFile, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { OctoError, errnoCode, isOctoError } from '../errors.js';
import type { SessionSummary } from '../session/types.js';
import { readError, saveError, unwritableError } from './io.js';
import type { StoreLayout } from './layout.js';
import { parseNedbFile, serializeLine } from './line-parser.js';
import { loadCheckedNedb, type NedbStore, type PrepareContext } from './nedb-file.js';
import { checkSummaryDoc, toSummary } from './summary-schema.js';

/** NeDB's `_id` length; ids only need to be unique within the file. */
const DOC_ID_BYTES = 12;

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
  const parsed = parseNedbFile(data, checkSummaryDoc);
  if (parsed.corrupt !== null) {
    throw damagedIndex(layout, `line ${parsed.corrupt.line} (${parsed.corrupt.reason})`);
  }
  return parsed.docs.map(toSummary);
}

/** Inserts or replaces the summary of `summary.id`, as the most recent one. Call under the index lock. */
export async function upsertSummary(
  layout: StoreLayout,
  ctx: PrepareContext,
  summary: SessionSummary,
): Promise<SessionSummary> {
  const { db, summaries } = await loadIndex(layout, ctx);
  const highest = summaries.reduce((max, s) => Math.max(max, s.order), 0);
  const stored: SessionSummary = { ...summary, order: highest + 1 };
  await persist(layout, ctx, () => db.update({ id: summary.id }, stored, { upsert: true }));
  return stored;
}

export async function deleteSummary(layout: StoreLayout, ctx: PrepareContext, id: string): Promise<void> {
  const { db } = await loadIndex(layout, ctx);
  await persist(layout, ctx, () => db.remove({ id }, { multi: true }));
}

/** Replaces index.db as a whole (reindex): written aside and renamed over, so a crash keeps the old one. */
export async function writeIndex(
  layout: StoreLayout,
  ctx: PrepareContext,
  summaries: SessionSummary[],
): Promise<void> {
  const lines = summaries.map(
    (s) => `${serializeLine({ ...s, _id: randomBytes(DOC_ID_BYTES).toString('base64url') })}\n`,
  );
  try {
    await ctx.io.writeAtomic(layout.indexPath, lines.join(''));
  } catch (error) {
    throw saveError(layout.indexPath, error);
  }
}

async function loadIndex(
  layout: StoreLayout,
  ctx: PrepareContext,
): Promise<{ db: NedbStore; summaries: SessionSummary[] }> {
  try {
    await ctx.io.writeNew(layout.indexPath, '');
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') throw saveError(layout.indexPath, error);
  }
  try {
    const { db, parsed } = await loadCheckedNedb(layout.indexPath, checkSummaryDoc, ctx);
    return { db, summaries: parsed.docs.map(toSummary) };
  } catch (error) {
    if (isOctoError(error, 'session_corrupt')) {
      throw damagedIndex(
        layout,
        `line ${String(error.details.line)} (${String(error.details.reason)})`,
        error,
      );
    }
    if (isOctoError(error)) throw error;
    throw saveError(layout.indexPath, error);
  }
}

async function persist(
  layout: StoreLayout,
  ctx: PrepareContext,
  write: () => Promise<unknown>,
): Promise<void> {
  try {
    await write();
    await ctx.io.syncFile(layout.indexPath);
  } catch (error) {
    throw saveError(layout.indexPath, error);
  }
}

/**
 * False only when the data folder is absent; a file in its place or above it, or a folder that cannot
 * be read, is a setup error naming the folder (FAULTS.md row 5), never "no sessions".
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

function damagedIndex(layout: StoreLayout, where: string, cause?: unknown): OctoError {
  return new OctoError(
    'session_corrupt',
    `The session index ${layout.indexPath} is damaged at ${where}; \`octo doctor --reindex\` rebuilds it from the session files.`,
    { cause, details: { path: layout.indexPath } },
  );
}
