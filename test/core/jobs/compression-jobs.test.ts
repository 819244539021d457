import { describe, expect, it } from 'vitest';
import { EventBus, type OctoEventName, type OctoEvents } from '../../../src/core/events.js';
import { JobManager, trackCompressions } from '../../../src/core/jobs/index.js';
import { useScriptedSuite } from '../../support/scripted-suite.js';
import { makeTestWorkspace, type TestWorkspace } from '../../support/workspace.js';

const suite = useScriptedSuite();

function next<K extends OctoEventName>(t: TestWorkspace, name: K): Promise<OctoEvents[K]> {
  return new Promise((resolve) => {
    const off = t.ws.on(name, (payload) => {
      off();
      resolve(payload);
    });
  });
}

const rethrow = (error: unknown): never => {
  throw error;
};

const usage = { input: 900, output: 120, cacheRead: 0, cacheWrite: 0, reasoning: 0 };

function setup() {
  const bus = new EventBus(rethrow);
  let now = 1000;
  const jobs = new JobManager(bus, { now: () => now });
  const interrupted: string[] = [];
  const stop = trackCompressions(bus, jobs, (sessionId) => interrupted.push(sessionId));
  return { bus, jobs, stop, interrupted, tick: (ms: number) => (now += ms) };
}

describe('compressions as jobs', () => {
  it('shows an automatic compression as a running job, then finished with tokens, usage and cost', () => {
    const { bus, jobs, tick } = setup();
    bus.emit('context.compacting', { sessionId: 's1', trigger: 'auto', level: 60_000, tokens: 61_200 });
    expect(jobs.list()).toMatchObject([
      { id: 'j1', kind: 'compression', title: 'compress context (auto, past 60k)', status: 'running' },
    ]);
    tick(3000);
    bus.emit('context.compacted', {
      sessionId: 's1',
      tokensBefore: 61_200,
      tokensAfter: 20_400,
      trigger: 'auto',
      level: 60_000,
      messages: 14,
      usage,
      cost: 0.02,
    });
    expect(jobs.list()).toEqual([
      {
        id: 'j1',
        kind: 'compression',
        title: 'compress context (auto, past 60k)',
        sessionId: 's1',
        status: 'finished',
        startedAt: 1000,
        endedAt: 4000,
        usage,
        cost: 0.02,
        activity: '61k → 20k tokens, 14 messages',
      },
    ]);
  });

  it('fails the job with the reason when the compression fails', () => {
    const { bus, jobs } = setup();
    bus.emit('context.compacting', { sessionId: 's1', trigger: 'summarize', level: null, tokens: 20_000 });
    bus.emit('context.compactionFailed', { sessionId: 's1', trigger: 'summarize', reason: 'empty summary' });
    expect(jobs.list()).toMatchObject([
      { title: 'compress context (/summarize)', status: 'failed', error: 'empty summary' },
    ]);
  });

  it('interrupts the session when the job is cancelled, and marks it cancelled once interrupted', () => {
    const { bus, jobs, interrupted } = setup();
    bus.emit('context.compacting', { sessionId: 's1', trigger: 'done', level: null, tokens: 20_000 });
    expect(jobs.cancel('j1')).toBe(true);
    expect(interrupted).toEqual(['s1']);
    bus.emit('context.compactionInterrupted', { sessionId: 's1', trigger: 'done' });
    expect(jobs.list()).toMatchObject([{ title: 'compress context (/done)', status: 'cancelled' }]);
  });

  it('keeps sessions apart and ignores endings of compressions it never saw start', () => {
    const { bus, jobs, stop } = setup();
    bus.emit('context.compactionFailed', { sessionId: 's9', trigger: 'auto', reason: 'nothing' });
    bus.emit('context.compacting', { sessionId: 's1', trigger: 'summarize', level: null, tokens: 5000 });
    bus.emit('context.compacting', { sessionId: 's2', trigger: 'summarize', level: null, tokens: 5000 });
    bus.emit('context.compactionFailed', { sessionId: 's2', trigger: 'summarize', reason: 'offline' });
    stop();
    bus.emit('context.compacting', { sessionId: 's3', trigger: 'summarize', level: null, tokens: 5000 });
    expect(jobs.list().map((job) => [job.sessionId, job.status])).toEqual([
      ['s1', 'running'],
      ['s2', 'failed'],
    ]);
  });

  it('cancelling a /summarize job stops the summary call and ends the job cancelled', async () => {
    suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url });
    const t = suite.tw;
    suite.fake.enqueue({ text: 'First answer.' }, { text: 'Second answer.' }, { hang: true });
    const handle = await t.ws.sessions.open('summarised', { create: true });
    await handle.submit('first question');
    await handle.submit('second question');
    const compacting = next(t, 'context.compacting');
    const interrupted = next(t, 'context.compactionInterrupted');
    const command = handle.command('/summarize').catch((error: unknown) => error);
    await compacting;
    expect(t.ws.jobs.list()).toMatchObject([
      { kind: 'compression', title: 'compress context (/summarize)', status: 'running' },
    ]);
    expect(t.ws.jobs.cancel('j1')).toBe(true);
    expect(await interrupted).toEqual({ sessionId: handle.id, trigger: 'summarize' });
    await command;
    expect(t.ws.jobs.list()).toMatchObject([{ kind: 'compression', status: 'cancelled' }]);
  });
});
