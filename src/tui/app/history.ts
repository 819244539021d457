/** Conversation items per session, rebuilt only when the session's records change. */
import type { SessionRecord } from '../../core/api.js';
import { buildItems, type ConversationItem } from '../view/conversation-items.js';
import type { ConversationState } from './state.js';

interface Entry {
  records: readonly SessionRecord[];
  length: number;
  lastSeq: number;
  items: ConversationItem[];
}

export class HistoryCache {
  private readonly entries = new Map<string, Entry>();

  items(sessionId: string, records: readonly SessionRecord[]): ConversationItem[] {
    const lastSeq = records.at(-1)?.seq ?? -1;
    const hit = this.entries.get(sessionId);
    if (
      hit !== undefined &&
      hit.records === records &&
      hit.length === records.length &&
      hit.lastSeq === lastSeq
    )
      return hit.items;
    const items = buildItems(records);
    this.entries.set(sessionId, { records, length: records.length, lastSeq, items });
    return items;
  }

  /** Records changed in place (a compaction marked messages): rebuild on next read. */
  invalidate(sessionId: string): void {
    this.entries.delete(sessionId);
  }
}

/** The items the pane shows: history after /clear, with the session's transient notes in place. */
export function displayItems(
  items: readonly ConversationItem[],
  conv: ConversationState,
): ConversationItem[] {
  const visible = items.slice(conv.clearedAt);
  if (conv.notes.length === 0 && conv.clearedAt === 0) return visible;
  const out: ConversationItem[] = [];
  if (conv.clearedAt > 0) {
    out.push({
      kind: 'note',
      key: 'cleared',
      tone: 'info',
      text: `${conv.clearedAt} earlier items hidden by /clear (Home in the conversation shows them)`,
      detail: '',
    });
  }
  let n = 0;
  const notes = conv.notes.filter((note) => note.after >= conv.clearedAt);
  for (const [i, item] of visible.entries()) {
    while (n < notes.length && (notes[n]?.after ?? 0) <= i + conv.clearedAt)
      out.push((notes[n++] as { item: ConversationItem }).item);
    out.push(item);
  }
  while (n < notes.length) out.push((notes[n++] as { item: ConversationItem }).item);
  return out;
}
