import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
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
    await vi.waitFor(async () => expect(await alive(child)).toBe(false), { timeout: 10_000 });
  });

  it('stops background processes when the command ends', async () => {
    bench = await makeToolBench();
    const result = await bench.call('run_shell', { command: 'sleep 30 & echo $!' });
    expect(result.ok).toBe(true);
    const pid = Number(result.content.split('\n')[1]);
    // The group was signalled as the command ended; the sleep ends as soon as it is scheduled.
    await vi.waitFor(async () => expect(await alive(pid)).toBe(false), { timeout: 10_000 });
  });

  it('is interrupted by the turn being cancelled', async () => {
    bench = await makeToolBench();
    const controller = new AbortController();
    const running = bench.call('run_shell', { command: 'echo started; sleep 30' }, controller.signal);
    controller.abort();
    await expect(running).rejects.toThrow();
  });

  it('keeps the beginning and end of a 10 MB output and states the cap (docs/faults.md row 21)', async () => {
    bench = await makeToolBench({ maxOutputBytes: 1000 });
    const result = await bench.call('run_shell', {
      command: `echo FIRST; head -c 10000000 /dev/zero | tr '\\0' 'a'; echo; echo LAST`,
    });
    expect(result.ok).toBe(true);
    expect(result.content.length).toBeLessThan(1300);
    // 10,000,012 bytes came out (FIRST, the a's, two newlines, LAST); the 1,000 kept are not "omitted".
    expect(result.content).toMatch(
      /^\$ .*\nFIRST\na+\n\[… 9,999,012 bytes \(9\.5 MiB\) omitted from the middle of 10,000,012 bytes \(9\.5 MiB\) of output …\]\na+\nLAST\n\[exit code 0\]$/,
    );
  });

  it('cuts a 23 MB output to the result cap at both ends: the last error line and the exit status stay, the true size is stated', async () => {
    bench = await makeToolBench({ maxOutputBytes: 200_000, maxOutputChars: 50_000 });
    const result = await bench.call('run_shell', {
      command: `echo START; head -c 23000000 /dev/zero | tr '\\0' 'x'; echo; echo 'error: the build failed' >&2; exit 3`,
    });

    expect(result.ok).toBe(false);
    expect(result.content.length).toBeLessThanOrEqual(50_000);
    expect(result.content).toMatch(/^\$ echo START;.*\nSTART\nx+\n/);
    expect(result.content).toMatch(/\nx+\nerror: the build failed\n\[exit code 3\]$/);
    const [, head = '', omitted = '', tail = ''] =
      /^\$ [^\n]*\n([\s\S]*)\n\[… ([\d,]+) bytes \([\d.]+ MiB\) omitted from the middle of 23,000,031 bytes \(21\.9 MiB\) of output …\]\n([\s\S]*)\[exit code 3\]$/.exec(
        result.content,
      ) ?? [];
    // What is kept plus what is said to be omitted is the whole output, byte for byte.
    expect(head).toMatch(/^START\nx+$/);
    expect(Buffer.byteLength(head) + Number(omitted.replace(/,/g, '')) + Buffer.byteLength(tail)).toBe(
      23_000_031,
    );
  });
});
