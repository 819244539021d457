import type { EventBus } from '../events.js';
import { getErrorMessage, isOctoError } from '../errors.js';
import type { SessionStore } from '../store/types.js';
import { sameSummary, indexSummary, indexSummaryFrom } from './summary.js';
import type { SessionRecord, SessionSummary } from '../store/index.js';

export interface SummaryKeeperDeps {
  id: string;
  bus: EventBus;
  store: SessionStore;
  records(): readonly SessionRecord[];
  /** Tokens the next request holds, as the summary lists them (no counting started for it). */
  contextTokens(): number;
  /**
   * For a session opened from its resume point: the summary of every record up to `upToSeq`, which
   * `records()` do not all hold; the summary is that one with the later records added. Null once all
   * records are loaded.
   */
  base?(): { summary: SessionSummary; upToSeq: number } | null;
}

/**
 * A session's index document: worked out from its records, saved to the index (a cache the session
 * file can always rebuild) and announced as 'session.updated'.
 */
export class SummaryKeeper {
  private current: SessionSummary;

  constructor(
    private readonly deps: SummaryKeeperDeps,
    initial: SessionSummary,
  ) {
    this.current = initial;
  }

  get(): SessionSummary {
    return this.current;
  }

  async save(): Promise<SessionSummary> {
    return this.put(this.fresh());
  }

  /**
   * On opening: saves the summary unless the index already holds exactly it as its most recent session
   * (resuming the latest session, the common case), so that opening then writes nothing.
   */
  async saveUnlessStored(stored: SessionSummary, options: { newest: boolean }): Promise<SessionSummary> {
    const fresh = this.fresh();
    if (!options.newest || !sameSummary(fresh, stored)) return this.put(fresh);
    this.current = stored;
    return stored;
  }

  /** After a turn: the session file is the truth and is intact, so a failed save is only reported. */
  async saveAfterTurn(): Promise<void> {
    try {
      await this.save();
    } catch (error) {
      // The index is a cache `octo doctor --reindex` rebuilds.
      this.deps.bus.emit('turn.failed', {
        sessionId: this.deps.id,
        turnId: 'summary',
        code: isOctoError(error) ? error.code : 'store_io',
        message: `The session list could not be updated: ${getErrorMessage(error)}`,
      });
    }
  }

  /** A read-only view read its writer's records: the summary as they make it, not saved (not ours). */
  follow(records: readonly SessionRecord[]): void {
    this.current = {
      ...indexSummary(this.deps.id, records, this.current.contextTokens),
      order: this.current.order,
    };
    this.deps.bus.emit('session.updated', { summary: this.current });
  }

  /** The summary the records make now (not saved). */
  fresh(): SessionSummary {
    const base = this.deps.base?.() ?? null;
    const records = this.deps.records();
    if (base === null) return indexSummary(this.deps.id, records, this.deps.contextTokens());
    const after = records.filter((record) => record.seq > base.upToSeq);
    return indexSummaryFrom(base.summary, after, this.deps.contextTokens());
  }

  private async put(fresh: SessionSummary): Promise<SessionSummary> {
    this.current = await this.deps.store.putSummary(fresh);
    this.deps.bus.emit('session.updated', { summary: this.current });
    return this.current;
  }
}
