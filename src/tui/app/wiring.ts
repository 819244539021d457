/** Terminal input to the controller: keys, mouse clicks (hit-tested here) and wheel, resizes. */
import type { KeyEvent } from '../blessed.js';
import { PANE_ORDER } from '../layout.js';
import type { Controller } from './controller.js';

/** The session drawn on row `y` of the screen in the Sessions pane, from the last paint. */
function sessionAt(c: Controller, y: number): string | null {
  const model = c.model;
  const layout = model?.layout;
  if (model?.sessions == null || layout?.kind !== 'panes') return null;
  const line = y - layout.sessions.top - 1 + model.sessionsTop;
  return model.sessions.owners[line] ?? null;
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
      c.dispatch({
        type: 'key',
        key: { full: key.full, ch, ctrl: key.ctrl, meta: key.meta },
        at: c.deps.clock(),
      });
    } catch (error) {
      // A key handler that throws is a bug: end with the terminal restored rather than limp on.
      c.onFatal(error);
    }
  };
  screen.program.on('keypress', keypress);
  for (const pane of PANE_ORDER) {
    const box = view.panes[pane].box;
    box.on('click', (data) => {
      const sessionId = pane === 'sessions' ? sessionAt(c, data.y) : null;
      c.dispatch({ type: 'click', pane, sessionId });
    });
    box.on('wheelup', () => c.dispatch({ type: 'wheel', pane, direction: -1 }));
    box.on('wheeldown', () => c.dispatch({ type: 'wheel', pane, direction: 1 }));
  }
  screen.on('resize', () => c.dispatch({ type: 'resize', width: screen.width, height: screen.height }));
  return () => screen.program.removeListener('keypress', keypress);
}
