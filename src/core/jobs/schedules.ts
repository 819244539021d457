import type { TurnOutcome } from '../api.js';
import type { Clock, Timers } from '../deps.js';
import { getErrorMessage } from '../errors.js';
import { sanitizeLine } from '../text/index.js';
import { formatDuration } from './duration.js';
import type { JobManager, RunningJob } from './job-manager.js';
import type { ScheduleInfo } from './types.js';

/** Repeating more often than this would flood a session with turns. */
export const MIN_EVERY_MS = 60_000;
/** The longest delay a Node timer can hold (2^31 - 1 ms, about 24.8 days); longer ones would fire at once. */
export const MAX_DELAY_MS = 2_147_483_647;
/** Characters of the scheduled text shown as the job title. */
const TITLE_CHARS = 50;

/** Where a schedule sends its text: the session it was created in. */
export interface ScheduleTarget {
  sessionId: string;
  isBusy(): boolean;
  /** Settles once the session runs no turn. */
  whenIdle(): Promise<void>;
  submit(text: string): Promise<TurnOutcome>;
}

interface Entry {
  info: ScheduleInfo;
  target: ScheduleTarget;
  job: RunningJob;
  timer: unknown;
  /** It came due while its session was busy; it runs when that turn ends. */
  waiting: boolean;
}

/** `/schedule`: texts sent to a session later or repeatedly, held in memory, shown as jobs. */
export class Scheduler {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly deps: { jobs: JobManager; timers: Timers; clock: Clock }) {}

  add(target: ScheduleTarget, kind: 'in' | 'every', ms: number, text: string): ScheduleInfo {
    const title = sanitizeLine(text).slice(0, TITLE_CHARS);
    const job = this.deps.jobs.start({
      kind: 'schedule',
      title: `${kind === 'in' ? 'in' : 'every'} ${formatDuration(ms)}: ${title}`,
      sessionId: target.sessionId,
    });
    const entry: Entry = {
      info: { id: job.id, sessionId: target.sessionId, kind, everyMs: ms, text, nextAt: null, runs: 0 },
      target,
      job,
      timer: null,
      waiting: false,
    };
    this.entries.set(job.id, entry);
    job.signal.addEventListener('abort', () => this.stop(entry), { once: true });
    this.arm(entry);
    return { ...entry.info };
  }

  list(sessionId?: string): ScheduleInfo[] {
    return [...this.entries.values()]
      .filter((e) => sessionId === undefined || e.info.sessionId === sessionId)
      .map((e) => ({ ...e.info }));
  }

  cancel(id: string): boolean {
    const entry = this.entries.get(id);
    if (entry === undefined) return false;
    this.stop(entry);
    return true;
  }

  closeAll(): void {
    for (const entry of [...this.entries.values()]) this.stop(entry);
  }

  private arm(entry: Entry): void {
    entry.info.nextAt = this.deps.clock.now() + entry.info.everyMs;
    entry.timer = this.deps.timers.setTimeout(() => this.due(entry), entry.info.everyMs);
    entry.job.progress(
      `next run in ${formatDuration(entry.info.everyMs)}${entry.info.runs > 0 ? ` · ran ${entry.info.runs}×` : ''}`,
    );
  }

  private due(entry: Entry): void {
    entry.timer = null;
    if (entry.info.kind === 'every') this.arm(entry);
    else entry.info.nextAt = null;
    if (!entry.target.isBusy()) return this.fire(entry);
    // Coalesced: a schedule that comes due twice during one long turn runs once after it.
    if (entry.waiting) return;
    entry.waiting = true;
    entry.job.progress('waiting for the running turn to end');
    void entry.target.whenIdle().then(() => {
      entry.waiting = false;
      // Cancelled while it waited: the entry is gone (a one-off is removed only when it fires).
      if (this.entries.get(entry.info.id) === entry) this.fire(entry);
    });
  }

  private fire(entry: Entry): void {
    entry.info.runs += 1;
    const once = entry.info.kind === 'in';
    if (once) this.entries.delete(entry.info.id);
    entry.job.progress(`sent (${entry.info.runs}×)`);
    void entry.target.submit(entry.info.text).then(
      (outcome) => this.settled(entry, once, outcome.status === 'finished' ? null : describeOutcome(outcome)),
      (error: unknown) => this.settled(entry, once, getErrorMessage(error)),
    );
  }

  private settled(entry: Entry, once: boolean, problem: string | null): void {
    if (!once) {
      if (problem !== null) entry.job.progress(`last run: ${problem}`);
      return;
    }
    if (problem === null) entry.job.finish('sent; the turn finished');
    else entry.job.fail(problem);
  }

  /** Ends a schedule for good: no more runs, its job cancelled. */
  private stop(entry: Entry): void {
    if (!this.entries.delete(entry.info.id)) return;
    if (entry.timer !== null) this.deps.timers.clearTimeout(entry.timer);
    entry.timer = null;
    entry.job.cancelled();
  }
}

function describeOutcome(outcome: TurnOutcome): string {
  return outcome.status === 'failed'
    ? `the turn failed: ${outcome.error?.message ?? 'unknown error'}`
    : 'the turn was interrupted';
}
