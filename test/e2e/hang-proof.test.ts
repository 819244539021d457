/**
 * A pattern from the model cannot hang octo (docs/faults.md row 34), through the real binary:
 * the search stops at its budget and the turn goes on; SIGTERM during the search ends the run at once
 * with the session saved and the lock released.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { MessageRecord, SessionRecord } from '../../src/core/api.js';
import { e2eConfig, useOctoHome } from './support.js';

const e2e = useOctoHome();

/** 2^30 backtracking steps per line for `(a+)+$`: minutes, on the main thread of the old octo. */
const CATASTROPHIC = `${'a'.repeat(30)}!\n`.repeat(20);
const SEARCH = {
  toolCalls: [{ id: 'c1', name: 'search_text', arguments: JSON.stringify({ pattern: '(a+)+$' }) }],
};

async function messages(name: string): Promise<MessageRecord[]> {
  const shown = await e2e.home.run(['sessions', 'show', name, '--json']);
  expect(shown.code).toBe(0);
  const { records } = JSON.parse(shown.stdout) as { records: SessionRecord[] };
  return records.filter((r): r is MessageRecord => r.kind === 'message');
}

/** CPU time a process has used, in clock ticks (utime + stime of /proc/PID/stat). */
async function cpuTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * Resolves once the process has spent `ticks` of CPU since the call: the pattern is being matched (a
 * search that only waits on the disk spends next to none), whichever thread runs it.
 */
async function busyFor(pid: number, ticks: number): Promise<void> {
  const start = await cpuTicks(pid);
  while ((await cpuTicks(pid)) - start < ticks) await delay(20);
}

async function withBudget(ms: number): Promise<void> {
  await writeFile(
    path.join(e2e.home.dataDir, 'config.toml'),
    e2eConfig(e2e.fake.url, `[tools]\nsearch_budget_ms = ${ms}\n`),
  );
  await writeFile(path.join(e2e.home.projectDir, 'slow.txt'), CATASTROPHIC);
}

describe('a catastrophic regular expression from the model', () => {
  it('stops at the search budget with a note, and the turn completes', async () => {
    await withBudget(1500);
    e2e.fake.enqueue(SEARCH, { text: 'The search was too slow.' });
    const result = await e2e.home.run(['run', '--name', 'regex', '-p', 'find runs of a']);
    expect(result).toMatchObject({ code: 0, stdout: 'The search was too slow.\n' });
    const tool = (await messages('regex')).find((m) => m.role === 'tool');
    expect(tool?.content).toContain(
      '[stopped after 1.5 s, the time budget of a search (tools.search_budget_ms): 1 file searched, 0 matches found before it.',
    );
  });

  it('SIGTERM during the search exits promptly, the session saved and its lock released', async () => {
    // The default budget (10 s): the signal comes long before it.
    await writeFile(path.join(e2e.home.projectDir, 'slow.txt'), CATASTROPHIC);
    e2e.fake.enqueue(SEARCH, { text: 'never asked' });
    const child = e2e.home.spawn(['run', '--name', 'stuck', '-p', 'find runs of a']);
    await child.waitFor((p) => p.stderr.includes('search_text'), 'the search to start');
    await busyFor(child.child.pid ?? 0, 30);
    child.child.kill('SIGTERM');
    // The old octo never ran its handler: the e2e guard killed it with SIGKILL after 15 s.
    const result = await child.exited;
    expect(result).toMatchObject({ code: 143, signal: null });
    expect(result.stderr).toContain('Stopping the turn');
    const stored = await messages('stuck');
    expect(stored.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(stored[2]?.content).toMatch(/interrupted/i);
    const leftovers = (await readdir(path.join(e2e.home.dataDir, 'sessions'))).filter(
      (name) => name.endsWith('.lock') || name.includes('.owner.json'),
    );
    expect(leftovers).toEqual([]);
  });
});
