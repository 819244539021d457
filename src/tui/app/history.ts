/** Conversation items of a session's records, and the notes the screen adds between them. */
import type { SessionRecord } from '../../core/api.js';
import { buildItems, type ConversationItem } from '../view/conversation-items.js';
import type { ConversationState } from './state.js';

/**
 * Items by records array: a snapshot's array never changes, so its items are made once and a new
 * version (a new array) makes new ones. Entries go with their arrays.
 */
const itemsByRecords = new WeakMap<readonly SessionRecord[], ConversationItem[]>();

export function itemsOf(records: readonly SessionRecord[]): ConversationItem[] {
  const hit = itemsByRecords.get(records);
  if (hit !== undefined) return hit;
  const items = buildItems(records);
  itemsByRecords.set(records, items);
  return items;
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
