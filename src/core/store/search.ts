import { getErrorMessage, isOctoError } from '../errors.js';
import type { SessionRecord } from './records.js';
import type { StoreLayout } from './layout.js';
import type { SearchIndex } from './search-index.js';
import { readSessionFile } from './session-file.js';
import { snippetOf } from './search-snippet.js';
import { queryWords, recordText } from './search-text.js';
import type { StoreSearchHit, StoreSearchOptions } from './types.js';
import type { WarningSink } from './warnings.js';

/**
 * Ranked hits from the index, each with a snippet read from its session file: only the sessions of the
 * hits are read. A hit whose record is no longer in its file (the index lags a repair) is left out.
 */
export async function searchStore(
  index: SearchIndex,
  layout: StoreLayout,
  warnings: WarningSink,
  text: string,
  options: StoreSearchOptions,
): Promise<StoreSearchHit[]> {
  const words = queryWords(text);
  if (words.length === 0) return [];
  const ranked = await index.query(words, options.allowed, options.limit);
  const files = new Map<string, Promise<Map<number, SessionRecord> | null>>();
  const recordsOf = (id: string): Promise<Map<number, SessionRecord> | null> => {
    const known = files.get(id) ?? loadRecords(layout, warnings, id);
    files.set(id, known);
    return known;
  };
  const hits = await Promise.all(
    ranked.map(async (hit): Promise<StoreSearchHit | null> => {
      const record = (await recordsOf(hit.sessionId))?.get(hit.seq);
      const found = record === undefined ? null : recordText(record);
      if (record === undefined || found === null) return null;
      return {
        sessionId: hit.sessionId,
        seq: hit.seq,
        kind: found.kind,
        ...(found.toolName === undefined ? {} : { toolName: found.toolName }),
        ...snippetOf(found.text, words),
        score: hit.score,
        at: record.at,
      };
    }),
  );
  return hits.filter((hit): hit is StoreSearchHit => hit !== null);
}

async function loadRecords(
  layout: StoreLayout,
  warnings: WarningSink,
  id: string,
): Promise<Map<number, SessionRecord> | null> {
  const file = layout.sessionPath(id);
  try {
    return new Map((await readSessionFile(layout, id)).map((record) => [record.seq, record]));
  } catch (error) {
    // A damaged or vanished session must not take the whole search down with it.
    if (!isOctoError(error)) throw error;
    warnings.push({
      kind: 'storeIssue',
      path: file,
      message: `Left out of search results: ${getErrorMessage(error)}`,
    });
    return null;
  }
}
