/**
 * Spending limits in the workspace: a warning at 80% is a note; a limit reached asks whether to go on,
 * in the question box (app/question.ts), answered like an approval: Left/Right, then Enter. Raising
 * the limit by half continues the turn; stopping leaves the session stopped.
 */
import type { BudgetFacts, OctoEvents } from '../../core/events.js';
import { compactNumber, formatCost } from '../view/format.js';
import { step, type Step } from './actions.js';
import { withHint, withNote } from './notes.js';
import { freshQuestion, type LimitAnswer } from './question.js';
import type { AppState } from './state.js';

/** How much "raise" raises the limit reached: by half, so a runaway loop asks again soon. */
const RAISE_FACTOR = 1.5;

function amount(limit: BudgetFacts['limit'], n: number): string {
  return limit === 'session_tokens' ? `${compactNumber(n)} tokens` : formatCost(n, { significant: true });
}

export function describeLimit({ limit, used, max }: BudgetFacts): string {
  const what = {
    session_spending: 'session spending',
    request_spending: 'request spending',
    session_tokens: 'session tokens',
  }[limit];
  const show = (n: number): string =>
    limit === 'session_tokens' ? compactNumber(n) : formatCost(n, { significant: true });
  return `${what} ${show(used)} of ${show(max)}`;
}

/** Half as much again as what stands, from the use when one request overshot (else raising would ask again at once). */
export function raisedMax({ limit, used, max }: BudgetFacts): number {
  const raised = Math.max(max, used) * RAISE_FACTOR;
  return limit === 'session_tokens' ? Math.ceil(raised) : raised;
}

export function askText(facts: BudgetFacts): string {
  return `Limit reached: ${describeLimit(facts)}. Raise it by 50% and continue, or stop?`;
}

/** The choices in the box, as its buttons say them. */
export function limitChoiceText(answer: LimitAnswer, facts: BudgetFacts): string {
  return answer === 'raise' ? `Raise to ${amount(facts.limit, raisedMax(facts))} and continue` : 'Stop here';
}

/** `at`: when it reached the screen; it is asked in the box once no approval is in front of it. */
export function limitExceeded(state: AppState, e: OctoEvents['budget.exceeded'], at: number): AppState {
  const { sessionId, ...facts } = e;
  // Only a session open here can continue; any other just says what stopped it.
  if (!state.open.has(sessionId))
    return withNote(state, `Limit reached: ${describeLimit(facts)}; the turn stopped.`, 'error', sessionId);
  const asked: AppState = { ...state, budgetAsk: e };
  const front = state.approvals.length === 0 ? freshQuestion(asked, at) : asked;
  return withHint(withNote(front, askText(facts), 'warning', sessionId), askText(facts), 'warning');
}

/** The limit question no longer stands (a new turn there, or answered): its box and choice go. */
export function limitGone(state: AppState): AppState {
  const gone = { ...state, budgetAsk: null };
  return state.approvals.length === 0 ? freshQuestion(gone, null) : gone;
}

export function limitNear(state: AppState, { sessionId, ...facts }: OctoEvents['budget.warning']): AppState {
  return withNote(state, `Near a limit: ${describeLimit(facts)} used.`, 'warning', sessionId);
}

/** Answers the limit question: raise it and continue the turn, or stop there; null when none is asked. */
export function answerLimit(state: AppState, answer: LimitAnswer): Step | null {
  const ask = state.budgetAsk;
  if (ask === null) return null;
  const cleared = withHint(limitGone(state), null);
  if (answer === 'stop' || !state.open.has(ask.sessionId))
    return step(withNote(cleared, `Stopped at the limit (${describeLimit(ask)}).`, 'info', ask.sessionId));
  const max = raisedMax(ask);
  return step(
    withNote(cleared, `Limit raised to ${amount(ask.limit, max)}; continuing.`, 'info', ask.sessionId),
    // The outcome arrives as turn.* events, like a sent prompt.
    { kind: 'continueAtLimit', sessionId: ask.sessionId, limit: ask.limit, max },
  );
}
