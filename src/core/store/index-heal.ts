/**
 * index.db is a cache of the session files (docs/architecture.md "Data"): missing, damaged, cut off or out of step
 * with sessions/, it is rebuilt from them by itself, with a notice (docs/faults.md row 35), rather than
 * hiding sessions or letting a name be taken twice. Checking costs one listing of sessions/.
 */
import { isOctoError } from '../errors.js';
import type { SessionSummary } from './records.js';
import type { StoreContext } from './context.js';
import { ensureDataDirs } from './data-dir.js';
import { damagedIndex, readIndexState } from './index-read.js';
import { withIndexLock } from './index-lock.js';
import { rebuildIndex, type IndexSummaryOf } from './reindex.js';

/** The summaries of every session, rebuilding index.db first when it does not cover the files. */
export async function listSummaries(
  ctx: StoreContext,
  summarize: IndexSummaryOf | undefined,
): Promise<SessionSummary[]> {
  const listed = withoutRebuild(ctx, await readIndexState(ctx.layout), summarize);
  if (listed !== null) return listed;
  await ensureDataDirs(ctx);
  // Another process may be creating or deleting a session (file and entry change under the lock).
  return withIndexLock(ctx.layout, ctx, () => healedSummaries(ctx, summarize));
}

/** The same with the index lock held (a creation checks the names under it). */
export async function healedSummaries(
  ctx: StoreContext,
  summarize: IndexSummaryOf | undefined,
): Promise<SessionSummary[]> {
  const state = await readIndexState(ctx.layout);
  const listed = withoutRebuild(ctx, state, summarize);
  if (listed !== null || summarize === undefined || state.problem === null) return listed ?? state.summaries;
  await rebuildIndex(ctx, summarize, state.problem);
  return (await readIndexState(ctx.layout, false)).summaries;
}

/**
 * The listing when index.db needs no rebuild, or null when it does. Without the rule that makes
 * summaries (the store alone) there is nothing to rebuild, so nothing to lock or write: the index as
 * it is, or its damage as an error.
 */
function withoutRebuild(
  ctx: StoreContext,
  state: Awaited<ReturnType<typeof readIndexState>>,
  summarize: IndexSummaryOf | undefined,
): SessionSummary[] | null {
  if (state.problem === null) return state.summaries;
  if (summarize !== undefined) return null;
  if (state.damage !== null) throw damagedIndex(ctx.layout, state.damage);
  return state.summaries;
}

/**
 * Runs an index update (the lock held); if index.db turns out damaged, rebuilds it and runs the
 * update again. Updates do not list sessions/ first: they are on every turn's path.
 */
export async function healedOnDamage<T>(
  ctx: StoreContext,
  summarize: IndexSummaryOf | undefined,
  update: () => Promise<T>,
): Promise<T> {
  try {
    return await update();
  } catch (error) {
    if (summarize === undefined || !isOctoError(error, 'session_corrupt')) throw error;
    if (error.details.path !== ctx.layout.indexPath) throw error;
    await rebuildIndex(ctx, summarize, `it was damaged at ${String(error.details.where)}`);
    return update();
  }
}
