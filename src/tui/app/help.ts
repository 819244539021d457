/** The help over the panes: shown, scrolled by lines, pages or to its ends, closed. */
import { allCommands } from '../commands.js';
import { inner } from '../layout.js';
import { lineText } from '../text/styled.js';
import { clampHelpScroll, helpScreenLines } from '../view/help-view.js';
import { step, type Step } from './actions.js';
import { helpBox, layoutOf, PAGE_OVERLAP } from './geometry.js';
import type { AppState } from './state.js';

/** The help's lines and the rows its box shows, as the view lays them out. */
export function helpContent(
  state: AppState,
  status: { width: number; top: number },
): {
  lines: ReturnType<typeof helpScreenLines>;
  height: number;
} {
  const width = Math.max(10, Math.min(status.width - 4, 104) - 2);
  const lines = helpScreenLines(width, allCommands(state.facts.commands));
  const box = helpBox({ ...status, left: 0, height: 1 }, lines.length);
  return { lines, height: inner(box).height };
}

/** The help opened at its list of commands (/help): where it starts at the screen's width. */
export function openHelpAtCommands(state: AppState): Step {
  const layout = layoutOf(state);
  const lines =
    layout.kind === 'panes'
      ? helpContent(state, layout.status).lines
      : helpScreenLines(80, allCommands(state.facts.commands));
  const at = lines.findIndex((line) => lineText(line) === 'Slash commands');
  return step({ ...state, helpVisible: true, helpScroll: Math.max(0, at) });
}

export function toggleHelp(state: AppState): Step {
  return step({ ...state, helpVisible: !state.helpVisible, helpScroll: 0 });
}

export function closeHelp(state: AppState): Step | null {
  return state.helpVisible ? step({ ...state, helpVisible: false }) : null;
}

/** Scrolls by `lines` (a page is the box's height less the overlap); Infinity goes to an end. */
export function scrollHelp(state: AppState, by: { lines: number } | { pages: number }): Step | null {
  if (!state.helpVisible) return null;
  const layout = layoutOf(state);
  if (layout.kind !== 'panes') return step(state);
  const { lines, height } = helpContent(state, layout.status);
  const delta = 'lines' in by ? by.lines : by.pages * Math.max(1, height - PAGE_OVERLAP);
  const from = clampHelpScroll(state.helpScroll, lines.length, height);
  const helpScroll = clampHelpScroll(from + delta, lines.length, height);
  return helpScroll === state.helpScroll ? step(state) : step({ ...state, helpScroll });
}
