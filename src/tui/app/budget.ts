/**
 * Spending limits in the workspace: a warning at 80% is a note; a limit reached asks whether to go on.
 * y raises that limit by half and continues the turn; n leaves the session stopped.
 */
import type { BudgetFacts, OctoEvents } from '../../core/events.js';
import { compactNumber, formatCost } from '../view/format.js';
import { step, type Step } from './actions.js';
import { withHint, withNote } from './notes.js';
import type { AppState } from './state.js';

/** How much a "y" raises the limit reached: by half, so a runaway loop asks again soon. */
const RAISE_FACTOR = 1.5;

function amount(limit: BudgetFacts['limit'], n: number): string {
  return limit === 'session_tokens' ? `${compactNumber(n)} tokens` : formatCost(n);
}

export function describeLimit({ limit, used, max }: BudgetFacts): string {
  const what = {
    session_spending: 'session spending',
    request_spending: 'request spending',
    session_tokens: 'session tokens',
  }[limit];
  const show = (n: number): string => (limit === 'session_tokens' ? compactNumber(n) : formatCost(n));
  return `${what} ${show(used)} of ${show(max)}`;
}

/** Half as much again as what stands, from the use when one request overshot (else y would ask again at once). */
export function raisedMax({ limit, used, max }: BudgetFacts): number {
  const raised = Math.max(max, used) * RAISE_FACTOR;
  return limit === 'session_tokens' ? Math.ceil(raised) : raised;
}

export function askText(facts: BudgetFacts): string {
  return `Limit reached: ${describeLimit(facts)}. Continue? (y = raise the limit by 50% and continue / n = stop)`;
}

export function limitExceeded(state: AppState, e: OctoEvents['budget.exceeded']): AppState {
  const { sessionId, ...facts } = e;
  // Only a session open here can continue; any other just says what stopped it.
  if (!state.open.has(sessionId))
    return withNote(state, `Limit reached: ${describeLimit(facts)}; the turn stopped.`, 'error', sessionId);
  const noted = withNote({ ...state, budgetAsk: e }, askText(facts), 'warning', sessionId);
  return withHint(noted, askText(facts), 'warning');
}

export function limitNear(state: AppState, { sessionId, ...facts }: OctoEvents['budget.warning']): AppState {
  return withNote(state, `Near a limit: ${describeLimit(facts)} used.`, 'warning', sessionId);
}

/** The limit question waits for its keys (the keymap's `limit` scope) while the input is empty. */
export function limitAsked(state: AppState): boolean {
  return state.budgetAsk !== null && state.input.text === '';
}

/** Answers the limit question: raise it and continue the turn, or stop there; null when none is asked. */
export function answerLimit(state: AppState, answer: 'raise' | 'stop'): Step | null {
  const ask = state.budgetAsk;
  if (ask === null) return null;
  const cleared = withHint({ ...state, budgetAsk: null }, null);
  if (answer === 'stop' || !state.open.has(ask.sessionId))
    return step(withNote(cleared, `Stopped at the limit (${describeLimit(ask)}).`, 'info', ask.sessionId));
  const max = raisedMax(ask);
  return step(
    withNote(cleared, `Limit raised to ${amount(ask.limit, max)}; continuing.`, 'info', ask.sessionId),
    // The outcome arrives as turn.* events, like a sent prompt.
    { kind: 'continueAtLimit', sessionId: ask.sessionId, limit: ask.limit, max },
  );
}
