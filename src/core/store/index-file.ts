/** Writing index.db: the store's own appends in NeDB's format, and NeDB's compaction now and then. */
import { randomBytes } from 'node:crypto';
import { errnoCode, getErrorMessage, isOctoError, type OctoError } from '../errors.js';
import type { SessionSummary } from './records.js';
import { saveError } from './io.js';
import type { StoreLayout } from './layout.js';
import { serializeLine, type NedbDoc, type ParsedNedbFile } from './line-parser.js';
import { compactNedbFile } from './compact-file.js';
import { appendDocs, openForWriting, type PrepareContext } from './nedb-file.js';
import { damagedIndex, extendSnapshot, forgetSnapshot, parseIndex } from './index-read.js';
import { checkSummaryDoc } from './summary-schema.js';

export { readSummaries } from './index-read.js';

/** NeDB's `_id` length; ids only need to be unique within the file. */
const DOC_ID_BYTES = 12;

/**
 * Replaced and deleted lines index.db may gather before NeDB compacts it: a quarter of its documents,
 * at least this many. Listing parses every line, so the file stays near its compact size.
 */
const MIN_SUPERSEDED_BEFORE_COMPACTION = 200;

/** Inserts or replaces the summary of `summary.id`, as the most recent one. Call under the index lock. */
export async function upsertSummary(
  layout: StoreLayout,
  ctx: PrepareContext,
  summary: SessionSummary,
): Promise<SessionSummary> {
  const parsed = await openIndex(layout, ctx);
  // Each document passed checkSummaryDoc, so `order` is a number.
  const highest = parsed.docs.reduce((max, doc) => Math.max(max, doc.order as number), 0);
  const stored: SessionSummary = { ...summary, order: highest + 1 };
  const existing = parsed.docs.find((doc) => doc.id === summary.id);
  const replaced = existing === undefined ? 0 : 1;
  await appendToIndex(layout, ctx, parsed, [{ ...stored, _id: existing?._id ?? newDocId() }]);
  await compactIfWorthIt(layout, ctx, parsed, replaced);
  return stored;
}

export async function deleteSummary(layout: StoreLayout, ctx: PrepareContext, id: string): Promise<void> {
  const parsed = await openIndex(layout, ctx);
  const gone = parsed.docs.filter((doc) => doc.id === id);
  if (gone.length === 0) return;
  await appendToIndex(
    layout,
    ctx,
    parsed,
    gone.map((doc) => ({ _id: doc._id, $$deleted: true })),
  );
  await compactIfWorthIt(layout, ctx, parsed, gone.length * 2);
}

/** Replaces index.db as a whole (reindex): written aside and renamed over, so a crash keeps the old one. */
export async function writeIndex(
  layout: StoreLayout,
  ctx: PrepareContext,
  summaries: SessionSummary[],
): Promise<void> {
  const lines = summaries.map((s) => `${serializeLine({ ...s, _id: newDocId() })}\n`);
  forgetSnapshot(layout.indexPath);
  try {
    await ctx.io.writeAtomic(layout.indexPath, lines.join(''));
  } catch (error) {
    throw saveError(layout.indexPath, error);
  }
}

/** Prepares index.db for appending (creating it empty if missing) and returns what it holds. */
async function openIndex(layout: StoreLayout, ctx: PrepareContext): Promise<ParsedNedbFile> {
  try {
    await ctx.io.writeNew(layout.indexPath, '');
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') throw saveError(layout.indexPath, error);
  }
  try {
    return await openForWriting(
      layout.indexPath,
      checkSummaryDoc,
      ctx,
      (data) => parseIndex(layout.indexPath, data).parsed,
    );
  } catch (error) {
    throw indexError(layout, error);
  }
}

async function appendToIndex(
  layout: StoreLayout,
  ctx: PrepareContext,
  before: ParsedNedbFile,
  docs: NedbDoc[],
): Promise<void> {
  try {
    const bytes = await appendDocs(layout.indexPath, docs, ctx);
    extendSnapshot(layout.indexPath, before, docs, bytes);
  } catch (error) {
    forgetSnapshot(layout.indexPath);
    throw saveError(layout.indexPath, error);
  }
}

/** NeDB compacts index.db once replaced lines reach a quarter of it; a failure leaves it valid as it is. */
async function compactIfWorthIt(
  layout: StoreLayout,
  ctx: PrepareContext,
  before: ParsedNedbFile,
  added: number,
): Promise<void> {
  const superseded = before.superseded + added;
  if (superseded < Math.max(MIN_SUPERSEDED_BEFORE_COMPACTION, before.docs.length / 4)) return;
  forgetSnapshot(layout.indexPath);
  try {
    await compactNedbFile(layout.indexPath, checkSummaryDoc, ctx);
  } catch (error) {
    ctx.warnings.push({
      kind: 'storeIssue',
      path: layout.indexPath,
      message: `Could not compact the session index; it stays valid as it is (${getErrorMessage(error)}).`,
    });
  }
}

function indexError(layout: StoreLayout, error: unknown): OctoError {
  if (isOctoError(error, 'session_corrupt')) {
    return damagedIndex(
      layout,
      `line ${String(error.details.line)} (${String(error.details.reason)})`,
      error,
    );
  }
  if (isOctoError(error)) return error;
  return saveError(layout.indexPath, error);
}

function newDocId(): string {
  return randomBytes(DOC_ID_BYTES).toString('base64url');
}
