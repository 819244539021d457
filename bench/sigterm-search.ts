/**
 * SIGTERM while `search_text` runs a catastrophic pattern (`(a+)+$` over lines of `aaaa…!`, docs/faults.md
 * row 34): wall time from the signal to the exit of `octo run -p` (turn saved as interrupted, lock
 * released). The pattern runs in a thread of its own; the figure is the stop path: the turn's records,
 * the workspace's close and the process's exit, on a machine as loaded as it is.
 * Run: npm run build && npx tsx bench/sigterm-search.ts
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { startFakeProvider } from '../test/support/fake-provider.js';
import { e2eConfig, makeOctoHome, OctoProcess } from '../test/e2e/support.js';
import { benchRuns, median, ms, report } from './support.js';

const CATASTROPHIC = `${'a'.repeat(30)}!\n`.repeat(20);
const SEARCH = {
  toolCalls: [{ id: 'c1', name: 'search_text', arguments: JSON.stringify({ pattern: '(a+)+$' }) }],
};

/** CPU time a process has used, in clock ticks. */
async function cpuTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

const fake = await startFakeProvider();
const home = await makeOctoHome(fake.url);
const runs = benchRuns(10);
const times: number[] = [];
const failures: string[] = [];
try {
  await writeFile(path.join(home.dataDir, 'config.toml'), e2eConfig(fake.url));
  await writeFile(path.join(home.projectDir, 'slow.txt'), CATASTROPHIC);
  for (let run = 0; run < runs; run += 1) {
    // The search alone: the turn is stopped before it asks again.
    fake.enqueue(SEARCH);
    const octo = new OctoProcess(['run', '--name', `stuck-${run}`, '-p', 'find runs of a'], {
      cwd: home.projectDir,
      env: home.env,
    });
    await octo.waitFor((p) => p.stderr.includes('search_text'), 'the search to start');
    const pid = octo.child.pid ?? 0;
    // The pattern is being matched: a tenth of a second of CPU spent since the search started.
    const start = await cpuTicks(pid);
    while ((await cpuTicks(pid)) - start < 10) await delay(10);
    const signalled = performance.now();
    octo.child.kill('SIGTERM');
    const result = await octo.exited;
    times.push(performance.now() - signalled);
    if (result.code !== 143) failures.push(`run ${run}: exit ${result.code ?? result.signal}`);
  }
  report('SIGTERM during a catastrophic search_text, to exit', [
    `median ${ms(median(times))}, range ${ms(Math.min(...times))}–${ms(Math.max(...times))} over ${runs} runs`,
    ...failures,
  ]);
} finally {
  await home.cleanup();
  await fake.close();
}
