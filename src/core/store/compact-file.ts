import type { DocCheck } from './line-parser.js';
import type { PrepareContext } from './nedb-file.js';

/**
 * NeDB's compaction: its load folds replaced and deleted lines away and rewrites the file (a temp file
 * renamed over it, so a crash leaves the old or the new file). The caller holds the file's lock.
 */
export async function compactNedbFile(file: string, check: DocCheck, ctx: PrepareContext): Promise<void> {
  // NeDB itself is loaded only for this, off the way to the first request or paint.
  const { loadCheckedNedb } = await import('./nedb-compact.js');
  await loadCheckedNedb(file, check, ctx);
}
