import { access, constants } from 'node:fs/promises';
import type { StoreContext } from './context.js';
import { unwritableError } from './io.js';
import { ensurePrivateDir } from './permissions.js';

/**
 * Makes `<data>` and `<data>/sessions` (0700) before anything is written, turning "cannot" into one
 * clear error that names the folder and the reason (docs/faults.md row 5). Both must be writable: the
 * session files live in one, the index and its lock in the other.
 */
export async function ensureDataDirs(ctx: StoreContext): Promise<void> {
  const { dataDir, sessionsDir } = ctx.layout;
  try {
    await ensurePrivateDir(dataDir, ctx.warnings);
    await ensurePrivateDir(sessionsDir, ctx.warnings);
    await access(dataDir, constants.W_OK);
    await access(sessionsDir, constants.W_OK);
  } catch (error) {
    throw unwritableError(dataDir, error);
  }
}
