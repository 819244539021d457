/**
 * The virtualised conversation: lines are made per item lazily and cached by width, and only the
 * items that reach the visible window are measured, so a 2,000-message history costs what a short one does.
 */
import { markdownEpoch } from '../text/markdown.js';
import type { StyledLine } from '../text/styled.js';
import type { ConversationItem } from './conversation-items.js';
import { itemLines, type LineOptions } from './conversation-lines.js';
import { LiveLines } from './live-lines.js';

/** Entries kept before the cache starts over (a full resize sweep of a long history fits). */
const CACHE_LIMIT = 20_000;

export interface LiveReply {
  text: string;
  reasoning: string;
}

export interface WindowInput {
  items: readonly ConversationItem[];
  live: LiveReply | null;
  width: number;
  height: number;
  /** Lines scrolled up from the bottom; 0 follows the newest line. */
  scroll: number;
  expanded: ReadonlySet<string>;
  selected: string | null;
  busy: boolean;
  /** Each reply's tokens and cost in its header. */
  costs: boolean;
}

export interface WindowView {
  lines: StyledLine[];
  /** The scroll actually used (clamped at the top of the history). */
  scroll: number;
  atTop: boolean;
  /** Index of the first item drawn, for "message N of M". */
  firstItem: number;
}

export class LineCache {
  private readonly liveLines = new LiveLines();
  private readonly entries = new Map<string, { width: number; lines: StyledLine[] }>();
  /** Lines drawn before the markdown renderer loaded are drawn again once it has. */
  private epoch = markdownEpoch();

  lines(item: ConversationItem, width: number, options: LineOptions): StyledLine[] {
    if (this.epoch !== markdownEpoch()) {
      this.entries.clear();
      this.epoch = markdownEpoch();
    }
    // Selection and running calls change often and touch one item: not worth caching.
    if (options.selected || (item.kind === 'tool' && item.result === null))
      return itemLines(item, width, options);
    const key = `${item.key}|${item.rev ?? ''}|${options.expanded ? 1 : 0}${options.costs === true ? 'c' : ''}`;
    const hit = this.entries.get(key);
    if (hit !== undefined && hit.width === width) return hit.lines;
    const lines = itemLines(item, width, options);
    if (this.entries.size >= CACHE_LIMIT) this.entries.clear();
    this.entries.set(key, { width, lines });
    return lines;
  }

  live(live: LiveReply, width: number): StyledLine[] {
    return this.liveLines.lines(live.text, live.reasoning, width);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Heights of items after index `from` (exclusive), each with its separator line. */
export function linesBelow(input: WindowInput, cache: LineCache, from: number): number {
  let total = input.live === null ? 0 : cache.live(input.live, input.width).length + 1;
  for (let i = input.items.length - 1; i > from; i--) total += blockOf(input, cache, i).length;
  // The newest item's separator is not drawn when nothing streams below it.
  return input.live === null && from < input.items.length - 1 ? total - 1 : total;
}

function blockOf(input: WindowInput, cache: LineCache, index: number): StyledLine[] {
  const item = input.items[index];
  if (item === undefined) return [];
  const lines = cache.lines(item, input.width, {
    expanded: input.expanded.has(item.key),
    selected: input.selected === item.key,
    busy: input.busy,
    costs: input.costs,
  });
  return [...lines, []];
}

/** Collects lines from the bottom until the window (and what is scrolled past) is filled. */
export function visibleWindow(input: WindowInput, cache: LineCache): WindowView {
  const need = input.height + Math.max(0, input.scroll);
  const blocks: StyledLine[][] = [];
  let have = 0;
  if (input.live !== null) {
    const live = cache.live(input.live, input.width);
    blocks.push(live);
    have += live.length;
  }
  let index = input.items.length - 1;
  for (; index >= 0 && have < need; index--) {
    const block = blockOf(input, cache, index);
    // The newest block needs no separator below it.
    if (blocks.length === 0) block.pop();
    blocks.push(block);
    have += block.length;
  }
  const all = blocks.reverse().flat();
  const scroll = Math.max(0, Math.min(input.scroll, all.length - input.height));
  const end = all.length - scroll;
  const lines = all.slice(Math.max(0, end - input.height), end);
  // The first item was reached and the window starts at its first line (not merely a full window).
  const atTop = index < 0 && end - input.height <= 0;
  return { lines, scroll, atTop, firstItem: index + 1 };
}
