/** Terminal input to the controller: keys through the keymap, mouse clicks and wheel, resizes. */
import type { KeyEvent } from '../blessed.js';
import { PANE_ORDER, type PaneId } from '../layout.js';
import type { Controller } from './controller.js';
import { onKey } from './keys.js';
import { scrollBy1 } from './scrolling.js';
import { switchTo } from './sessions.js';

/** Lines one wheel notch scrolls. */
const WHEEL_LINES = 3;

function clickSession(c: Controller, y: number): void {
  const model = c.model;
  const layout = model?.layout;
  if (model?.sessions == null || layout?.kind !== 'panes') return;
  const line = y - layout.sessions.top - 1 + model.sessionsTop;
  const id = model.sessions.owners[line];
  if (id == null) return;
  c.state.sessionCursor = id;
  c.run('Opening the session', () => switchTo(c, id));
}

function wheel(c: Controller, pane: PaneId, direction: 1 | -1): void {
  if (pane === 'conversation') scrollBy1(c, -direction * WHEEL_LINES);
  else if (pane === 'sessions') {
    const order = c.model?.sessions?.order ?? [];
    const at = c.state.sessionCursor === null ? 0 : order.indexOf(c.state.sessionCursor);
    c.state.sessionCursor = order[Math.max(0, Math.min(order.length - 1, at + direction))] ?? null;
    c.requestRender();
  }
}

/** Wires keys, mouse and resize; returns the function that unwires them. */
export function wireInput(c: Controller): () => void {
  const { screen, view } = c.deps;
  const keypress = (ch: string | undefined, key: KeyEvent): void => {
    if (!c.ready) {
      c.early.push(() => keypress(ch, key));
      return;
    }
    try {
      onKey(c, ch, key);
      c.requestRender(true);
    } catch (error) {
      // A key handler that throws is a bug: end with the terminal restored rather than limp on.
      c.onFatal(error);
    }
  };
  screen.program.on('keypress', keypress);
  for (const pane of PANE_ORDER) {
    const box = view.panes[pane].box;
    box.on('click', (data) => {
      c.state.focus = pane;
      c.state.helpVisible = false;
      if (pane === 'sessions') clickSession(c, data.y);
      c.requestRender();
    });
    box.on('wheelup', () => wheel(c, pane, -1));
    box.on('wheeldown', () => wheel(c, pane, 1));
  }
  screen.on('resize', () => c.requestRender());
  return () => screen.program.removeListener('keypress', keypress);
}
