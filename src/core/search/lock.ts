import lockfile from 'proper-lockfile';
import { errnoCode, getErrorMessage } from '../errors.js';
import { lockFs } from '../lock-fs.js';
import type { StoreWarning } from '../store/index.js';

export interface SearchIndexContext {
  /** Where the index's troubles go: the workspace shows them beside the store's. */
  warn: (warning: StoreWarning) => void;
  /** A lock not refreshed for this long is taken over (proper-lockfile enforces at least 2 s). */
  staleLockMs: number;
}

/** A rebuild waits for a flush under way (seconds at most): 100 ms growing to 1 s, 60 times. */
const WAIT_RETRIES = { retries: 60, factor: 1.2, minTimeout: 100, maxTimeout: 1000 };

/**
 * Takes `<data>/search/search.lock`, so one process at a time turns tails into segments or rebuilds.
 * Without `wait`, a lock held elsewhere gives null: that process is doing the work already.
 */
export async function acquireSearchLock(
  dir: string,
  ctx: SearchIndexContext,
  wait: boolean,
): Promise<(() => Promise<void>) | null> {
  const lockPath = `${dir}/search.lock`;
  try {
    return await lockfile.lock(dir, {
      lockfilePath: lockPath,
      realpath: false,
      fs: lockFs,
      stale: ctx.staleLockMs,
      retries: wait ? WAIT_RETRIES : 0,
      // proper-lockfile would otherwise throw from a timer and end the process.
      onCompromised: (error) =>
        ctx.warn({
          kind: 'storeIssue',
          path: lockPath,
          message: `Lost the search index lock: ${getErrorMessage(error)}`,
        }),
    });
  } catch (error) {
    if (!wait && errnoCode(error) === 'ELOCKED') return null;
    throw error;
  }
}

/** Runs `work` under the search lock; skipped (null) when another process holds it and `wait` is false. */
export async function withSearchLock<T>(
  dir: string,
  ctx: SearchIndexContext,
  wait: boolean,
  work: () => Promise<T>,
): Promise<T | null> {
  const release = await acquireSearchLock(dir, ctx, wait);
  if (release === null) return null;
  try {
    return await work();
  } finally {
    await release().catch((error: unknown) =>
      ctx.warn({
        kind: 'storeIssue',
        path: `${dir}/search.lock`,
        message: `Could not release the search index lock: ${getErrorMessage(error)}`,
      }),
    );
  }
}
