/** Keypresses to actions through the keymap table; unbound printable keys edit the input. */
import { sanitizeText } from '../../core/text/index.js';
import type { KeyEvent } from '../blessed.js';
import * as edit from '../input-state.js';
import { candidates, KEYMAP, type ActionId } from '../keymap.js';
import { PANE_ORDER } from '../layout.js';
import type { Controller } from './controller.js';
import { answerFirst } from './approvals.js';
import { answerLimit, limitAsked } from './budget.js';
import { cancelSelectedJob, moveJobCursor, openTranscript, scrollTranscript } from './jobs.js';
import { openSearch, searchKey } from './search.js';
import { complete, send } from './input.js';
import { moveSelection, scrollBy, scrollToEdge, toggleLatest, toggleSelected } from './scrolling.js';
import { step, switchTo } from './sessions.js';

/** Two Ctrl-C presses within this many ms quit. */
export const DOUBLE_CTRL_C_MS = 2_000;

function cycleFocus(c: Controller, delta: 1 | -1): true {
  const at = PANE_ORDER.indexOf(c.state.focus);
  c.state.focus = PANE_ORDER[(at + delta + PANE_ORDER.length) % PANE_ORDER.length] ?? 'input';
  c.requestRender();
  return true;
}

function ctrlC(c: Controller): true {
  const now = c.deps.clock();
  if (c.state.ctrlCAt !== null && now - c.state.ctrlCAt <= DOUBLE_CTRL_C_MS) {
    c.onExit(0);
    return true;
  }
  c.state.ctrlCAt = now;
  const handle = c.current();
  if (handle !== null && handle.isBusy()) {
    handle.interrupt();
    c.setHint('turn cancelled; press Ctrl-C again to quit', 'warning');
  } else c.setHint('press Ctrl-C again to quit', 'warning');
  return true;
}

function cancelTurn(c: Controller): true {
  if (c.state.helpVisible) c.state.helpVisible = false;
  else if (c.state.transcript !== null) c.state.transcript = null;
  else {
    const handle = c.current();
    if (handle !== null && handle.isBusy()) handle.interrupt();
    c.state.hint = null;
  }
  c.requestRender();
  return true;
}

function sessionsCursor(c: Controller, delta: 1 | -1): true {
  const order = c.model?.sessions?.order ?? [];
  const at = c.state.sessionCursor === null ? -1 : order.indexOf(c.state.sessionCursor);
  c.state.sessionCursor = order[Math.max(0, Math.min(order.length - 1, at + delta))] ?? null;
  c.requestRender();
  return true;
}

/** Runs one action; false means "not mine", and the next binding for the key is tried. */
function perform(c: Controller, action: ActionId): boolean {
  const s = c.state;
  switch (action) {
    case 'focusNext':
      return cycleFocus(c, 1);
    case 'focusPrev':
      return cycleFocus(c, -1);
    case 'nextSession':
      step(c, 1);
      return true;
    case 'prevSession':
      step(c, -1);
      return true;
    case 'send':
      send(c);
      c.requestRender();
      return true;
    case 'newline':
      s.input = edit.insert(s.input, '\n');
      c.requestRender();
      return true;
    case 'complete':
      return complete(c);
    case 'historyPrev':
      if (!edit.onFirstLine(s.input)) return false;
      s.input = edit.historyPrev(s.input);
      c.requestRender();
      return true;
    case 'historyNext':
      if (!edit.onLastLine(s.input)) return false;
      s.input = edit.historyNext(s.input);
      c.requestRender();
      return true;
    case 'clearInput':
      s.input = edit.setText(s.input, '');
      c.requestRender();
      return true;
    case 'cancelTurn':
      return cancelTurn(c);
    case 'ctrlC':
      return ctrlC(c);
    case 'pageUp':
      return scrollTranscript(c, -1) || scrollBy(c, -1);
    case 'pageDown':
      return scrollTranscript(c, 1) || scrollBy(c, 1);
    case 'scrollTop':
      return scrollToEdge(c, 'top');
    case 'scrollBottom':
      return scrollToEdge(c, 'bottom');
    case 'help':
      s.helpVisible = !s.helpVisible;
      c.requestRender();
      return true;
    case 'toggleLastTool':
      return toggleLatest(c, (item) => item.kind === 'tool');
    case 'toggleReasoning':
      return toggleLatest(c, (item) => item.kind === 'message' && item.reasoning !== '');
    case 'cursorUp':
      return cursor(c, -1);
    case 'cursorDown':
      return cursor(c, 1);
    case 'activate':
      if (s.focus === 'conversation') return toggleSelected(c);
      if (s.focus === 'jobs') return openTranscript(c);
      if (s.sessionCursor !== null) {
        const id = s.sessionCursor;
        c.run('Opening the session', () => switchTo(c, id));
      }
      return true;
    case 'approveOnce':
      return answerFirst(c, 'once');
    case 'approveAlways':
      return answerFirst(c, 'always');
    case 'approveDeny':
      return answerFirst(c, 'deny');
    case 'raiseLimit':
      return answerLimit(c, true);
    case 'stopAtLimit':
      return answerLimit(c, false);
    case 'cancelJob':
      return cancelSelectedJob(c);
    case 'search':
      return openSearch(c);
  }
}

function cursor(c: Controller, delta: 1 | -1): true {
  switch (c.state.focus) {
    case 'sessions':
      return sessionsCursor(c, delta);
    case 'jobs':
      return moveJobCursor(c, delta);
    case 'conversation':
    case 'context':
    case 'input':
      return moveSelection(c, delta);
  }
}

/** Keys that still work while a question waits: the rest would act behind the box. */
const WHILE_ASKING = new Set(['C-c', 'escape', 'f1', 'pageup', 'pagedown']);

const EDITING: Record<string, (s: edit.InputState) => edit.InputState> = {
  backspace: edit.backspace,
  delete: edit.deleteForward,
  left: edit.moveLeft,
  right: edit.moveRight,
  home: edit.lineStart,
  'C-a': edit.lineStart,
  end: edit.lineEnd,
  'C-e': edit.lineEnd,
};

function editInput(c: Controller, ch: string | undefined, key: KeyEvent): void {
  const s = c.state;
  const op = EDITING[key.full];
  if (op !== undefined) {
    if (s.focus !== 'input') return;
    s.input = op(s.input);
    c.requestRender();
    return;
  }
  if (ch === undefined || key.ctrl === true || key.meta === true) return;
  // Keys arrive from a terminal that may be pasting anything: only printable text goes in.
  const text = sanitizeText(ch).replace(/\t/g, '  ');
  if (text === '') return;
  s.focus = 'input';
  s.input = edit.insert(s.input, text);
  c.requestRender();
}

export function onKey(c: Controller, ch: string | undefined, key: KeyEvent): void {
  // Blessed reports Enter twice (`enter` and `return`); the keymap uses `enter`.
  if (key.full === 'return') return;
  if (c.state.helpVisible && (key.full === 'q' || key.full === '?')) {
    c.state.helpVisible = false;
    c.requestRender();
    return;
  }
  if (key.full !== 'C-c' && c.state.ctrlCAt !== null) {
    // Any other key ends the "press Ctrl-C again" window: a later Ctrl-C starts over.
    c.state.ctrlCAt = null;
    c.setHint(null);
  }
  // A limit question waits behind tool approvals (those block the turn that would continue).
  if (c.state.approvals.length === 0 && limitAsked(c)) {
    const binding = KEYMAP.find((b) => b.scope === 'limit' && b.keys.includes(key.full));
    if (binding !== undefined && perform(c, binding.action)) return;
  }
  const focus = c.state.focus;
  const asking = c.state.approvals.length > 0;
  if (!asking && searchKey(c, ch, key)) return;
  for (const binding of candidates(key.full, focus, asking)) {
    if (asking && binding.scope !== 'approval' && !WHILE_ASKING.has(key.full)) return;
    if (perform(c, binding.action)) return;
  }
  if (asking) return;
  if (c.state.helpVisible) return;
  editInput(c, ch, key);
}
