/** The structured parts of command results (api.ts CommandResult), for the TUI to render and the CLI to print. */
import type { BudgetFacts, ContextBreakdown } from '../events.js';
import type { CostSource, Role, Usage } from '../session/types.js';
import type { TokenEncoding } from '../tokens/index.js';

export type { KnowledgeEntry } from '../context/knowledge.js';

export const CONTEXT_FILTERS = ['all', 'user', 'assistant', 'tool', 'system', 'large'] as const;
export type ContextFilter = (typeof CONTEXT_FILTERS)[number];

/** One part of the next request: the system prompt, tool schemas, knowledge, the summary, or a message. */
export interface ContextRow {
  /** Position in the request, from 1 (the system parts come first). */
  index: number;
  kind: 'system' | 'tools' | 'knowledge' | 'summary' | 'message';
  role: Role;
  /** The record's seq, for messages. */
  seq: number | null;
  tokens: number;
  /** Of the whole request, 0..1. */
  share: number;
  /** ISO time of the record, for messages. */
  at: string | null;
  /** One line, sanitised for the terminal. */
  preview: string;
}

export interface CompactionFigures {
  messages: number;
  tokensBefore: number;
  tokensAfter: number;
  knowledgeAdded: number;
  cost: number | null;
}

export interface KnowledgeChange {
  op: 'pin' | 'unpin' | 'forget';
  id: string;
}

/** /info: every figure is a sum over the session's stored records. */
export interface SessionInfo {
  id: string;
  name: string;
  model: string;
  createdAt: string;
  messages: { total: number; inContext: number; compacted: number };
  /** All requests of the session: the conversation, agents and compression. */
  tokens: Usage;
  tokensBySource: Record<CostSource, Usage>;
  /** Requests whose provider reported no usage: `tokens` leaves them out (they are not zero). */
  usageUnreported: number;
  /** USD; `total` is null while no request had a known price. */
  cost: { total: number | null; bySource: Record<CostSource, number>; incomplete: boolean };
  requests: { total: number; bySource: Record<CostSource, number> };
  compressions: { count: number; undone: number; failed: number; tokensSaved: number };
  /** Share of input tokens read from the provider's cache; null before any input. */
  cacheHitRatio: number | null;
  context: ContextBreakdown;
  counting: { encoding: TokenEncoding; exact: boolean; unavailable: string | null };
  knowledge: { entries: number; pinned: number; retained: number };
  limits: BudgetFacts[];
}
