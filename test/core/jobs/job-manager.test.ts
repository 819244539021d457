import { describe, expect, it } from 'vitest';
import { EventBus, type OctoEvents } from '../../../src/core/events.js';
import { formatDuration, JobManager, parseDuration } from '../../../src/core/jobs/index.js';
import { usage } from '../../support/seed-session.js';

const rethrow = (error: unknown): never => {
  throw error;
};

describe('JobManager', () => {
  it('tracks a job from start to finish with summed usage and cost, and reports it in events', () => {
    const bus = new EventBus(rethrow);
    const events: Array<[string, unknown]> = [];
    for (const name of ['job.started', 'job.progress', 'job.finished', 'job.failed'] as const) {
      bus.on(name, (payload: OctoEvents[typeof name]) => events.push([name, payload]));
    }
    let now = 1000;
    const jobs = new JobManager(bus, { now: () => now });
    const job = jobs.start({ kind: 'agent', title: 'look', sessionId: 's1' });
    job.progress('read_file a.ts', { usage: usage(10, 1), cost: 0.5 });
    job.progress('thinking', { usage: usage(5, 2), cost: null });
    now = 500; // the clock jumped back: no negative duration
    job.finish();
    job.fail('too late');
    expect(jobs.list()).toEqual([
      {
        id: 'j1',
        kind: 'agent',
        title: 'look',
        sessionId: 's1',
        status: 'finished',
        startedAt: 1000,
        endedAt: 1000,
        usage: usage(15, 3),
        cost: 0.5,
        activity: 'thinking',
      },
    ]);
    expect(events.map(([name]) => name)).toEqual([
      'job.started',
      'job.progress',
      'job.progress',
      'job.finished',
    ]);
    expect(events.at(-1)?.[1]).toEqual({ jobId: 'j1', sessionId: 's1', usage: usage(15, 3), cost: 0.5 });
  });

  it('cancels a running job through its signal, once', () => {
    const jobs = new JobManager(new EventBus(rethrow), { now: () => 0 });
    const job = jobs.start({ kind: 'schedule', title: 't', sessionId: 's' });
    expect(jobs.cancel(job.id)).toBe(true);
    expect(job.signal.aborted).toBe(true);
    job.cancelled();
    expect(jobs.get(job.id)).toMatchObject({ status: 'cancelled', error: 'Cancelled by the user' });
    expect(jobs.cancel(job.id)).toBe(false);
    expect(jobs.cancel('j404')).toBe(false);
  });

  it('keeps the 50 most recent finished jobs', () => {
    const jobs = new JobManager(new EventBus(rethrow), { now: () => 0 });
    for (let i = 0; i < 60; i += 1) jobs.start({ kind: 'agent', title: `${i}`, sessionId: 's' }).finish();
    const running = jobs.start({ kind: 'agent', title: 'live', sessionId: 's' });
    const ids = jobs.list().map((j) => j.id);
    expect(ids).toHaveLength(51);
    expect(ids[0]).toBe('j11');
    expect(ids.at(-1)).toBe(running.id);
  });
});

describe('durations', () => {
  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
    ['1H', 3_600_000],
  ])('reads %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(parseDuration(formatDuration(ms))).toBe(ms);
  });

  it.each(['', '10', 'm', '1.5h', '-1m', '0m', 'soon'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeNull();
  });
});
