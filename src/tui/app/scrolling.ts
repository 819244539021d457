/** Scrolling the conversation and selecting tool calls in it (selection keeps itself in view). */
import { inner } from '../layout.js';
import type { ConversationItem } from '../view/conversation-items.js';
import { linesBelow, type WindowInput } from '../view/conversation-window.js';
import type { Controller } from './controller.js';
import { conversationOf, type ConversationState } from './state.js';

/** Lines kept from the previous page when paging, so the reader keeps their place. */
export const PAGE_OVERLAP = 2;

function paneSize(c: Controller): { width: number; height: number } {
  const layout = c.model?.layout;
  return layout === undefined || layout.kind !== 'panes'
    ? { width: 80, height: 20 }
    : inner(layout.conversation);
}

function current(c: Controller): { conv: ConversationState; items: ConversationItem[]; id: string } | null {
  const id = c.state.currentId;
  if (id === null) return null;
  return { conv: conversationOf(c.state, id), items: c.currentItems(), id };
}

function windowInput(
  c: Controller,
  conv: ConversationState,
  items: ConversationItem[],
  id: string,
): WindowInput {
  const { width, height } = paneSize(c);
  return {
    items,
    live: c.state.live.get(id) ?? null,
    width,
    height,
    scroll: conv.scroll,
    expanded: conv.expanded,
    selected: conv.selected,
    busy: c.state.busy.has(id),
  };
}

export function scrollBy(c: Controller, direction: 1 | -1): true {
  const cur = current(c);
  if (cur === null) return true;
  const page = Math.max(1, paneSize(c).height - PAGE_OVERLAP);
  // Clamping at the top happens in the window, which knows how far the history goes.
  cur.conv.scroll = Math.max(0, cur.conv.scroll - direction * page);
  c.requestRender();
  return true;
}

export function scrollBy1(c: Controller, lines: number): void {
  const cur = current(c);
  if (cur === null) return;
  cur.conv.scroll = Math.max(0, cur.conv.scroll + lines);
  c.requestRender();
}

export function scrollToEdge(c: Controller, edge: 'top' | 'bottom'): true {
  const cur = current(c);
  if (cur === null) return true;
  if (edge === 'bottom') cur.conv.scroll = 0;
  else {
    // Home also undoes /clear: the whole history is the point of scrolling to the top.
    cur.conv.clearedAt = 0;
    cur.conv.scroll = linesBelow(windowInput(c, cur.conv, c.currentItems(), cur.id), c.linesOf(cur.id), -1);
  }
  c.requestRender();
  return true;
}

const selectable = (item: ConversationItem | undefined): boolean =>
  item !== undefined &&
  (item.kind === 'tool' ||
    (item.kind === 'note' && item.detail !== '') ||
    (item.kind === 'message' && item.reasoning !== ''));

/** Moves the selection to the previous/next tool call and scrolls it into view. */
export function moveSelection(c: Controller, delta: 1 | -1): true {
  const cur = current(c);
  if (cur === null) return true;
  const { conv, items } = cur;
  let at =
    conv.selected === null
      ? delta < 0
        ? items.length
        : -1
      : items.findIndex((i) => i.key === conv.selected);
  do at += delta;
  while (at >= 0 && at < items.length && !selectable(items[at]));
  const item = items[at];
  if (item === undefined) return true;
  conv.selected = item.key;
  const input = windowInput(c, conv, items, cur.id);
  const below = linesBelow(input, c.linesOf(cur.id), at);
  const own = linesBelow(input, c.linesOf(cur.id), at - 1) - below;
  const { height } = paneSize(c);
  if (below < conv.scroll) conv.scroll = below;
  else if (below + own > conv.scroll + height) conv.scroll = Math.max(0, below + own - height);
  c.requestRender();
  return true;
}

function toggle(conv: ConversationState, key: string): void {
  if (conv.expanded.has(key)) conv.expanded.delete(key);
  else conv.expanded.add(key);
}

export function toggleSelected(c: Controller): true {
  const cur = current(c);
  if (cur?.conv.selected == null) return true;
  toggle(cur.conv, cur.conv.selected);
  c.requestRender();
  return true;
}

/** Expands or collapses the latest item that `which` picks (the latest tool call, reply with reasoning). */
export function toggleLatest(c: Controller, which: (item: ConversationItem) => boolean): true {
  const cur = current(c);
  if (cur === null) return true;
  const last = cur.items.findLast(which);
  if (last !== undefined) toggle(cur.conv, last.key);
  c.requestRender();
  return true;
}

/** Scrolls so that the message with `seq` (or the first after it) is at the top, selected when it can be. */
export function scrollToSeq(c: Controller, seq: number): void {
  const cur = current(c);
  if (cur === null) return;
  const { conv, id } = cur;
  // Home's view: a hit hidden by /clear is still reachable.
  conv.clearedAt = 0;
  const items = c.currentItems();
  const at = items.findIndex((item) => Number(/^[a-z](\d+)/.exec(item.key)?.[1] ?? -1) >= seq);
  if (at === -1) return;
  const item = items[at];
  if (selectable(item) && item !== undefined) conv.selected = item.key;
  const input = windowInput(c, conv, items, id);
  const below = linesBelow(input, c.linesOf(id), at);
  const own = linesBelow(input, c.linesOf(id), at - 1) - below;
  conv.scroll = Math.max(0, below + own - paneSize(c).height);
  c.requestRender();
}
