/**
 * Questions the core asks (a tool call, a project's server or settings): shown in a box over the panes
 * until answered with y / a / n (keymap scope `approval`), so a turn waiting for an answer never waits
 * unseen. The box goes when 'approval.settled' comes, whoever answered.
 */
import type { ApprovalAnswer, ApprovalRequest } from '../../core/api.js';
import type { Controller } from './controller.js';

export function approvalAsked(c: Controller, request: ApprovalRequest): void {
  if (c.state.approvals.some((r) => r.requestId === request.requestId)) return;
  c.state.approvals.push(request);
  c.note(
    `Approval needed: ${request.tool} — ${request.summary}`,
    'warning',
    request.sessionId ?? c.state.currentId,
  );
  c.requestRender(true);
}

export function approvalSettled(c: Controller, requestId: string): void {
  c.state.approvals = c.state.approvals.filter((r) => r.requestId !== requestId);
  c.requestRender(true);
}

/** Answers the oldest question waiting. */
export function answerFirst(c: Controller, answer: ApprovalAnswer): true {
  const first = c.state.approvals[0];
  if (first === undefined) return true;
  // False: it was settled meanwhile (its turn stopped); the settled event may not have come yet.
  if (!c.ws.approvals.answer(first.requestId, answer)) approvalSettled(c, first.requestId);
  return true;
}
