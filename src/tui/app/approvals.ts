/**
 * Questions the core asks (a tool call, a project's server or settings): shown in a box over the panes
 * until answered with y / a / n (keymap scope `approval`), so a turn waiting for an answer never waits
 * unseen. The box goes when 'approval.settled' comes, whoever answered.
 */
import type { ApprovalAnswer, ApprovalRequest } from '../../core/api.js';
import { step, type Step } from './actions.js';
import { withNote } from './notes.js';
import type { AppState } from './state.js';

export function approvalAsked(state: AppState, request: ApprovalRequest): AppState {
  if (state.approvals.some((r) => r.requestId === request.requestId)) return state;
  return withNote(
    { ...state, approvals: [...state.approvals, request] },
    `Approval needed: ${request.tool} — ${request.summary}`,
    'warning',
    request.sessionId ?? state.currentId,
  );
}

export function approvalSettled(state: AppState, requestId: string): AppState {
  return { ...state, approvals: state.approvals.filter((r) => r.requestId !== requestId) };
}

/** Answers the oldest question waiting (the box stays until the workspace says it is settled). */
export function answerFirst(state: AppState, answer: ApprovalAnswer): Step {
  const first = state.approvals[0];
  if (first === undefined) return step(state);
  return step(state, { kind: 'answer', requestId: first.requestId, answer });
}
