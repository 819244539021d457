import { getErrorMessage, isOctoError } from '../errors.js';
import type { SessionRecord, SessionStore, StoreWarning } from '../store/index.js';
import type { SearchIndex } from './search-index.js';
import { snippetOf } from './snippet.js';
import { queryWords, recordText } from './text.js';
import type { SearchHit } from './types.js';

/** A hit as the engine knows it: the session's name comes from the index of summaries. */
export type RecordHit = Omit<SearchHit, 'sessionName'>;

export interface RecordSearchOptions {
  limit: number;
  /** Sessions that may appear (not trashed, of the project asked for). */
  allowed: (sessionId: string) => boolean;
}

/** Full-text search over every session's records, as the session domain asks it. */
export interface RecordSearch {
  search(text: string, options: RecordSearchOptions): Promise<RecordHit[]>;
}

/** What the engine reads of the sessions, for the snippets of its hits: the store's public face. */
export type SessionReader = Pick<SessionStore, 'readRecords' | 'sessionFile'>;

/**
 * Ranked hits from the index, each with a snippet read from its session file: only the sessions of the
 * hits are read. A hit whose record is no longer in its file (the index lags a repair) is left out.
 */
export async function searchRecords(
  index: SearchIndex,
  sessions: SessionReader,
  warn: (warning: StoreWarning) => void,
  text: string,
  options: RecordSearchOptions,
): Promise<RecordHit[]> {
  const words = queryWords(text);
  if (words.length === 0) return [];
  const ranked = await index.query(words, options.allowed, options.limit);
  const files = new Map<string, Promise<Map<number, SessionRecord> | null>>();
  const recordsOf = (id: string): Promise<Map<number, SessionRecord> | null> => {
    const known = files.get(id) ?? loadRecords(sessions, warn, id);
    files.set(id, known);
    return known;
  };
  const hits = await Promise.all(
    ranked.map(async (hit): Promise<RecordHit | null> => {
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
  return hits.filter((hit): hit is RecordHit => hit !== null);
}

async function loadRecords(
  sessions: SessionReader,
  warn: (warning: StoreWarning) => void,
  id: string,
): Promise<Map<number, SessionRecord> | null> {
  try {
    return new Map((await sessions.readRecords(id)).map((record) => [record.seq, record]));
  } catch (error) {
    // A damaged or vanished session must not take the whole search down with it.
    if (!isOctoError(error)) throw error;
    warn({
      kind: 'storeIssue',
      path: sessions.sessionFile(id),
      message: `Left out of search results: ${getErrorMessage(error)}`,
    });
    return null;
  }
}
