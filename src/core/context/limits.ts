import type { OctoConfig } from '../config/index.js';
import { OctoError } from '../errors.js';
import type { BudgetFacts, BudgetLimit, EventBus } from '../events.js';
import type { SessionSummary } from '../store/index.js';
import { BUDGET_WARNING_SHARE, describeBudget, sessionBudget } from './budget.js';

/**
 * The `[limits]` of one open session. The configured maximum holds until the user, asked in the
 * workspace, raises it for this sitting (`SessionHandle.raiseLimit`); nothing of that is persisted, so
 * the next run asks again and a non-interactive run simply stops.
 */
export class BudgetGuard {
  private readonly raised = new Map<BudgetLimit, number>();
  private readonly warned = new Set<BudgetLimit>();

  constructor(
    private readonly limits: OctoConfig['limits'],
    private readonly bus: EventBus,
    private readonly sessionId: string,
  ) {}

  /** The session-wide limits in force, with what is used of each. */
  sessionFacts(summary: SessionSummary): BudgetFacts[] {
    return this.withRaised(sessionBudget(this.limits, summary));
  }

  /** The per-request maximum in force, if one is set. */
  requestMax(): number | null {
    const max = this.limits.max_request_spending;
    return max === undefined ? null : (this.raised.get('request_spending') ?? max);
  }

  /** The per-request limit against the estimated cost of the coming request (none when the price is unknown). */
  requestFacts(nextRequestCost: number | null): BudgetFacts[] {
    const max = this.limits.max_request_spending;
    if (max === undefined || nextRequestCost === null) return [];
    return this.withRaised([{ limit: 'request_spending', used: nextRequestCost, max }]);
  }

  /**
   * Null when the next model call may go ahead; else the error that stops the turn, after emitting
   * budget.exceeded. Passing 80% of a limit emits budget.warning once.
   */
  check(all: readonly BudgetFacts[]): OctoError | null {
    for (const facts of all) {
      if (facts.used >= facts.max) {
        this.bus.emit('budget.exceeded', { sessionId: this.sessionId, ...facts });
        return new OctoError(
          'budget_exceeded',
          `Stopped before the next model call: ${describeBudget(facts)}.`,
          {
            details: { ...facts },
          },
        );
      }
    }
    for (const facts of all) {
      if (facts.used >= facts.max * BUDGET_WARNING_SHARE && !this.warned.has(facts.limit)) {
        this.warned.add(facts.limit);
        this.bus.emit('budget.warning', { sessionId: this.sessionId, ...facts });
      }
    }
    return null;
  }

  /** The user agreed to go on: `max` holds for this limit until the session is closed. */
  raise(limit: BudgetLimit, max: number): void {
    if (!Number.isFinite(max) || max <= 0) {
      throw new OctoError('internal', `A limit must be a positive number (got ${max} for ${limit}).`);
    }
    this.raised.set(limit, max);
    this.warned.delete(limit);
  }

  private withRaised(facts: BudgetFacts[]): BudgetFacts[] {
    return facts.map((f) => ({ ...f, max: this.raised.get(f.limit) ?? f.max }));
  }
}
