import { isOctoError } from '../errors.js';
import type { SessionRecord, SessionSummary } from './records.js';
import { indexPrepareContext, type StoreContext } from './context.js';
import { ensureDataDirs } from './data-dir.js';
import { writeIndex } from './index-file.js';
import { withIndexLock } from './index-lock.js';
import type { SearchRebuild } from './search-index.js';
import { listSessionFiles, readSessionFile } from './session-file.js';

/** Gives the search index lock back before a failure goes on up. */
function abortWith(search: SearchRebuild): (error: unknown) => Promise<never> {
  return async (error) => {
    await search.abort();
    throw error;
  };
}

export type IndexSummaryOf = (id: string, records: readonly SessionRecord[]) => SessionSummary;

/**
 * Rebuilds index.db from the session files (it is only a cache, docs/architecture.md "Data"). Files are read without
 * writing; a damaged one is skipped and reported. The oldest-changed file gets the lowest order, so
 * "most recent" survives the rebuild. Returns the number of sessions indexed.
 */
export async function reindexSessions(ctx: StoreContext, indexSummary: IndexSummaryOf): Promise<number> {
  await ensureDataDirs(ctx);
  return withIndexLock(ctx.layout, ctx, async () => {
    const summaries: SessionSummary[] = [];
    const search = await ctx.search.rebuild();
    let skipped = 0;
    const files = await listSessionFiles(ctx.layout).catch(abortWith(search));
    for (const file of files) {
      let records: SessionRecord[];
      try {
        records = await readSessionFile(file.path, file.id);
      } catch (error) {
        if (!isOctoError(error, 'session_corrupt')) {
          await search.abort();
          throw error;
        }
        skipped += 1;
        ctx.warnings.push({ kind: 'storeIssue', path: file.path, message: `Not indexed: ${error.message}` });
        continue;
      }
      summaries.push({ ...indexSummary(file.id, records), id: file.id, order: summaries.length + 1 });
      await search.add(file.id, records).catch(abortWith(search));
    }
    await search.finish();
    await writeIndex(ctx.layout, indexPrepareContext(ctx), summaries);
    const reason = `rebuilt from ${summaries.length} session files${skipped > 0 ? `, ${skipped} damaged ones skipped` : ''}`;
    ctx.warnings.push({ kind: 'indexRebuilt', reason });
    return summaries.length;
  });
}
