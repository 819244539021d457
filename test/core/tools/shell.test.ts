import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeToolBench, type ToolBench } from './harness.js';

let bench: ToolBench | undefined;
afterEach(async () => {
  await bench?.cleanup();
  bench = undefined;
});

/** True while a process exists and is not a zombie awaiting its parent (init reaps orphans on its own time). */
async function alive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

describe('run_shell', () => {
  it('runs in the project directory and reports output and exit code', async () => {
    bench = await makeToolBench();
    expect(await bench.call('run_shell', { command: 'pwd; echo oops >&2; exit 3' })).toEqual({
      ok: false,
      content: `$ pwd; echo oops >&2; exit 3\n${bench.project}\noops\n[exit code 3]`,
    });
  });

  it('kills the command and everything it started when the time limit passes', async () => {
    bench = await makeToolBench({ timeoutMs: 400 });
    const pidFile = path.join(bench.project, 'child.pid');
    const result = await bench.call('run_shell', { command: `sleep 30 & echo $! > ${pidFile}; wait` });
    expect(result.ok).toBe(false);
    expect(result.content).toMatch(
      /\[stopped after the time limit of 0.4 s; the command and everything it started were killed\]$/,
    );
    const child = Number((await readFile(pidFile, 'utf8')).trim());
    expect(await alive(child)).toBe(false);
  });

  it('stops background processes when the command ends', async () => {
    bench = await makeToolBench();
    const result = await bench.call('run_shell', { command: 'sleep 30 & echo $!' });
    expect(result.ok).toBe(true);
    const pid = Number(result.content.split('\n')[1]);
    expect(await alive(pid)).toBe(false);
  });

  it('is interrupted by the turn being cancelled', async () => {
    bench = await makeToolBench();
    const controller = new AbortController();
    const running = bench.call('run_shell', { command: 'echo started; sleep 30' }, controller.signal);
    controller.abort();
    await expect(running).rejects.toThrow();
  });

  it('keeps the beginning and end of a 10 MB output and states the cap (FAULTS 21)', async () => {
    bench = await makeToolBench({ maxOutputBytes: 1000 });
    const result = await bench.call('run_shell', {
      command: `echo FIRST; head -c 10000000 /dev/zero | tr '\\0' 'a'; echo; echo LAST`,
    });
    expect(result.ok).toBe(true);
    expect(result.content.length).toBeLessThan(1300);
    expect(result.content).toMatch(
      /^\$ .*\nFIRST\na+\n\[output capped at 1000 bytes: 9\.5 MiB omitted from the middle of 9\.5 MiB\]\na+\nLAST\n\[exit code 0\]$/,
    );
  });
});
