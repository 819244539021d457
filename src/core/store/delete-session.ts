import { rm } from 'node:fs/promises';
import path from 'node:path';
import { getErrorMessage } from '../errors.js';
import { indexPrepareContext, type StoreContext } from './context.js';
import { deleteSummary } from './index-file.js';
import { withIndexLock } from './index-lock.js';
import { acquireSessionLock } from './session-lock.js';

/**
 * Deletes a session for good: its file, media and token cache, then its index entry. Only ever called
 * for a session in the trash past `[trash] purge_after_days`; taking its lock first means a session
 * open anywhere is never deleted under its writer (session_locked is thrown instead).
 */
export async function deleteSession(ctx: StoreContext, id: string): Promise<void> {
  const file = ctx.layout.sessionPath(id);
  const lock = await acquireSessionLock(file, ctx.layout.ownerPath(id), id, ctx);
  try {
    await rm(ctx.layout.sessionDir(id), { recursive: true, force: true });
    await rm(path.join(ctx.layout.dataDir, 'cache', 'tokens', `${id}.json`), { force: true });
    await rm(path.join(ctx.layout.dataDir, 'cache', 'project', `${id}.json`), { force: true });
    await rm(path.join(ctx.layout.dataDir, 'cache', 'resume', `${id}.json`), { force: true });
    await rm(ctx.layout.checkedStampPath(id), { force: true });
    await rm(file, { force: true });
  } finally {
    await lock.release().catch((error: unknown) =>
      ctx.warnings.push({
        kind: 'storeIssue',
        path: ctx.layout.lockPath(id),
        message: getErrorMessage(error),
      }),
    );
  }
  await withIndexLock(ctx.layout, ctx, () => deleteSummary(ctx.layout, indexPrepareContext(ctx), id));
}
