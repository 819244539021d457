import lockfile from 'proper-lockfile';
import { OctoError, errnoCode, getErrorMessage } from '../errors.js';
import { unwritableError } from './io.js';
import type { StoreLayout } from './layout.js';
import { lockFs } from '../lock-fs.js';
import type { LockContext } from './session-lock.js';

/**
 * Index updates take milliseconds, so a holder that has not refreshed the lock for two seconds (the
 * least proper-lockfile allows; it refreshes every second) was killed mid-update and is taken over.
 */
export const INDEX_STALE_MS = 2_000;
/**
 * Waits about five seconds (10 ms growing by 1.3 up to 250 ms, 30 times): longer than the stale time,
 * so a lock left by a killed process is always taken over before anyone gives up.
 */
const INDEX_LOCK_RETRIES = { retries: 30, factor: 1.3, minTimeout: 10, maxTimeout: 250 };

/** Runs `update` while holding `<data>/index.lock`, so only one process at a time has index.db loaded. */
export async function withIndexLock<T>(
  layout: StoreLayout,
  ctx: LockContext,
  update: () => Promise<T>,
): Promise<T> {
  const warn = (message: string): void =>
    ctx.warnings.push({ kind: 'storeIssue', path: layout.indexLockPath, message });
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(layout.indexPath, {
      lockfilePath: layout.indexLockPath,
      realpath: false,
      fs: lockFs,
      stale: INDEX_STALE_MS,
      retries: INDEX_LOCK_RETRIES,
      // proper-lockfile would otherwise throw from a timer and end the process.
      onCompromised: (error) => warn(`Lost the session index lock: ${getErrorMessage(error)}`),
    });
  } catch (error) {
    if (errnoCode(error) === 'ELOCKED') {
      throw new OctoError(
        'store_io',
        `The session index is busy: ${layout.indexLockPath} stayed locked by another process.`,
        {
          cause: error,
        },
      );
    }
    throw unwritableError(layout.dataDir, error);
  }
  try {
    return await update();
  } finally {
    // A failed release (the lock was already lost) must not hide the update's own outcome.
    await release().catch((error: unknown) =>
      warn(`Could not release the session index lock: ${getErrorMessage(error)}`),
    );
  }
}
