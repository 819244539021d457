import type { MessageRecord } from '../store/index.js';

export interface CompactionPlan {
  /** The messages to summarise, oldest first. */
  compact: MessageRecord[];
  /** Tokens of the messages that stay. */
  keptTokens: number;
}

/**
 * Indexes where the messages may be cut: no tool call before the cut has its result after it, so a
 * summary never takes a call away from its result (invariant 3 in docs/architecture.md). Index 0 and the end always qualify.
 */
export function cutPoints(messages: readonly MessageRecord[]): number[] {
  const open = new Set<string>();
  const points: number[] = [0];
  messages.forEach((message, index) => {
    for (const call of message.toolCalls ?? []) open.add(call.id);
    if (message.role === 'tool' && message.toolCallId !== undefined) open.delete(message.toolCallId);
    if (open.size === 0) points.push(index + 1);
  });
  return points;
}

/** Where the latest user turn starts: it and everything after it stay verbatim. */
export function latestTurnStart(messages: readonly MessageRecord[]): number {
  for (let i = messages.length - 1; i >= 0; i -= 1) if (messages[i]?.role === 'user') return i;
  return messages.length;
}

/**
 * The fewest oldest messages whose removal leaves at most `keepBudget` tokens of messages, cutting
 * only at cut points and never past `limit` (the latest turn). When even the deepest cut leaves more,
 * that deepest cut is taken: it is the most the rules allow. Null when nothing can be compacted.
 */
export function planCompaction(
  messages: readonly MessageRecord[],
  tokensOf: (message: MessageRecord) => number,
  limit: number,
  keepBudget: number,
): CompactionPlan | null {
  const points = cutPoints(messages).filter((p) => p > 0 && p <= limit);
  if (points.length === 0) return null;
  const suffix: number[] = new Array<number>(messages.length + 1).fill(0);
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const message = messages[i];
    suffix[i] = (suffix[i + 1] ?? 0) + (message === undefined ? 0 : tokensOf(message));
  }
  const cut = points.find((p) => (suffix[p] ?? 0) <= keepBudget) ?? points.at(-1) ?? 0;
  return { compact: messages.slice(0, cut), keptTokens: suffix[cut] ?? 0 };
}
