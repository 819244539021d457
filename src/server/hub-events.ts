/** Workspace events → frames of the sessions the hub serves (docs/protocol.md lists which). */
import type { ApprovalRequest, Workspace } from '../core/api.js';
import type { ApprovalClock } from './approval-clock.js';
import { encodeFrame } from './encode.js';
import type { OutFrame } from './frames.js';
import type { LiveSession } from './live-session.js';
import type { Peer } from './peer.js';
import type { SessionRegistry } from './session-registry.js';

/** What of the hub the events reach (the hub itself; named here so this module does not import it). */
export interface EventTarget {
  readonly sessions: SessionRegistry;
  readonly approvals: ApprovalClock;
  readonly agents: Map<string, { parent: string; child: string }>;
  allPeers(): Peer[];
  askedIn(sessionId: string): string;
  maybeRelease(live: LiveSession): void;
  approvalRequestFrame(request: ApprovalRequest): Extract<OutFrame, { type: 'approval_request' }>;
}

function describeTokens(n: number): string {
  return n.toLocaleString('en-US');
}

/** Subscribes the hub to the workspace; returns the unsubscribe function. */
export function subscribeEvents(ws: Workspace, hub: EventTarget): () => void {
  const live = (sessionId: string | null): LiveSession | undefined =>
    sessionId === null ? undefined : hub.sessions.byId(sessionId);
  const askedIn = (sessionId: string): LiveSession | undefined => live(hub.askedIn(sessionId));
  const status = (sessionId: string, message: string, data?: unknown): void => {
    const session = live(sessionId);
    session?.emit({
      type: 'status',
      session_id: session.name,
      message,
      ...(data === undefined ? {} : { data }),
    });
  };
  const afterTurn = (sessionId: string): void => {
    const session = live(sessionId);
    if (session !== undefined) hub.maybeRelease(session);
  };
  const offs = [
    ws.on('turn.started', (e) => live(e.sessionId)?.turnStarted(e.turnId)),
    ws.on('turn.delta', (e) => live(e.sessionId)?.delta(e)),
    ws.on('turn.toolCall', (e) => live(e.sessionId)?.toolCall(e.call)),
    ws.on('turn.toolResult', (e) => live(e.sessionId)?.toolResult(e.toolCallId, e.ok)),
    ws.on('turn.warning', (e) => status(e.sessionId, `Warning: ${e.message}`, { warning: e.message })),
    ws.on('turn.retry', (e) =>
      status(
        e.sessionId,
        `Retrying in ${Math.ceil(e.delayMs / 1000)} s (attempt ${e.attempt}): ${e.reason}`,
        {
          retry: { attempt: e.attempt, delay_ms: e.delayMs },
        },
      ),
    ),
    ws.on('turn.finished', (e) => {
      live(e.sessionId)?.finishReason(e.turnId, e.finishReason);
      live(e.sessionId)?.turnEnded(e.turnId, 'finished');
      afterTurn(e.sessionId);
    }),
    ws.on('turn.interrupted', (e) => {
      live(e.sessionId)?.turnEnded(e.turnId, 'interrupted');
      afterTurn(e.sessionId);
    }),
    ws.on('turn.failed', (e) => {
      // 'summary' is the session list failing to update after a turn, not the turn itself.
      if (e.turnId === 'summary') {
        status(e.sessionId, `Warning: ${e.message}`);
        return;
      }
      live(e.sessionId)?.turnEnded(e.turnId, 'failed', { code: e.code, message: e.message });
      afterTurn(e.sessionId);
    }),
    ws.on('session.updated', (e) => {
      const session = live(e.summary.id);
      if (session === undefined) return;
      session.name = e.summary.name;
      session.scan();
    }),
    ws.on('context.compacting', (e) =>
      status(e.sessionId, `Compressing the context (${describeTokens(e.tokens)} tokens).`),
    ),
    ws.on('context.compacted', (e) => {
      status(
        e.sessionId,
        `Context compressed: ${describeTokens(e.tokensBefore)} → ${describeTokens(e.tokensAfter)} tokens.`,
        { compaction: e },
      );
      live(e.sessionId)?.wakeIdle();
    }),
    ws.on('context.compactionFailed', (e) => {
      status(e.sessionId, `The context could not be compressed: ${e.reason}`);
      live(e.sessionId)?.wakeIdle();
    }),
    ws.on('context.compactionInterrupted', (e) => live(e.sessionId)?.wakeIdle()),
    ws.on('budget.warning', (e) =>
      status(e.sessionId, `Close to the ${e.limit} limit (${e.used} of ${e.max}).`, { budget: e }),
    ),
    ws.on('budget.exceeded', (e) =>
      status(e.sessionId, `The ${e.limit} limit is reached (${e.used} of ${e.max}); the turn stops.`, {
        budget: e,
      }),
    ),
    ws.on('job.started', (e) => {
      if (e.childSessionId !== undefined)
        hub.agents.set(e.jobId, { parent: e.sessionId, child: e.childSessionId });
      status(e.sessionId, `Job started: ${e.title}`, { job: e });
    }),
    ws.on('job.finished', (e) => {
      hub.agents.delete(e.jobId);
      status(e.sessionId, `Job finished: ${e.jobId}`, { job: e });
      afterTurn(e.sessionId);
    }),
    ws.on('job.failed', (e) => {
      hub.agents.delete(e.jobId);
      status(e.sessionId, `Job ${e.cancelled === true ? 'cancelled' : 'failed'}: ${e.message}`, { job: e });
      afterTurn(e.sessionId);
    }),
    ws.on('approval.requested', (e) => {
      hub.approvals.arm(e.requestId);
      const frame = hub.approvalRequestFrame(e);
      if (e.sessionId === null) {
        for (const peer of hub.allPeers()) peer.send(encodeFrame(frame));
        return;
      }
      const session = askedIn(e.sessionId);
      session?.emitApproval({ ...frame, session_id: session.name }, e.requestId);
    }),
    ws.on('approval.settled', (e) => {
      const reason = hub.approvals.settle(e.requestId, e.answer);
      const frame = {
        type: 'approval_settled',
        approval_id: e.requestId,
        decision: e.answer,
        reason,
      } as const;
      if (e.sessionId === null) {
        for (const peer of hub.allPeers()) peer.send(encodeFrame(frame));
        return;
      }
      const session = askedIn(e.sessionId);
      session?.forgetApproval(e.requestId);
      session?.emit({ ...frame, session_id: session.name });
    }),
  ];
  return () => {
    for (const off of offs) off();
  };
}
