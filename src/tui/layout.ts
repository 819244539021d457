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

export type Layout =
  | ({ kind: 'panes'; status: Rect } & Record<PaneId, Rect>)
  | { kind: 'tooSmall'; width: number; height: number };

/** Below this the panes cannot show a useful line each; a notice replaces them. */
export const MIN_WIDTH = 60;
export const MIN_HEIGHT = 15;
/** The input grows with its text up to this many rows (plus its border). */
const MAX_INPUT_ROWS = 6;

const clamp = (n: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, n));

export function computeLayout(width: number, height: number, inputRows: number): Layout {
  if (width < MIN_WIDTH || height < MIN_HEIGHT) return { kind: 'tooSmall', width, height };
  const inputHeight = clamp(inputRows, 1, MAX_INPUT_ROWS) + 2;
  const bodyHeight = height - 1 - inputHeight;
  const sessionsWidth = clamp(Math.floor(width * 0.22), 20, 34);
  const rightWidth = clamp(Math.floor(width * 0.24), 24, 40);
  const conversationWidth = width - sessionsWidth - rightWidth;
  const contextHeight = Math.max(3, Math.ceil(bodyHeight * 0.62));
  return {
    kind: 'panes',
    sessions: { top: 0, left: 0, width: sessionsWidth, height: bodyHeight },
    conversation: { top: 0, left: sessionsWidth, width: conversationWidth, height: bodyHeight },
    context: { top: 0, left: sessionsWidth + conversationWidth, width: rightWidth, height: contextHeight },
    jobs: {
      top: contextHeight,
      left: sessionsWidth + conversationWidth,
      width: rightWidth,
      height: bodyHeight - contextHeight,
    },
    input: { top: bodyHeight, left: 0, width, height: inputHeight },
    status: { top: height - 1, left: 0, width, height: 1 },
  };
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
