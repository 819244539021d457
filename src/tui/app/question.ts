/**
 * The question in front: the oldest tool or project approval, else a spending limit reached. It is shown
 * in a box and answered only by a deliberate act (app/approvals.ts): a choice made with Left/Right, given
 * with Enter, keys in the first moment after it appears not taken as a choice.
 */
import type { ApprovalAnswer, ApprovalRequest } from '../../core/api.js';
import type { AppState } from './state.js';

/** A limit reached: raise it and continue the turn, or stop there (app/budget.ts). */
export type LimitAnswer = 'raise' | 'stop';
export type QuestionAnswer = ApprovalAnswer | LimitAnswer;

export type Question =
  | { kind: 'approval'; request: ApprovalRequest; choices: readonly ApprovalAnswer[] }
  | { kind: 'limit'; ask: NonNullable<AppState['budgetAsk']>; choices: readonly LimitAnswer[] };

/** The answers in the box, left to right. */
export const APPROVAL_CHOICES: readonly ApprovalAnswer[] = ['once', 'always', 'deny'];
export const LIMIT_CHOICES: readonly LimitAnswer[] = ['raise', 'stop'];

/** Tool approvals come first: they block the turn that a raised limit would continue. */
export function frontQuestion(state: AppState): Question | null {
  const request = state.approvals[0];
  if (request !== undefined) return { kind: 'approval', request, choices: APPROVAL_CHOICES };
  if (state.budgetAsk !== null) return { kind: 'limit', ask: state.budgetAsk, choices: LIMIT_CHOICES };
  return null;
}

/** The front question changed: no choice yet, and its guard starts at `at` (null: at the next key). */
export function freshQuestion(state: AppState, at: number | null): AppState {
  return { ...state, questionChoice: null, questionShownAt: frontQuestion(state) === null ? null : at };
}
