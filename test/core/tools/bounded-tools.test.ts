/**
 * Patterns from the model cannot hang octo (docs/faults.md row 34): they run in a thread that is
 * killed when the search's budget runs out or the turn is cancelled, and what was found is kept.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAbortError } from '../../../src/core/errors.js';
import { makeToolBench, type ToolBench } from './harness.js';

let bench: ToolBench;
beforeEach(async () => {
  bench = await makeToolBench();
});
afterEach(async () => {
  await bench.cleanup();
});

/** Backtracking over these takes 2^30 steps per line: minutes, on any engine that backtracks. */
const CATASTROPHIC = `${'a'.repeat(30)}!\n`.repeat(20);

function search(args: object, options: { budgetMs: number; signal?: AbortSignal }) {
  return bench.tools.call('search_text', JSON.stringify(args), {
    projectDir: bench.project,
    signal: options.signal ?? new AbortController().signal,
    searchBudgetMs: options.budgetMs,
  });
}

describe('search_text with a catastrophic pattern', () => {
  it('stops at its budget and returns what it found before, with a note', async () => {
    // Over 256 kB, so the first file is a batch of its own, answered before the thread sticks on the next.
    await writeFile(path.join(bench.project, 'a-first.txt'), `aaa\n${`${'b'.repeat(99)}\n`.repeat(3000)}`);
    await writeFile(path.join(bench.project, 'b-slow.txt'), CATASTROPHIC);
    const result = await search({ pattern: '(a+)+$' }, { budgetMs: 6000 });
    expect(result.ok).toBe(true);
    expect(result.content.split('\n')).toEqual([
      'a-first.txt:1: aaa',
      '[stopped after 6 s, the time budget of a search (tools.search_budget_ms): 2 files searched, 1 match found before it. A pattern with nested repetition such as (a+)+ can take exponential time: simplify it, or narrow the path.]',
    ]);
  });

  it('stops at once when the turn is cancelled, whatever the budget', async () => {
    await writeFile(path.join(bench.project, 'slow.txt'), CATASTROPHIC);
    const controller = new AbortController();
    const running = search({ pattern: '(a+)+$' }, { budgetMs: 600_000, signal: controller.signal });
    // The main thread is free while the pattern runs: this timer fires and its abort is seen.
    setTimeout(() => controller.abort(), 50);
    const error = await running.then(
      () => null,
      (e: unknown) => e,
    );
    expect(isAbortError(error)).toBe(true);
  });

  it('finds everything when the budget is enough', async () => {
    await writeFile(path.join(bench.project, 'fine.txt'), 'aaaa\nab\naa\n');
    expect(await search({ pattern: '(a+)+$' }, { budgetMs: 10_000 })).toEqual({
      ok: true,
      content: 'fine.txt:1: aaaa\nfine.txt:3: aa',
    });
  });
});

describe('list_files with a glob', () => {
  it('matches in the pattern thread as .gitignore would', async () => {
    await writeFile(path.join(bench.project, 'x.ts'), '');
    await writeFile(path.join(bench.project, 'y.js'), '');
    expect(await bench.call('list_files', { pattern: '*.ts' })).toEqual({
      ok: true,
      content: '1 files\nx.ts',
    });
  });
});

describe('a huge file given to a tool (docs/faults.md row 34)', () => {
  const HUGE = 6 * 1024 * 1024;
  async function hugeFile(): Promise<void> {
    const line = `${'x'.repeat(99)}\n`;
    await writeFile(path.join(bench.project, 'huge.log'), line.repeat(Math.ceil(HUGE / line.length)));
  }

  it('read_file streams a line range of it without reading it whole', async () => {
    await hugeFile();
    expect(await bench.call('read_file', { path: 'huge.log' })).toEqual({
      ok: false,
      content: 'huge.log is 6.0 MiB; read a line range instead',
    });
    const range = await bench.call('read_file', { path: 'huge.log', start_line: 3, end_line: 4 });
    expect(range).toEqual({
      ok: true,
      content: `huge.log lines 3-4 (a 6.0 MiB file)\n3: ${'x'.repeat(99)}\n4: ${'x'.repeat(99)}`,
    });
  });

  it('edit_file refuses it and says what to use instead', async () => {
    await hugeFile();
    expect(await bench.call('edit_file', { path: 'huge.log', old_text: 'x', new_text: 'y' })).toEqual({
      ok: false,
      content: 'huge.log is 6.0 MiB, too large to edit here; use run_shell (sed, patch)',
    });
  });
});
