/** The clock of approval questions asked of a server's clients: unanswered in time, a question is denied. */
import type { Workspace } from '../core/api.js';

export type SettledReason = 'answered' | 'timeout' | 'cancelled';

export class ApprovalClock {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly timedOut = new Set<string>();

  constructor(
    private readonly ws: Workspace,
    readonly timeoutMs: number,
  ) {}

  /** Starts the clock of a new question. */
  arm(requestId: string): void {
    const timer = setTimeout(() => {
      this.timedOut.add(requestId);
      this.ws.approvals.answer(requestId, 'deny');
    }, this.timeoutMs);
    timer.unref();
    this.timers.set(requestId, timer);
  }

  /** How a question ended (for approval_settled); forgets its clock. */
  settle(requestId: string, answer: 'once' | 'always' | 'deny' | 'cancelled'): SettledReason {
    clearTimeout(this.timers.get(requestId));
    this.timers.delete(requestId);
    if (this.timedOut.delete(requestId)) return 'timeout';
    return answer === 'cancelled' ? 'cancelled' : 'answered';
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
