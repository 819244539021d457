/**
 * A bracketed paste (input-filter.ts) as one event: it lands in the input whole, its newlines as lines,
 * folded when large; it never sends, and never answers a question on screen (docs/faults.md row 33).
 */
import { sanitizeText } from '../../core/text/index.js';
import { insertPaste, withoutPlaceholders } from '../input-state.js';
import { step, type Step } from './actions.js';
import { typedWhileAsking } from './approvals.js';
import type { AppState } from './state.js';

/** Terminals send a pasted newline as CR (tmux, most emulators): back to lines, then made safe. */
export function pastedText(raw: string): string {
  return sanitizeText(raw.replace(/\r\n?/g, '\n'));
}

export function pasted(state: AppState, raw: string): Step {
  const text = pastedText(raw);
  if (text === '') return step(state);
  const box = state.search;
  if (box !== null) {
    const query = box.query + withoutPlaceholders(text).replace(/\s+/g, ' ');
    return step({ ...state, search: { ...box, query } });
  }
  // A paste while a question waits takes its choice back too: a pasted newline is never its Enter.
  const asked = typedWhileAsking(state);
  return step({ ...asked, focus: 'input', helpVisible: false, input: insertPaste(asked.input, text) });
}
