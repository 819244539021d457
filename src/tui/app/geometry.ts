/** Sizes the reducer pages by, worked out from the state the way the view lays it out (pure). */
import { inputLines } from '../input-state.js';
import type { StyledLine } from '../text/styled.js';
import { queuedLines } from '../view/queue-view.js';
import { computeLayout, inner, panesShown, type Layout, type Rect } from '../layout.js';
import type { AppState } from './state.js';

/** Lines kept from the previous page when paging, so the reader keeps their place. */
export const PAGE_OVERLAP = 2;

/** The messages typed ahead in the session on screen, drawn above the input (app/queue.ts). */
export function queueRows(state: AppState, width: number): StyledLine[] {
  const items = state.currentId === null ? undefined : state.queued.get(state.currentId);
  return items === undefined ? [] : queuedLines(items, width);
}

export function countInputRows(state: AppState, width: number): number {
  return queueRows(state, width - 2).length + inputLines(state.input, width - 2, 100, true, '').length;
}

export function layoutOf(state: AppState): Layout {
  const { width, height } = state.screen;
  return computeLayout(width, height, countInputRows(state, width), state.sidePanes);
}

/** Focus on a pane the layout no longer shows (collapsed, resized) moves to the conversation. */
export function keepFocusShown(state: AppState): AppState {
  const shown = panesShown(layoutOf(state));
  if (shown.includes(state.focus)) return state;
  return { ...state, focus: shown.includes('conversation') ? 'conversation' : 'input' };
}

/** The conversation pane's inner size (a nominal one while the terminal is too small for panes). */
export function conversationSize(state: AppState): { width: number; height: number } {
  const layout = layoutOf(state);
  return layout.kind === 'panes' ? inner(layout.conversation) : { width: 80, height: 20 };
}

/** Inner size of the box over the panes (the screen view places it with the same figures). */
export function overlaySize(width: number, height: number): { width: number; height: number } {
  return { width: Math.min(width - 8, 96), height: Math.max(3, height - 6) };
}

/** The same, from the laid-out screen: the status bar spans its width and is its last row. */
export function overlaySizeOver(status: Rect): { width: number; height: number } {
  return overlaySize(status.width, status.top + 1);
}

/** The same, for the state's screen; null while the terminal is too small for panes. */
export function overlayGeometry(state: AppState): { width: number; height: number } | null {
  const layout = layoutOf(state);
  return layout.kind === 'panes' ? overlaySizeOver(layout.status) : null;
}

/** The help box over the panes: at most 104 wide, as tall as its lines or the panes allow. */
export function helpBox(status: Rect, lineCount: number): Rect {
  const width = Math.min(status.width - 4, 104);
  const height = Math.max(3, Math.min(status.top - 2, lineCount + 2));
  return { top: 1, left: Math.floor((status.width - width) / 2), width, height };
}
