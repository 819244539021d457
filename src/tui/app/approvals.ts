/**
 * Questions the core asks (a tool call, a project's server or settings): shown in a box over the panes
 * until answered, so a turn waiting for an answer never waits unseen. The box goes when
 * 'approval.settled' comes, whoever answered. A spending limit reached (app/budget.ts) is asked in the
 * same box, behind them, and answered the same way.
 *
 * An answer is a deliberate act (docs/faults.md row 33): the box opens while the user may still be
 * typing, so letters never answer it (they go on into the input), nor does a paste; an answer is
 * chosen with Left/Right and given with Enter, and keys in the first APPROVAL_GUARD_MS after a question
 * appears are not taken as a choice. Typing after a choice takes the choice back.
 */
import type { ApprovalRequest } from '../../core/api.js';
import type { OctoEvents } from '../../core/events.js';
import { step, type Step } from './actions.js';
import { answerLimit } from './budget.js';
import { withHint, withNote } from './notes.js';
import { freshQuestion as fresh, frontQuestion } from './question.js';
import type { AppState, Tone } from './state.js';

/** Keys within this long after a question appears were meant for the input, not for the question. */
export const APPROVAL_GUARD_MS = 800;

const HOW = 'choose with Left/Right, then Enter; typed text stays in the input';

/** `at`: when it reached the screen (null when it was already waiting as the screen started). */
export function approvalAsked(state: AppState, request: ApprovalRequest, at: number | null): AppState {
  if (state.approvals.some((r) => r.requestId === request.requestId)) return state;
  const asked = { ...state, approvals: [...state.approvals, request] };
  // It goes in front of a limit question too (which waits for the turn it would continue).
  return withNote(
    state.approvals.length === 0 ? fresh(asked, at) : asked,
    `Approval needed: ${request.tool} — ${request.summary}`,
    'warning',
    request.sessionId ?? state.currentId,
  );
}

type Answer = OctoEvents['approval.settled']['answer'];

/**
 * How a question ended, as the note under "Approval needed" says it (whichever terminal answered):
 * one entry for each answer the event can carry.
 */
const OUTCOME: Readonly<Record<Answer, readonly [string, Tone]>> = {
  once: ['Allowed once', 'info'],
  always: ['Allowed always', 'info'],
  deny: ['Denied', 'warning'],
  cancelled: ['Question withdrawn (its turn stopped)', 'info'],
};

/**
 * The question is settled: its box goes, and when `answer` is known, a note says how it ended, so an
 * answer given in another terminal attached to the session is not a question that silently vanished.
 */
export function approvalSettled(
  state: AppState,
  requestId: string,
  at: number | null,
  answer?: Answer,
): AppState {
  const request = state.approvals.find((r) => r.requestId === requestId);
  const front = state.approvals[0]?.requestId === requestId;
  const left = { ...state, approvals: state.approvals.filter((r) => r.requestId !== requestId) };
  const settled = front ? fresh(left, at) : left;
  if (request === undefined || answer === undefined) return settled;
  const [said, level] = OUTCOME[answer];
  return withNote(
    settled,
    `${said}: ${request.tool} — ${request.summary}`,
    level,
    request.sessionId ?? state.currentId,
  );
}

/**
 * Whether a key at `at` may act on the question: not within the guard time after it appeared. A
 * question already waiting when the screen started has its guard start at the first key.
 */
function past(state: AppState, at: number): { state: AppState; ready: boolean } {
  const shown = state.questionShownAt;
  if (shown === null) return { state: { ...state, questionShownAt: at }, ready: false };
  return { state, ready: at - shown >= APPROVAL_GUARD_MS };
}

/** Left/Right: moves the choice in the box (from none, Right picks the first, Left the last). */
export function moveChoice(state: AppState, delta: 1 | -1, at: number): Step {
  const question = frontQuestion(state);
  const checked = past(state, at);
  if (question === null || !checked.ready) return step(checked.state);
  const choices: readonly string[] = question.choices;
  const current = state.questionChoice === null ? -1 : choices.indexOf(state.questionChoice);
  const count = choices.length;
  const next = current === -1 ? (delta === 1 ? 0 : count - 1) : (current + delta + count) % count;
  return step({ ...checked.state, questionChoice: question.choices[next] ?? null });
}

/** Enter: gives the answer chosen to the question in front; without a choice it only says how. */
export function confirmChoice(state: AppState, at: number): Step {
  const question = frontQuestion(state);
  const checked = past(state, at);
  const choice = state.questionChoice;
  if (question === null || !checked.ready || choice === null)
    return step(withHint(checked.state, `A question waits: ${HOW}.`, 'warning'));
  const answered = withHint({ ...checked.state, questionChoice: null }, null);
  if (question.kind === 'limit') {
    const limit = choice === 'raise' || choice === 'stop' ? choice : null;
    return (limit === null ? null : answerLimit(answered, limit)) ?? step(answered);
  }
  if (choice !== 'once' && choice !== 'always' && choice !== 'deny') return step(answered);
  // The box stays until the workspace says the question is settled.
  return step(answered, { kind: 'answer', requestId: question.request.requestId, answer: choice });
}

/** Text typed while a question waits goes to the input and takes a choice back: it was not meant. */
export function typedWhileAsking(state: AppState): AppState {
  return state.questionChoice === null ? state : { ...state, questionChoice: null };
}
