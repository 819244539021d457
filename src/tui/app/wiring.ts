/** Terminal input to the controller: keys, mouse clicks (hit-tested here) and wheel, resizes. */
import type { KeyEvent } from '../blessed.js';
import { PASTE_MARK, type FilteredInput } from '../input-filter.js';
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

/**
 * Pastes: input-filter.ts took each out of the keys and left a PASTE_MARK in its place. Blessed drops
 * that key (it has no name), so it is heard on the stream blessed reads, whose listeners run key by key
 * in order: blessed's first (a key before the paste is dispatched), then this one.
 */
function wirePastes(c: Controller, input: FilteredInput): () => void {
  const onKey = (_ch: unknown, key: Partial<KeyEvent> | undefined): void => {
    if (key?.sequence !== PASTE_MARK) return;
    const text = input.takePaste();
    if (text === undefined) return;
    const dispatch = (): void => c.dispatch({ type: 'paste', text });
    if (c.ready) dispatch();
    else c.early.push(dispatch);
  };
  input.stream.on('keypress', onKey);
  return () => input.stream.removeListener('keypress', onKey);
}

/** Wires keys, pastes, mouse and resize; returns the function that unwires them. */
export function wireInput(c: Controller, input: FilteredInput): () => void {
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
  const unwirePastes = wirePastes(c, input);
  return () => {
    unwirePastes();
    screen.program.removeListener('keypress', keypress);
  };
}
