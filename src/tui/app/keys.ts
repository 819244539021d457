/** Keypresses to actions through the keymap table; unbound printable keys edit the input. */
import { sanitizeText } from '../../core/text/index.js';
import * as edit from '../input-state.js';
import { candidates, scopeBindings, type ActionId, type Scope } from '../keymap.js';
import { panesShown, sidePanesCollapsed } from '../layout.js';
import { step, type KeyPress, type Step } from './actions.js';
import { confirmChoice, moveChoice, typedWhileAsking } from './approvals.js';
import { keepFocusShown, layoutOf } from './geometry.js';
import { frontQuestion } from './question.js';
import { menuClose, menuComplete, menuMove, menuRun, openMenu } from './command-menu.js';
import { closeHelp, scrollHelp, toggleHelp } from './help.js';
import { complete, send } from './input.js';
import { editLastQueued } from './queue.js';
import { cancelSelectedJob, moveJobCursor, openTranscript, scrollTranscript } from './jobs.js';
import { withHint } from './notes.js';
import { moveSelection, scrollBy, scrollToEdge, toggleLatest, toggleSelected } from './scrolling.js';
import { openSearch, searchKey } from './search.js';
import { moveSessionCursor, stepSession, switchTo } from './sessions.js';
import { isBusy, type AppState } from './state.js';

/** Two Ctrl-C presses within this many ms quit. */
export const DOUBLE_CTRL_C_MS = 2_000;

function cycleFocus(state: AppState, delta: 1 | -1): Step {
  const order = panesShown(layoutOf(state));
  const at = order.indexOf(state.focus);
  return step({ ...state, focus: order[(at + delta + order.length) % order.length] ?? 'input' });
}

/** Shows the side panes where they are collapsed (by width or by choice), collapses them elsewhere. */
function toggleSidePanes(state: AppState): Step {
  const collapsed = sidePanesCollapsed(state.screen.width, state.sidePanes);
  return step(keepFocusShown({ ...state, sidePanes: collapsed ? 'shown' : 'collapsed' }));
}

function ctrlC(state: AppState, at: number): Step {
  if (state.ctrlCAt !== null && at - state.ctrlCAt <= DOUBLE_CTRL_C_MS)
    return step(state, { kind: 'exit', code: 0 });
  const pressed = { ...state, ctrlCAt: at };
  const id = state.currentId;
  if (id !== null && isBusy(state, id))
    return step(withHint(pressed, 'turn cancelled; press Ctrl-C again to quit', 'warning'), {
      kind: 'interrupt',
      sessionId: id,
    });
  return step(withHint(pressed, 'press Ctrl-C again to quit', 'warning'));
}

function cancelTurn(state: AppState): Step {
  if (state.helpVisible) return step({ ...state, helpVisible: false });
  if (state.transcript !== null) return step({ ...state, transcript: null });
  const id = state.currentId;
  const cleared = { ...state, hint: null };
  return id !== null && isBusy(state, id)
    ? step(cleared, { kind: 'interrupt', sessionId: id })
    : step(cleared);
}

function activate(state: AppState): Step {
  if (state.focus === 'conversation') return toggleSelected(state);
  if (state.focus === 'jobs') return openTranscript(state);
  return state.sessionCursor === null ? step(state) : switchTo(state, state.sessionCursor);
}

function cursor(state: AppState, delta: 1 | -1): Step {
  switch (state.focus) {
    case 'sessions':
      return step(moveSessionCursor(state, delta, { unset: -1 }));
    case 'jobs':
      return moveJobCursor(state, delta);
    case 'conversation':
    case 'context':
    case 'input':
      return moveSelection(state, delta);
  }
}

/** Edits the input through history: only on its first (or last) line, else Up/Down move elsewhere. */
function walkHistory(state: AppState, direction: 'back' | 'forward'): Step | null {
  if (direction === 'back')
    return edit.onFirstLine(state.input) ? step({ ...state, input: edit.historyPrev(state.input) }) : null;
  return edit.onLastLine(state.input) ? step({ ...state, input: edit.historyNext(state.input) }) : null;
}

/** Runs one action; null means "not mine", and the next binding for the key is tried. */
function perform(state: AppState, action: ActionId, at: number): Step | null {
  switch (action) {
    case 'focusNext':
      return cycleFocus(state, 1);
    case 'focusPrev':
      return cycleFocus(state, -1);
    case 'nextSession':
      return stepSession(state, 1);
    case 'prevSession':
      return stepSession(state, -1);
    case 'send':
      return send(state, at);
    case 'newline':
      return step({ ...state, input: edit.insert(state.input, '\n') });
    case 'complete':
      return complete(state);
    case 'editQueued':
      return editLastQueued(state);
    case 'historyPrev':
      return walkHistory(state, 'back');
    case 'historyNext':
      return walkHistory(state, 'forward');
    case 'clearInput':
      return step({ ...state, input: edit.setText(state.input, '') });
    case 'cancelTurn':
      return cancelTurn(state);
    case 'ctrlC':
      return ctrlC(state, at);
    case 'pageUp':
      return scrollTranscript(state, -1) ?? scrollBy(state, -1);
    case 'pageDown':
      return scrollTranscript(state, 1) ?? scrollBy(state, 1);
    case 'scrollTop':
      return scrollToEdge(state, 'top');
    case 'scrollBottom':
      return scrollToEdge(state, 'bottom');
    case 'help':
      return toggleHelp(state);
    case 'helpLineUp':
      return scrollHelp(state, { lines: -1 });
    case 'helpLineDown':
      return scrollHelp(state, { lines: 1 });
    case 'helpPageUp':
      return scrollHelp(state, { pages: -1 });
    case 'helpPageDown':
      return scrollHelp(state, { pages: 1 });
    case 'helpTop':
      return scrollHelp(state, { lines: -Infinity });
    case 'helpBottom':
      return scrollHelp(state, { lines: Infinity });
    case 'closeHelp':
      return closeHelp(state);
    case 'menuUp':
      return menuMove(state, -1);
    case 'menuDown':
      return menuMove(state, 1);
    case 'menuComplete':
      return menuComplete(state);
    case 'menuRun':
      return menuRun(state, at);
    case 'menuClose':
      return menuClose(state);
    case 'toggleLastTool':
      return toggleLatest(state, (item) => item.kind === 'tool');
    case 'toggleReasoning':
      return toggleLatest(state, (item) => item.kind === 'message' && item.reasoning !== '');
    case 'cursorUp':
      return cursor(state, -1);
    case 'cursorDown':
      return cursor(state, 1);
    case 'activate':
      return activate(state);
    case 'approvalPrev':
      return moveChoice(state, -1, at);
    case 'approvalNext':
      return moveChoice(state, 1, at);
    case 'approvalConfirm':
      return confirmChoice(state, at);
    case 'cancelJob':
      return cancelSelectedJob(state);
    case 'search':
      return openSearch(state);
    case 'toggleSidePanes':
      return toggleSidePanes(state);
    case 'toggleCosts':
      return step({ ...state, showCosts: !state.showCosts });
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

function editInput(state: AppState, key: KeyPress): Step {
  const op = EDITING[key.full];
  if (op !== undefined)
    return state.focus === 'input' ? step({ ...state, input: op(state.input) }) : step(state);
  if (key.ch === undefined || key.ctrl === true || key.meta === true) return step(state);
  // Keys arrive from a terminal that may be pasting anything: only printable text goes in.
  const text = edit.withoutPlaceholders(sanitizeText(key.ch).replace(/\t/g, '  '));
  if (text === '') return step(state);
  return step({ ...state, focus: 'input', input: edit.insert(state.input, text) });
}

/** The key's binding in a scope that holds the keys while it is shown (the help, the command menu). */
function modal(state: AppState, scope: Scope, key: KeyPress, at: number): Step | null {
  for (const binding of scopeBindings(scope, key.full)) {
    const done = perform(state, binding.action, at);
    if (done !== null) return done;
  }
  return null;
}

/** The bindings of the key, tried in order: the first that takes it wins. */
function dispatchKey(state: AppState, key: KeyPress, at: number): Step {
  // A tool approval, or a limit reached behind them (app/question.ts).
  const asking = frontQuestion(state) !== null;
  if (!asking) {
    const searching = searchKey(state, key);
    if (searching !== null) return searching;
    const held =
      (state.helpVisible ? modal(state, 'help', key, at) : null) ??
      (openMenu(state) === null ? null : modal(state, 'menu', key, at));
    if (held !== null) return held;
  }
  for (const binding of candidates(key.full, state.focus, asking)) {
    // Behind the box, other bindings wait; a key that would act there can still be text for the input.
    if (asking && binding.scope !== 'approval' && !WHILE_ASKING.has(key.full)) break;
    const done = perform(state, binding.action, at);
    if (done !== null) return done;
  }
  if (state.helpVisible) return step(state);
  // Typing goes on into the input while a question waits: it never answers it (app/approvals.ts).
  return editInput(asking ? typedWhileAsking(state) : state, key);
}

export function onKey(state: AppState, key: KeyPress, at: number): Step {
  // Blessed reports Enter twice (`enter` and `return`); the keymap uses `enter`.
  if (key.full === 'return') return step(state);
  // Any other key ends the "press Ctrl-C again" window: a later Ctrl-C starts over.
  const fresh =
    key.full !== 'C-c' && state.ctrlCAt !== null ? withHint({ ...state, ctrlCAt: null }, null) : state;
  return dispatchKey(fresh, key, at);
}
