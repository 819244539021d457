import type { Clock } from '../deps.js';
import type { EventBus } from '../events.js';
import { addUsage, ZERO_USAGE, type Usage } from '../store/index.js';
import type { JobInfo, JobKind } from './types.js';

/** Finished jobs kept for the pane; older ones drop off (their transcripts stay in their sessions). */
const KEEP_FINISHED = 50;

/** The handle the code doing the work holds. */
export interface RunningJob {
  readonly id: string;
  /** Aborts when the user cancels the job (or the workspace closes). */
  readonly signal: AbortSignal;
  /** Adds usage and cost, and says what it is doing now. */
  progress(activity: string, spent?: { usage: Usage; cost: number | null }): void;
  finish(activity?: string): void;
  fail(message: string): void;
  /** Ends a job the user cancelled (reported as failed with `cancelled`). */
  cancelled(): void;
  info(): JobInfo;
}

interface Slot {
  info: JobInfo;
  controller: AbortController;
}

/** In-memory registry of background jobs: running ones are not persisted across restarts. */
export class JobManager {
  private readonly slots = new Map<string, Slot>();
  private counter = 0;

  constructor(
    private readonly bus: EventBus,
    private readonly clock: Clock,
  ) {}

  start(init: { kind: JobKind; title: string; sessionId: string; childSessionId?: string }): RunningJob {
    this.counter += 1;
    const id = `j${this.counter}`;
    const slot: Slot = {
      controller: new AbortController(),
      info: {
        id,
        ...init,
        status: 'running',
        startedAt: this.clock.now(),
        endedAt: null,
        usage: { ...ZERO_USAGE },
        cost: null,
        activity: '',
      },
    };
    this.slots.set(id, slot);
    this.bus.emit('job.started', { jobId: id, ...init });
    this.prune();
    return this.handle(slot);
  }

  list(): JobInfo[] {
    return [...this.slots.values()].map((slot) => structuredClone(slot.info));
  }

  get(id: string): JobInfo | null {
    const slot = this.slots.get(id);
    return slot === undefined ? null : structuredClone(slot.info);
  }

  /** False when there is no running job with this id. */
  cancel(id: string): boolean {
    const slot = this.slots.get(id);
    if (slot === undefined || slot.info.status !== 'running') return false;
    slot.controller.abort();
    return true;
  }

  cancelAll(): void {
    for (const slot of this.slots.values()) if (slot.info.status === 'running') slot.controller.abort();
  }

  private handle(slot: Slot): RunningJob {
    const { info } = slot;
    const end = (status: JobInfo['status'], message?: string): void => {
      if (info.status !== 'running') return;
      info.status = status;
      info.endedAt = Math.max(info.startedAt, this.clock.now());
      if (status === 'finished') {
        this.bus.emit('job.finished', {
          jobId: info.id,
          sessionId: info.sessionId,
          usage: { ...info.usage },
          cost: info.cost,
        });
        return;
      }
      info.error = message ?? 'Cancelled';
      this.bus.emit('job.failed', {
        jobId: info.id,
        sessionId: info.sessionId,
        message: info.error,
        ...(status === 'cancelled' ? { cancelled: true } : {}),
      });
    };
    return {
      id: info.id,
      signal: slot.controller.signal,
      progress: (activity, spent) => {
        if (spent !== undefined) {
          info.usage = addUsage(info.usage, spent.usage);
          if (spent.cost !== null) info.cost = (info.cost ?? 0) + spent.cost;
        }
        info.activity = activity;
        this.bus.emit('job.progress', {
          jobId: info.id,
          sessionId: info.sessionId,
          activity,
          usage: { ...info.usage },
          cost: info.cost,
        });
      },
      finish: (activity) => {
        if (activity !== undefined) info.activity = activity;
        end('finished');
      },
      fail: (message) => end('failed', message),
      cancelled: () => end('cancelled', 'Cancelled by the user'),
      info: () => structuredClone(info),
    };
  }

  private prune(): void {
    const done = [...this.slots.values()].filter((slot) => slot.info.status !== 'running');
    for (const slot of done.slice(0, Math.max(0, done.length - KEEP_FINISHED)))
      this.slots.delete(slot.info.id);
  }
}
