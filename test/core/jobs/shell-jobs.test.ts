import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { OctoEventName, OctoEvents } from '../../../src/core/events.js';
import type { MessageRecord } from '../../../src/core/store/records.js';
import type { WorkspaceOptions } from '../../../src/core/workspace.js';
import { useScriptedSuite } from '../../support/scripted-suite.js';
import { makeTestWorkspace, type TestWorkspace } from '../../support/workspace.js';

const suite = useScriptedSuite();

async function workspace(options: WorkspaceOptions): Promise<TestWorkspace> {
  suite.tw = await makeTestWorkspace({
    providerUrl: suite.fake.url,
    options,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });
  return suite.tw;
}

/** Resolves with the first event of this name that matches. */
function next<K extends OctoEventName>(
  t: TestWorkspace,
  name: K,
  match: (payload: OctoEvents[K]) => boolean,
): Promise<OctoEvents[K]> {
  return new Promise((resolve) => {
    const off = t.ws.on(name, (payload) => {
      if (!match(payload)) return;
      off();
      resolve(payload);
    });
  });
}

const toolResults = (records: readonly unknown[]): string[] =>
  (records as MessageRecord[]).filter((r) => r.kind === 'message' && r.role === 'tool').map((r) => r.content);

const background = (id: string, command: string) => ({
  id,
  name: 'run_shell',
  arguments: JSON.stringify({ command, background: true }),
});

/** True while a process exists and is not a zombie. */
async function alive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

describe('background shell commands', () => {
  it('runs as a job while the turn finishes, and shell_job_output returns its output', async () => {
    const t = await workspace({ allow: ['shell'] });
    const command = 'echo started; while [ ! -f go ]; do sleep 0.05; done; echo finished';
    suite.fake.enqueue({ toolCalls: [background('c1', command)] }, { text: 'It is running.' });
    const handle = await t.ws.sessions.open('bg', { create: true });
    const started = next(t, 'job.progress', (e) => e.activity === 'started');
    const outcome = await handle.submit('start it');
    expect(outcome).toMatchObject({ status: 'finished', reply: 'It is running.' });
    expect(toolResults(handle.records())).toEqual([
      'started job j1; use shell_job_output with id j1 to read its output',
    ]);
    await started;
    expect(t.ws.jobs.list()).toMatchObject([
      {
        id: 'j1',
        kind: 'shell',
        title: command,
        sessionId: handle.id,
        status: 'running',
        activity: 'started',
      },
    ]);

    const finished = next(t, 'job.finished', (e) => e.jobId === 'j1');
    await writeFile(path.join(t.projectDir, 'go'), '');
    await finished;
    suite.fake.enqueue(
      { toolCalls: [{ id: 'o1', name: 'shell_job_output', arguments: '{"id":"j1"}' }] },
      { text: 'Done.' },
    );
    await handle.submit('how did it go?');
    expect(toolResults(handle.records()).at(-1)).toBe(
      `job j1: exited (exit code 0)\n$ ${command}\nstarted\nfinished\n`,
    );
    expect(t.ws.jobs.get('j1')).toMatchObject({ status: 'finished', activity: 'exit code 0' });
    expect(t.ws.jobs.output('j1')).toBe(`job j1: exited (exit code 0)\n$ ${command}\nstarted\nfinished\n`);
  });

  it('kills the whole process group when the job is cancelled', async () => {
    const t = await workspace({ allow: ['shell'] });
    const pidFile = path.join(t.projectDir, 'child.pid');
    suite.fake.enqueue(
      { toolCalls: [background('c1', `sleep 30 & echo $! > ${pidFile}; echo ready; wait`)] },
      { text: 'Started.' },
    );
    const handle = await t.ws.sessions.open('cancel', { create: true });
    const ready = next(t, 'job.progress', (e) => e.activity === 'ready');
    await handle.submit('start it');
    await ready;
    const child = Number((await readFile(pidFile, 'utf8')).trim());
    expect(await alive(child)).toBe(true);
    const failed = next(t, 'job.failed', (e) => e.jobId === 'j1');
    expect(t.ws.jobs.cancel('j1')).toBe(true);
    expect(await failed).toMatchObject({ cancelled: true });
    // The group was signalled when the job failed; the sleep ends as soon as it is scheduled.
    await vi.waitFor(async () => expect(await alive(child)).toBe(false), { timeout: 10_000 });
    expect(t.ws.jobs.output('j1')).toMatch(/^job j1: cancelled \(killed by SIGTERM\)\n/);
  });

  it('stops running background commands when the workspace closes', async () => {
    const t = await workspace({ allow: ['shell'] });
    suite.fake.enqueue({ toolCalls: [background('c1', 'echo $$; sleep 30')] }, { text: 'Started.' });
    const handle = await t.ws.sessions.open('close', { create: true });
    const pid = next(t, 'job.progress', (e) => /^\d+$/.test(e.activity));
    await handle.submit('start it');
    const leader = Number((await pid).activity);
    await t.ws.close();
    expect(await alive(leader)).toBe(false);
  });

  it('still needs approval: refused when nobody can be asked, and nothing starts', async () => {
    const t = await workspace({});
    suite.fake.enqueue({ toolCalls: [background('c1', 'echo hi > ran.txt')] }, { text: 'Not allowed.' });
    const handle = await t.ws.sessions.open('refused', { create: true });
    await handle.submit('start it');
    expect(toolResults(handle.records())).toEqual([
      expect.stringMatching(/^Error: The tool was not allowed: run_shell needs the user's approval/),
    ]);
    expect(t.ws.jobs.list()).toEqual([]);
  });

  it('says so when asked about a job that is not a background shell command', async () => {
    const t = await workspace({});
    suite.fake.enqueue(
      { toolCalls: [{ id: 'o1', name: 'shell_job_output', arguments: '{"id":"j7"}' }] },
      { text: 'No.' },
    );
    const handle = await t.ws.sessions.open('none', { create: true });
    await handle.submit('read it');
    expect(toolResults(handle.records())).toEqual([
      'Error: There is no background shell job j7 (only the output of the most recent finished jobs is kept)',
    ]);
  });
});
