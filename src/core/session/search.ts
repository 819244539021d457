import type { SearchHit, SearchOptions } from '../api.js';
import type { RecordSearch } from '../search/index.js';
import type { SessionSummary } from '../store/index.js';

/** Hits per search unless asked otherwise. */
const DEFAULT_LIMIT = 20;
/** A search box asks on every key: more than this is never shown. */
const MAX_LIMIT = 500;

/** Full-text search over the sessions in `summaries` (already filtered by project and trash). */
export async function searchSessions(
  records: RecordSearch,
  summaries: readonly SessionSummary[],
  text: string,
  options: SearchOptions,
): Promise<SearchHit[]> {
  const byId = new Map(summaries.map((s) => [s.id, s]));
  const limit = Math.min(Math.max(1, options.limit ?? DEFAULT_LIMIT), MAX_LIMIT);
  const hits = await records.search(text, { limit, allowed: (id) => byId.has(id) });
  return hits.map((hit) => ({ ...hit, sessionName: byId.get(hit.sessionId)?.name ?? hit.sessionId }));
}
