import { describe, expect, it } from 'vitest';
import { ShellJobs, type ShellJobHandle } from '../../../src/core/tools/shell-jobs.js';
import type { ShellSettings } from '../../../src/core/tools/types.js';
import { makeTempDir } from '../../support/temp.js';

const shell: ShellSettings = {
  program: 'sh',
  timeoutMs: 10_000,
  maxOutputBytes: 10_000,
  maxOutputChars: 10_000,
  env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
};

/** Jobs as the jobs pane would hold them, numbered in order, each cancellable; `ended(n)` waits for n endings. */
function jobPane() {
  const controllers: AbortController[] = [];
  let endings = 0;
  const waiters: Array<() => void> = [];
  const end = (): void => {
    endings += 1;
    for (const wake of waiters.splice(0)) wake();
  };
  const start = (): ShellJobHandle => {
    const controller = new AbortController();
    controllers.push(controller);
    return {
      id: `j${controllers.length}`,
      signal: controller.signal,
      progress: () => undefined,
      finish: end,
      fail: end,
      cancelled: end,
    };
  };
  const ended = async (count: number): Promise<void> => {
    while (endings < count) await new Promise<void>((resolve) => waiters.push(resolve));
    // The command's entry is settled once its ending has been told: one turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { start, ended, cancel: (n: number) => controllers[n]?.abort() };
}

describe('background shell commands kept', () => {
  it('forgets the output of the oldest finished commands past its bound, never a running one', async () => {
    const temp = await makeTempDir('octo-shell-jobs');
    try {
      const pane = jobPane();
      const jobs = new ShellJobs(pane.start, { keepFinished: 2 });
      const running = await jobs.start('sleep 30', temp.path, shell, 's1');
      const first = await jobs.start('echo 1', temp.path, shell, 's1');
      await pane.ended(1);
      const second = await jobs.start('echo 2', temp.path, shell, 's1');
      await pane.ended(2);
      const third = await jobs.start('echo 3', temp.path, shell, 's1');
      await pane.ended(3);
      expect(jobs.read(first)).toBeNull();
      expect([jobs.read(second)?.output, jobs.read(third)?.output]).toEqual(['2\n', '3\n']);
      expect(jobs.read(running)?.state).toBe('running');

      pane.cancel(0);
      await jobs.settled();
      expect(jobs.read(second)).toBeNull();
      expect([jobs.read(third)?.output, jobs.read(running)?.state]).toEqual(['3\n', 'cancelled']);
    } finally {
      await temp.cleanup();
    }
  });
});
