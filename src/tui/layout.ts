/** Where the panes go for a terminal size (pure, so sizes are tested without a screen). */

export interface Rect {
  top: number;
  left: number;
  width: number;
  height: number;
}

export type PaneId = 'sessions' | 'conversation' | 'context' | 'jobs' | 'input';

/** Tab walks the panes in this order. */
export const PANE_ORDER: readonly PaneId[] = ['input', 'sessions', 'conversation', 'context', 'jobs'];

/**
 * Whether the side panes are drawn: by the terminal's width ('auto'), or as the user chose with the
 * key that shows and hides them. Collapsed, they are one line of summary above the conversation.
 */
export type SidePanes = 'auto' | 'shown' | 'collapsed';

export type Layout =
  | ({
      kind: 'panes';
      status: Rect;
      /** The one-line summary of the collapsed side panes (their rects are then empty), or null. */
      summary: Rect | null;
    } & Record<PaneId, Rect>)
  | { kind: 'tooSmall'; width: number; height: number };

/**
 * Below this width the side panes collapse by default: at 80 columns they left the conversation 34,
 * beside 20 for the sessions and 24 for the context.
 */
export const COLLAPSE_BELOW = 100;

/** Below this the panes cannot show a useful line each; a notice replaces them. */
export const MIN_WIDTH = 60;
export const MIN_HEIGHT = 15;
/** The input grows with its text up to this many rows (plus its border). */
const MAX_INPUT_ROWS = 6;

const clamp = (n: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, n));

const NOWHERE: Rect = { top: 0, left: 0, width: 0, height: 0 };

export function sidePanesCollapsed(width: number, sidePanes: SidePanes): boolean {
  return sidePanes === 'auto' ? width < COLLAPSE_BELOW : sidePanes === 'collapsed';
}

export function computeLayout(
  width: number,
  height: number,
  inputRows: number,
  sidePanes: SidePanes = 'auto',
): Layout {
  if (width < MIN_WIDTH || height < MIN_HEIGHT) return { kind: 'tooSmall', width, height };
  const inputHeight = clamp(inputRows, 1, MAX_INPUT_ROWS) + 2;
  const bodyHeight = height - 1 - inputHeight;
  const input = { top: bodyHeight, left: 0, width, height: inputHeight };
  const status = { top: height - 1, left: 0, width, height: 1 };
  if (sidePanesCollapsed(width, sidePanes)) {
    return {
      kind: 'panes',
      summary: { top: 0, left: 0, width, height: 1 },
      sessions: NOWHERE,
      conversation: { top: 1, left: 0, width, height: bodyHeight - 1 },
      context: NOWHERE,
      jobs: NOWHERE,
      input,
      status,
    };
  }
  const sessionsWidth = clamp(Math.floor(width * 0.22), 20, 34);
  const rightWidth = clamp(Math.floor(width * 0.24), 24, 40);
  const conversationWidth = width - sessionsWidth - rightWidth;
  const contextHeight = Math.max(3, Math.ceil(bodyHeight * 0.62));
  return {
    kind: 'panes',
    summary: null,
    sessions: { top: 0, left: 0, width: sessionsWidth, height: bodyHeight },
    conversation: { top: 0, left: sessionsWidth, width: conversationWidth, height: bodyHeight },
    context: { top: 0, left: sessionsWidth + conversationWidth, width: rightWidth, height: contextHeight },
    jobs: {
      top: contextHeight,
      left: sessionsWidth + conversationWidth,
      width: rightWidth,
      height: bodyHeight - contextHeight,
    },
    input,
    status,
  };
}

/** The panes on screen, in Tab's order (collapsed side panes are not). */
export function panesShown(layout: Layout): PaneId[] {
  return layout.kind === 'panes' ? PANE_ORDER.filter((id) => layout[id].width > 0) : ['input'];
}

/** Inner size of a bordered pane. */
export function inner(rect: Rect): { width: number; height: number } {
  return { width: Math.max(1, rect.width - 2), height: Math.max(1, rect.height - 2) };
}

/** The pane under a screen cell, for clicks. */
export function paneAt(layout: Layout, x: number, y: number): PaneId | null {
  if (layout.kind !== 'panes') return null;
  for (const id of PANE_ORDER) {
    const r = layout[id];
    if (x >= r.left && x < r.left + r.width && y >= r.top && y < r.top + r.height) return id;
  }
  return null;
}
