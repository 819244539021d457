/** The search domain's part of the workspace contract: a hit as the workspace API returns it. */
/** One record that matches a search: open the session and scroll to `seq`. */
export interface SearchHit {
  sessionId: string;
  sessionName: string;
  seq: number;
  /** A message's role, or `summary` (a compression), `knowledge`, `attachment`. */
  kind: 'user' | 'assistant' | 'tool' | 'system' | 'summary' | 'knowledge' | 'attachment';
  /** The tool of a tool result, or of the calls of an assistant message that matched on them. */
  toolName?: string;
  /** One line of text around the first match, terminal-safe. */
  snippet: string;
  /** Character ranges of the snippet that match a search word, for highlighting. */
  matches: Array<[start: number, end: number]>;
  /** Higher is better (BM25). */
  score: number;
  at: string;
}
