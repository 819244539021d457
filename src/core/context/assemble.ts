import type { CompactionRecord, KnowledgeEntry, MessageRecord, SessionRecord } from '../store/index.js';
import { knowledgeEntries, renderKnowledge } from './knowledge.js';

/** What goes to the model, before it is put into the wire format: built only from records and config. */
export interface Assembly {
  /** The configured or default system prompt. */
  prompt: string;
  /** The knowledge section (empty when there is none). */
  knowledge: string;
  /** The latest compression summary as a section (empty when nothing was compressed). */
  summary: string;
  /** The messages still in context, in seq order. */
  messages: MessageRecord[];
  /** The compaction whose summary is in context. */
  compaction: CompactionRecord | null;
  entries: KnowledgeEntry[];
}

/** Compactions in force: not undone, and not a failed attempt kept for its cost. */
export function activeCompactions(records: readonly SessionRecord[]): CompactionRecord[] {
  return records.filter(
    (r): r is CompactionRecord => r.kind === 'compaction' && r.undone !== true && r.failed === undefined,
  );
}

/**
 * The messages in context. A compaction's own list is the truth, so a crash between writing it and
 * marking its messages `inContext: false` cannot bring them back.
 */
export function messagesInContext(records: readonly SessionRecord[]): MessageRecord[] {
  const compacted = new Set(activeCompactions(records).flatMap((c) => c.compactedSeqs));
  return records.filter(
    (r): r is MessageRecord => r.kind === 'message' && r.inContext && !compacted.has(r.seq),
  );
}

export function assemble(records: readonly SessionRecord[], prompt: string, retention: number): Assembly {
  const compaction = activeCompactions(records).at(-1) ?? null;
  const entries = knowledgeEntries(records, retention);
  return {
    prompt,
    knowledge: renderKnowledge(entries),
    summary: compaction === null ? '' : summarySection(compaction),
    messages: messagesInContext(records),
    compaction,
    entries,
  };
}

function summarySection(compaction: CompactionRecord): string {
  const count = compaction.compactedSeqs.length;
  return [
    `## Summary of the earlier conversation (${count} messages compressed; the messages below follow it)`,
    compaction.summary,
  ].join('\n');
}

/** The system message: the prompt, then what the session learned, then the summary. */
export function systemText(assembly: Assembly): string {
  return [assembly.prompt, assembly.knowledge, assembly.summary].filter((part) => part !== '').join('\n\n');
}
