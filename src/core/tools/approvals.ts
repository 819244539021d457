import { randomUUID } from 'node:crypto';
import type { EventBus } from '../events.js';
import type { ApprovalAnswer, ApprovalRequest } from './types.js';

interface Waiting {
  request: ApprovalRequest;
  settle(answer: ApprovalAnswer | 'cancelled'): void;
}

/** Questions to the user, asked through events and answered through the API (`ws.approvals`). */
export class Approvals {
  private readonly waiting = new Map<string, Waiting>();

  constructor(private readonly bus: EventBus) {}

  /** Resolves with the user's answer, or 'cancelled' when the signal aborts or the workspace closes. */
  ask(
    question: Omit<ApprovalRequest, 'requestId'>,
    signal?: AbortSignal,
  ): Promise<ApprovalAnswer | 'cancelled'> {
    if (signal?.aborted === true) return Promise.resolve('cancelled');
    const request: ApprovalRequest = { requestId: randomUUID(), ...question };
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.settle(request.requestId, 'cancelled');
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.set(request.requestId, {
        request,
        settle: (answer) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(answer);
        },
      });
      this.bus.emit('approval.requested', { ...request });
    });
  }

  /** False when no such question is waiting (already answered, or cancelled with its turn). */
  answer(requestId: string, answer: ApprovalAnswer): boolean {
    return this.settle(requestId, answer);
  }

  pending(): ApprovalRequest[] {
    return [...this.waiting.values()].map((w) => ({ ...w.request }));
  }

  cancelAll(): void {
    for (const id of [...this.waiting.keys()]) this.settle(id, 'cancelled');
  }

  private settle(requestId: string, answer: ApprovalAnswer | 'cancelled'): boolean {
    const entry = this.waiting.get(requestId);
    if (entry === undefined) return false;
    this.waiting.delete(requestId);
    entry.settle(answer);
    this.bus.emit('approval.settled', { requestId, sessionId: entry.request.sessionId, answer });
    return true;
  }
}
