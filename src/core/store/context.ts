import type { StoreLayout } from './layout.js';
import type { PrepareContext } from './nedb-file.js';
import type { LockContext } from './session-lock.js';
import type { RecordSink } from './types.js';

/** What every part of one store shares: where files are, who we are, and where warnings go. */
export interface StoreContext extends LockContext {
  layout: StoreLayout;
  /** Fed by every session writer of this store; rebuilt with the index (the search index, or nothing). */
  sink: RecordSink;
}

/** The context for checking a session file before it is written or compacted; a torn tail becomes a warning. */
export function sessionPrepareContext(ctx: StoreContext, sessionId: string): PrepareContext {
  return {
    io: ctx.io,
    warnings: ctx.warnings,
    now: ctx.clock.now(),
    onTorn: (setAsidePath, bytes) =>
      ctx.warnings.push({
        kind: 'tornTail',
        sessionId,
        path: ctx.layout.sessionPath(sessionId),
        setAsidePath,
        bytes,
      }),
  };
}

export function indexPrepareContext(ctx: StoreContext): PrepareContext {
  return {
    io: ctx.io,
    warnings: ctx.warnings,
    now: ctx.clock.now(),
    onTorn: (setAsidePath, bytes) =>
      ctx.warnings.push({
        kind: 'indexRebuilt',
        path: ctx.layout.indexPath,
        reason: `its torn last line (${bytes} bytes, from an interrupted write) was set aside in ${setAsidePath}`,
      }),
  };
}
