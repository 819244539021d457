/**
 * Questions the core asks (a tool call, a project's server or settings): shown in a box over the panes
 * until answered, so a turn waiting for an answer never waits unseen. The box goes when
 * 'approval.settled' comes, whoever answered.
 *
 * An answer is a deliberate act (docs/faults.md row 33): the box opens while the user may still be
 * typing, so letters never answer it (they go on into the input), nor does a paste; an answer is
 * chosen with Left/Right and given with Enter, and keys in the first APPROVAL_GUARD_MS after a question
 * appears are not taken as a choice. Typing after a choice takes the choice back.
 */
import type { ApprovalAnswer, ApprovalRequest } from '../../core/api.js';
import { step, type Step } from './actions.js';
import { withHint, withNote } from './notes.js';
import type { AppState } from './state.js';

/** Keys within this long after a question appears were meant for the input, not for the question. */
export const APPROVAL_GUARD_MS = 800;

/** The answers in the box, left to right. */
export const APPROVAL_CHOICES: readonly ApprovalAnswer[] = ['once', 'always', 'deny'];

const HOW = 'choose with Left/Right, then Enter; typed text stays in the input';

/** The front question changed: no choice yet, and its guard starts at `at` (null: at the next key). */
function fresh(state: AppState, at: number | null): AppState {
  return { ...state, approvalChoice: null, approvalShownAt: state.approvals.length > 0 ? at : null };
}

/** `at`: when it reached the screen (null when it was already waiting as the screen started). */
export function approvalAsked(state: AppState, request: ApprovalRequest, at: number | null): AppState {
  if (state.approvals.some((r) => r.requestId === request.requestId)) return state;
  const asked = { ...state, approvals: [...state.approvals, request] };
  return withNote(
    state.approvals.length === 0 ? fresh(asked, at) : asked,
    `Approval needed: ${request.tool} — ${request.summary}`,
    'warning',
    request.sessionId ?? state.currentId,
  );
}

export function approvalSettled(state: AppState, requestId: string, at: number | null): AppState {
  const front = state.approvals[0]?.requestId === requestId;
  const left = { ...state, approvals: state.approvals.filter((r) => r.requestId !== requestId) };
  return front ? fresh(left, at) : left;
}

/**
 * Whether a key at `at` may act on the question: not within the guard time after it appeared. A
 * question already waiting when the screen started has its guard start at the first key.
 */
function past(state: AppState, at: number): { state: AppState; ready: boolean } {
  const shown = state.approvalShownAt;
  if (shown === null) return { state: { ...state, approvalShownAt: at }, ready: false };
  return { state, ready: at - shown >= APPROVAL_GUARD_MS };
}

/** Left/Right: moves the choice in the box (from none, Right picks the first, Left the last). */
export function moveChoice(state: AppState, delta: 1 | -1, at: number): Step {
  const checked = past(state, at);
  if (!checked.ready) return step(checked.state);
  const current = state.approvalChoice === null ? -1 : APPROVAL_CHOICES.indexOf(state.approvalChoice);
  const count = APPROVAL_CHOICES.length;
  const next = current === -1 ? (delta === 1 ? 0 : count - 1) : (current + delta + count) % count;
  return step({ ...checked.state, approvalChoice: APPROVAL_CHOICES[next] ?? null });
}

/** Enter: gives the answer chosen to the oldest question; without a choice it only says how. */
export function confirmChoice(state: AppState, at: number): Step {
  const first = state.approvals[0];
  const checked = past(state, at);
  const choice = state.approvalChoice;
  if (first === undefined || !checked.ready || choice === null)
    return step(withHint(checked.state, `A question waits: ${HOW}.`, 'warning'));
  // The box stays until the workspace says the question is settled.
  return step(withHint({ ...checked.state, approvalChoice: null }, null), {
    kind: 'answer',
    requestId: first.requestId,
    answer: choice,
  });
}

/** Text typed while a question waits goes to the input and takes a choice back: it was not meant. */
export function typedWhileAsking(state: AppState): AppState {
  return state.approvalChoice === null ? state : { ...state, approvalChoice: null };
}
