import type { Clock, Timers } from '../../../src/core/deps.js';

/** Timers and a clock that move only when the test says so. */
export class FakeTimers implements Timers {
  private time: number;
  private nextId = 1;
  private readonly pending = new Map<number, { at: number; callback: () => void }>();
  readonly clock: Clock = { now: () => this.time };

  constructor(start = Date.parse('2026-11-23T09:00:00Z')) {
    this.time = start;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { at: this.time + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Moves time forward, running each timer that comes due, in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (let due = this.nextDue(end); due !== null; due = this.nextDue(end)) {
      this.pending.delete(due.id);
      this.time = due.at;
      due.callback();
    }
    this.time = end;
  }

  private nextDue(end: number): { id: number; at: number; callback: () => void } | null {
    let best: { id: number; at: number; callback: () => void } | null = null;
    for (const [id, timer] of this.pending)
      if (timer.at <= end && (best === null || timer.at < best.at)) best = { id, ...timer };
    return best;
  }
}
