/**
 * The search domain's public face: the full-text index of every session's records (README, "Search";
 * docs/architecture.md, "Domains"). The store feeds the index through its RecordSink interface and knows
 * nothing else of it; the engine reads session files only through the store's public face, for the
 * snippets of its hits.
 */
import type { StoreWarning } from '../store/index.js';
import { SearchIndex } from './search-index.js';
import { searchRecords, type RecordSearch, type SessionReader } from './search.js';

export type { RecordHit, RecordSearch, RecordSearchOptions, SessionReader } from './search.js';
export type { SearchHit } from './types.js';
export type { SearchIndex } from './search-index.js';

/** proper-lockfile refreshes a held lock every half of this, so only a stopped holder lets it age. */
const DEFAULT_STALE_LOCK_MS = 10_000;

export interface SearchIndexOptions {
  /** The index's own folder, `<data>/search`. */
  dir: string;
  /** Where its troubles go (a record not indexed, a lock lost): they are the store's kind of warning. */
  onWarning: (warning: StoreWarning) => void;
  /** A search.lock not refreshed for this long is taken over. */
  staleLockMs?: number;
}

/** The index, to give the store as its record sink (`createSessionStore({ sink })`) and to query. */
export function openSearchIndex(options: SearchIndexOptions): SearchIndex {
  return new SearchIndex(options.dir, {
    warn: options.onWarning,
    staleLockMs: options.staleLockMs ?? DEFAULT_STALE_LOCK_MS,
  });
}

/** Search over `index`, with snippets read through `sessions` (the store). */
export function createRecordSearch(
  index: SearchIndex,
  sessions: SessionReader,
  onWarning: (warning: StoreWarning) => void,
): RecordSearch {
  return { search: (text, options) => searchRecords(index, sessions, onWarning, text, options) };
}
