/**
 * Scrolling the conversation and selecting tool calls in it. Paging needs only the pane's height; what
 * needs line counts (keeping the selection in view, Home, a search hit at the top) is a `reveal` effect
 * that the view resolves with its measured lines (`revealedScroll`).
 */
import type { ConversationItem } from '../view/conversation-items.js';
import { linesBelow, type LineCache, type WindowInput } from '../view/conversation-window.js';
import { step, type RevealTarget, type Step } from './actions.js';
import { conversationSize, PAGE_OVERLAP } from './geometry.js';
import { askEarlier, firstLoadedSeq } from './earlier.js';
import { currentItems } from './notes.js';
import { conversationOf, withConversation, type AppState, type ConversationState } from './state.js';

export function scrollBy(state: AppState, direction: 1 | -1): Step {
  const id = state.currentId;
  if (id === null) return step(state);
  const page = Math.max(1, conversationSize(state).height - PAGE_OVERLAP);
  // Clamping at the top happens in the window, which knows how far the history goes.
  return step(
    withConversation(state, id, (conv) => ({ scroll: Math.max(0, conv.scroll - direction * page) })),
  );
}

export function scrollByLines(state: AppState, lines: number): Step {
  const id = state.currentId;
  if (id === null) return step(state);
  return step(withConversation(state, id, (conv) => ({ scroll: Math.max(0, conv.scroll + lines) })));
}

export function scrollToEdge(state: AppState, edge: 'top' | 'bottom'): Step {
  const id = state.currentId;
  if (id === null) return step(state);
  if (edge === 'bottom') return step(withConversation(state, id, () => ({ scroll: 0 })));
  // Home also undoes /clear: the whole history is the point of scrolling to the top.
  const uncleared = withConversation(state, id, () => ({ clearedAt: 0 }));
  // Its start not read yet: read it, then go to the top.
  const reading = askEarlier(uncleared, id, 'top');
  if (reading !== null) return reading;
  return step(uncleared, {
    kind: 'reveal',
    sessionId: id,
    target: { start: true },
  });
}

const selectable = (item: ConversationItem | undefined): boolean =>
  item !== undefined &&
  (item.kind === 'tool' ||
    (item.kind === 'note' && item.detail !== '') ||
    (item.kind === 'message' && item.reasoning !== ''));

/** Moves the selection to the previous/next tool call and scrolls it into view. */
export function moveSelection(state: AppState, delta: 1 | -1): Step {
  const id = state.currentId;
  if (id === null) return step(state);
  const conv = conversationOf(state, id);
  const items = currentItems(state);
  let at =
    conv.selected === null
      ? delta < 0
        ? items.length
        : -1
      : items.findIndex((i) => i.key === conv.selected);
  do at += delta;
  while (at >= 0 && at < items.length && !selectable(items[at]));
  const item = items[at];
  if (item === undefined) return step(state);
  return step(
    withConversation(state, id, () => ({ selected: item.key })),
    {
      kind: 'reveal',
      sessionId: id,
      target: { key: item.key, align: 'nearest' },
    },
  );
}

function toggled(set: ReadonlySet<string>, key: string): ReadonlySet<string> {
  const next = new Set(set);
  if (!next.delete(key)) next.add(key);
  return next;
}

export function toggleSelected(state: AppState): Step {
  const id = state.currentId;
  const selected = id === null ? null : conversationOf(state, id).selected;
  if (id === null || selected === null) return step(state);
  return step(withConversation(state, id, (conv) => ({ expanded: toggled(conv.expanded, selected) })));
}

/** Expands or collapses the latest item that `which` picks (the latest tool call, reply with reasoning). */
export function toggleLatest(state: AppState, which: (item: ConversationItem) => boolean): Step {
  const id = state.currentId;
  if (id === null) return step(state);
  const last = currentItems(state).findLast(which);
  if (last === undefined) return step(state);
  return step(withConversation(state, id, (conv) => ({ expanded: toggled(conv.expanded, last.key) })));
}

/** Scrolls so that the message with `seq` (or the first after it) is at the top, selected when it can be. */
export function scrollToSeq(state: AppState, seq: number): Step {
  const id = state.currentId;
  if (id === null) return step(state);
  // Home's view: a hit hidden by /clear is still reachable.
  const uncleared = withConversation(state, id, () => ({ clearedAt: 0 }));
  // A message before the loaded records: read them first, then come back here.
  const open = state.open.get(id);
  const first = open === undefined ? null : firstLoadedSeq(open);
  if (first !== null && seq < first) {
    const reading = askEarlier(uncleared, id, { seq });
    if (reading !== null) return reading;
  }
  const items = currentItems(uncleared);
  const item = items.find((i) => Number(/^[a-z](\d+)/.exec(i.key)?.[1] ?? -1) >= seq);
  if (item === undefined) return step(uncleared);
  const selected = selectable(item)
    ? withConversation(uncleared, id, () => ({ selected: item.key }))
    : uncleared;
  return step(selected, { kind: 'reveal', sessionId: id, target: { key: item.key, align: 'top' } });
}

/**
 * The scroll that brings `target` into view in the window `input` describes (its `scroll` is the
 * current one), measured with the pane's line cache; null when the item is not there.
 */
export function revealedScroll(
  input: WindowInput,
  cache: LineCache,
  target: RevealTarget,
  conv: Pick<ConversationState, 'scroll'>,
): number | null {
  if ('start' in target) return linesBelow(input, cache, -1);
  const at = input.items.findIndex((item) => item.key === target.key);
  if (at === -1) return null;
  const below = linesBelow(input, cache, at);
  const own = linesBelow(input, cache, at - 1) - below;
  if (target.align === 'top') return Math.max(0, below + own - input.height);
  if (below < conv.scroll) return below;
  if (below + own > conv.scroll + input.height) return Math.max(0, below + own - input.height);
  return conv.scroll;
}
