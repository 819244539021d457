import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Workspace } from '../../../src/core/api.js';
import type { OctoEventName, OctoEvents } from '../../../src/core/events.js';
import { createWorkspace } from '../../../src/core/workspace.js';
import { startFakeProvider, type FakeProvider } from '../../support/fake-provider.js';
import { testConfig } from '../../support/workspace.js';
import { FakeTimers } from './fake-timers.js';

let fake: FakeProvider;
let ws: Workspace;
let root: string;
let timers: FakeTimers;
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(() => fake.close());
afterEach(async () => {
  await ws.close();
  await rm(root, { recursive: true, force: true });
});

async function workspace(): Promise<Workspace> {
  root = await mkdtemp(path.join(tmpdir(), 'octo-schedule-'));
  const dataDir = path.join(root, 'data');
  const projectDir = path.join(root, 'project');
  await mkdir(projectDir, { recursive: true });
  await mkdir(dataDir, { recursive: true });
  await writeFile(path.join(dataDir, 'config.toml'), testConfig(fake.url));
  timers = new FakeTimers();
  ws = await createWorkspace({
    env: { OCTO_HOME: dataDir },
    home: root,
    cwd: projectDir,
    clock: timers.clock,
    timers,
    pid: process.pid,
  });
  return ws;
}

function next<K extends OctoEventName>(
  name: K,
  match: (payload: OctoEvents[K]) => boolean = () => true,
): Promise<OctoEvents[K]> {
  return new Promise((resolve) => {
    const off = ws.on(name, (payload) => {
      if (!match(payload)) return;
      off();
      resolve(payload);
    });
  });
}

const lastUserText = (): unknown => {
  const messages = fake.requests.at(-1)?.body.messages as Array<{ role: string; content: string }>;
  return messages.filter((m) => m.role === 'user').at(-1)?.content;
};

describe('/schedule', () => {
  it('sends a text to the session once, when its time comes, tracked as a job', async () => {
    await workspace();
    const handle = await ws.sessions.open('daily', { create: true });
    expect(await handle.command('/schedule in 10m Summarise the day')).toEqual({
      type: 'message',
      level: 'info',
      text: 'Scheduled j1: "Summarise the day" in 10m (held until octo exits). Cancel it with /schedule cancel j1.',
    });
    expect(ws.jobs.list()).toMatchObject([
      { id: 'j1', kind: 'schedule', status: 'running', activity: 'next run in 10m' },
    ]);
    const before = fake.requests.length;
    timers.advance(9 * 60_000);
    expect(fake.requests.length).toBe(before);
    fake.enqueue({ text: 'Here is the summary.' });
    const done = next('job.finished', (e) => e.jobId === 'j1');
    timers.advance(60_000);
    await done;
    expect(lastUserText()).toBe('Summarise the day');
    expect(handle.records().at(-1)).toMatchObject({ role: 'assistant', content: 'Here is the summary.' });
    expect(ws.jobs.get('j1')).toMatchObject({ status: 'finished' });
  });

  it('repeats every interval until cancelled', async () => {
    await workspace();
    const handle = await ws.sessions.open('hourly', { create: true });
    await handle.command('/schedule every 1h check the build');
    for (const reply of ['green', 'red']) {
      fake.enqueue({ text: reply });
      const turn = next('turn.finished', (e) => e.sessionId === handle.id);
      timers.advance(3_600_000);
      await turn;
    }
    const listed = await handle.command('/schedule list');
    expect(listed).toMatchObject({
      type: 'schedules',
      schedules: [{ id: 'j1', kind: 'every', everyMs: 3_600_000, runs: 2, text: 'check the build' }],
    });
    expect(await handle.command('/schedule cancel j1')).toMatchObject({
      level: 'info',
      text: 'Cancelled j1.',
    });
    const before = fake.requests.length;
    timers.advance(5 * 3_600_000);
    expect(fake.requests.length).toBe(before);
    expect(ws.jobs.get('j1')).toMatchObject({ status: 'cancelled' });
    expect(await handle.command('/schedule list')).toEqual({ type: 'schedules', schedules: [] });
  });

  it('waits for a running turn to end instead of colliding with it', async () => {
    await workspace();
    const handle = await ws.sessions.open('busy', { create: true });
    let release!: () => void;
    let arrived!: () => void;
    const inFlight = new Promise<void>((resolve) => (arrived = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    fake.enqueue(
      async () => {
        arrived();
        await gate;
        return { text: 'long answer' };
      },
      { text: 'scheduled answer' },
    );
    await handle.command('/schedule in 1m ping');
    const first = handle.submit('a long question');
    await inFlight;
    timers.advance(60_000);
    expect(ws.jobs.get('j1')?.activity).toBe('waiting for the running turn to end');
    const scheduled = next('job.finished', (e) => e.jobId === 'j1');
    release();
    await first;
    await scheduled;
    expect(lastUserText()).toBe('ping');
  });

  it.each([
    ['/schedule every 10s x', 'Repeat at most every 1m.'],
    ['/schedule in 30d x', 'Schedule at most 24d20h31m24s ahead.'],
    [
      '/schedule in soon x',
      'Usage: /schedule in 10m TEXT | every 1h TEXT | list | cancel ID (durations like 90s, 10m, 1h30m, 2d)',
    ],
    ['/schedule cancel j9', 'No schedule j9 (see /schedule list).'],
  ])('refuses %s', async (line, text) => {
    await workspace();
    const handle = await ws.sessions.open('bad', { create: true });
    expect(await handle.command(line)).toEqual({ type: 'message', level: 'error', text });
    expect(ws.jobs.list()).toEqual([]);
  });
});
