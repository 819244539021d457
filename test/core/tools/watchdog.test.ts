/**
 * The watchdog stops the groups still watched when its pipe closes (octo gone, however it ended; here
 * `close()` ends the pipe as octo's death does), and never a group octo has stopped and forgotten.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { processStart } from '../../../src/core/tools/index.js';
import { Watchdog } from '../../../src/core/tools/watchdog.js';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.pid !== undefined) killGroup(child.pid);
});

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** A process group of its own (sh leading a sleep), as octo starts for a shell command. */
async function group(): Promise<number> {
  const child = spawn('/bin/sh', ['-c', 'sleep 300; :'], { detached: true, stdio: 'ignore' });
  started.push(child);
  await new Promise((resolve) => child.once('spawn', resolve));
  return child.pid ?? 0;
}

/** Resolves once no process runs under `pid` (a zombie counts as gone); polls, as nothing else tells. */
async function gone(pid: number): Promise<void> {
  while ((await processStart(pid)) !== null) await delay(50);
}

describe('Watchdog', () => {
  it('stops the groups still watched when its pipe closes, and leaves forgotten ones alone', async () => {
    const errors: string[] = [];
    const watchdog = new Watchdog((message) => errors.push(message));
    const [watched, forgotten, late] = [await group(), await group(), await group()];
    watchdog.watch(watched);
    watchdog.watch(forgotten);
    watchdog.forget(forgotten);
    watchdog.watch(late);
    // Watching signals nothing: all three run while the pipe is open.
    for (const pid of [watched, forgotten, late]) expect(await processStart(pid)).not.toBeNull();
    watchdog.close();
    await gone(watched);
    await gone(late);
    expect(await processStart(forgotten)).not.toBeNull();
    expect(errors).toEqual([]);
  });

  it('a group that ignores SIGTERM gets SIGKILL after the grace', async () => {
    const watchdog = new Watchdog(() => undefined);
    const child = spawn('/bin/sh', ['-c', "trap '' TERM; sleep 300; :"], { detached: true, stdio: 'ignore' });
    started.push(child);
    await new Promise((resolve) => child.once('spawn', resolve));
    watchdog.watch(child.pid ?? 0);
    watchdog.close();
    await gone(child.pid ?? 0);
  });
});
