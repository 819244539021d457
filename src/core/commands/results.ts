/**
 * The typed results of slash commands, for the TUI to render and the CLI to print: a contract module
 * (api.ts re-exports it), so it imports only other contract modules.
 */
import type { BudgetFacts, ContextBreakdown } from '../events.js';
import type { JobInfo, ScheduleInfo } from '../jobs/types.js';
import type { McpServerInfo } from '../mcp/types.js';
import type { CostSource, KnowledgeEntry, Role, Usage } from '../store/records.js';
import type { TokenEncoding } from '../tokens/encoding.js';

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

/** The typed result of a slash command; the TUI renders it, the CLI prints it or its JSON. */
export type CommandResult =
  | { type: 'message'; level: 'info' | 'warning' | 'error'; text: string }
  | { type: 'modelChanged'; model: string; previous: string }
  | { type: 'unknown'; name: string; suggestions: string[] }
  /** /info. */
  | { type: 'info'; info: SessionInfo }
  /** /context [filter]: the request's parts and messages, largest first for `large`. */
  | { type: 'context'; filter: ContextFilter; rows: ContextRow[]; breakdown: ContextBreakdown }
  /** /knowledge, and after pin / unpin / forget (`changed`). */
  | { type: 'knowledge'; entries: KnowledgeEntry[]; changed: KnowledgeChange | null }
  /** /summarize: the context was compressed now. */
  | { type: 'compacted'; compaction: CompactionFigures }
  /** /done: a checkpoint; when `followUp` is set the caller submits it as the next message. */
  | { type: 'checkpoint'; compaction: CompactionFigures | null; followUp?: string }
  /** /uncompress: the last compression was undone. */
  | { type: 'uncompressed'; restored: number; tokensBefore: number; tokensAfter: number }
  /** /run NAME: the caller submits `text` (with `model` for that turn only, when set). */
  | { type: 'submit'; command: string; text: string; model?: string }
  /** /mcp, /mcp list: every MCP server with its status and tools. */
  | { type: 'mcpServers'; servers: McpServerInfo[] }
  /** /schedule list: this session's schedules. */
  | { type: 'schedules'; schedules: ScheduleInfo[] }
  /** /jobs: running and recent background jobs. */
  | { type: 'jobs'; jobs: JobInfo[] };
