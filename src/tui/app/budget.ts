/**
 * Spending limits in the workspace: a warning at 80% is a note; a limit reached asks whether to go on.
 * y raises that limit by half and continues the turn; n leaves the session stopped.
 */
import type { BudgetFacts, OctoEvents } from '../../core/events.js';
import { compactNumber, formatCost } from '../view/format.js';
import type { Controller } from './controller.js';

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

function exceeded(c: Controller, e: OctoEvents['budget.exceeded']): void {
  const { sessionId, ...facts } = e;
  // Only a session open here can continue; any other just says what stopped it.
  if (!c.state.handles.has(sessionId)) {
    c.note(`Limit reached: ${describeLimit(facts)}; the turn stopped.`, 'error', sessionId);
    return;
  }
  c.state.budgetAsk = e;
  c.note(askText(facts), 'warning', sessionId);
  c.setHint(askText(facts), 'warning');
}

function warned(c: Controller, { sessionId, ...facts }: OctoEvents['budget.warning']): void {
  c.note(`Near a limit: ${describeLimit(facts)} used.`, 'warning', sessionId);
}

export function budgetListeners(c: Controller): Array<() => void> {
  return [
    c.ws.on('budget.warning', (e) => warned(c, e)),
    c.ws.on('budget.exceeded', (e) => exceeded(c, e)),
    // A new turn in that session (sent, or continued elsewhere) means the question no longer stands.
    c.ws.on('turn.started', ({ sessionId }) => {
      if (c.state.budgetAsk?.sessionId === sessionId) c.state.budgetAsk = null;
    }),
  ];
}

/** The limit question waits for its keys (the keymap's `limit` scope) while the input is empty. */
export function limitAsked(c: Controller): boolean {
  return c.state.budgetAsk !== null && c.state.input.text === '';
}

/** Answers the limit question: raise it and continue the turn, or stop there. */
export function answerLimit(c: Controller, raise: boolean): boolean {
  const ask = c.state.budgetAsk;
  if (ask === null) return false;
  c.state.budgetAsk = null;
  c.setHint(null);
  const handle = c.state.handles.get(ask.sessionId);
  if (!raise || handle === undefined) {
    c.note(`Stopped at the limit (${describeLimit(ask)}).`, 'info', ask.sessionId);
    return true;
  }
  const max = raisedMax(ask);
  handle.raiseLimit(ask.limit, max);
  c.note(`Limit raised to ${amount(ask.limit, max)}; continuing.`, 'info', ask.sessionId);
  // The outcome arrives as turn.* events, like a sent prompt.
  c.run(
    'Continuing after the limit',
    async () => {
      await handle.continueTurn();
    },
    { untracked: true },
  );
  return true;
}
