/**
 * Questions the core asks (a tool call, a project's server or settings): shown in the input's title and
 * answered with y / a / n while the input is empty, so a turn waiting for an answer never waits unseen.
 */
import type { ApprovalAnswer, ApprovalRequest } from '../../core/api.js';
import { sanitizeLine } from '../../core/text/sanitize.js';
import type { Controller } from './controller.js';

const ANSWERS: Record<string, ApprovalAnswer> = { y: 'once', a: 'always', n: 'deny' };

export function askHint(request: ApprovalRequest): string {
  return `allow ${sanitizeLine(request.tool)}: ${sanitizeLine(request.summary)}? y once · a always · n deny`;
}

function showFirst(c: Controller): void {
  const first = c.state.approvals[0];
  c.setHint(first === undefined ? null : askHint(first), 'warning');
}

export function approvalAsked(c: Controller, request: ApprovalRequest): void {
  c.state.approvals.push(request);
  c.note(
    `Approval needed: ${request.tool} — ${request.summary}`,
    'warning',
    request.sessionId ?? c.state.currentId,
  );
  showFirst(c);
}

export function approvalSettled(c: Controller, requestId: string): void {
  c.state.approvals = c.state.approvals.filter((r) => r.requestId !== requestId);
  showFirst(c);
}

/** y / a / n with an empty input answer the oldest question; returns whether the key was used. */
export function answerKey(c: Controller, key: string): boolean {
  const first = c.state.approvals[0];
  const answer = ANSWERS[key];
  if (first === undefined || answer === undefined || c.state.input.text !== '') return false;
  if (!c.ws.approvals.answer(first.requestId, answer)) approvalSettled(c, first.requestId);
  return true;
}
