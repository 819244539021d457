/**
 * docs/faults.md row 40 through the real binary: `octo run -p` on one session, turn after turn, against a
 * summariser that answers nothing useful. The failure is printed on stderr once, with the size at
 * which the next automatic try comes; the runs after it neither ask the summariser again nor print it.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FakeRequest } from '../support/fake-provider.js';
import { isSummaryRequest, summariserAnswer } from '../support/fake-summariser.js';
import { words } from '../core/context/support.js';
import { e2eConfig, useOctoHome } from './support.js';

const e2e = useOctoHome();

const CONFIG = [
  '[providers.test.models."fake-model"]',
  'context_window = 100000',
  '[compression]',
  '[[compression.pressure_levels]]',
  'threshold = 4000',
  'target_ratio = 2',
].join('\n');

/** One run, however slow the loaded machine (a run took 19 s at load 12); a real hang still fails. */
const RUN_HANG_MS = 40_000;

const FAILURE =
  /^warning: compression failed at ([\d.]+k) tokens \(auto\): the summary reply held no summary \("I'm sorry, but I can't help with that\."\); the context was left as it was; the next automatic try comes at ([\d.]+k) tokens$/m;

describe('octo run -p with a summariser that answers nothing useful', () => {
  it('prints the failure on stderr once and does not ask again on every turn', async () => {
    const { fake, home } = e2e;
    fake.setFallback((request: FakeRequest) =>
      isSummaryRequest(request) ? summariserAnswer('useless', request) : { text: 'Noted.' },
    );
    await writeFile(path.join(home.dataDir, 'config.toml'), e2eConfig(fake.url, CONFIG), { mode: 0o600 });
    const failures: Array<{ run: number; line: string }> = [];
    const summaries: number[] = [];
    for (let run = 1; run <= 11; run += 1) {
      const from = fake.requests.length;
      const result = await home.run(['run', '--name', 'long', '-p', `Question ${run}: ${words(400, run)}`], {
        hangMs: RUN_HANG_MS,
      });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe('Noted.\n');
      for (const line of result.stderr.split('\n'))
        if (line.includes('compression failed')) failures.push({ run, line });
      summaries.push(fake.requests.slice(from).filter(isSummaryRequest).length);
    }
    // Each failure is printed once, by the run that asked: no run asks without printing, none prints twice.
    expect(failures.length).toBeGreaterThanOrEqual(1);
    expect(summaries.reduce((a, b) => a + b, 0)).toBe(failures.length);
    const [first, second] = failures;
    const match = FAILURE.exec(first?.line ?? '');
    expect(match, first?.line).not.toBeNull();
    // Runs after the failure, below the retry point, do not ask the summariser again.
    const next = second?.run ?? summaries.length + 1;
    expect(next - (first?.run ?? 0), JSON.stringify({ failures, summaries })).toBeGreaterThanOrEqual(3);
    expect(summaries.slice(first?.run ?? 0, next - 1).every((n) => n === 0)).toBe(true);
    if (second !== undefined) {
      // The next try came once the context had grown past the point the first one named.
      const failedAgainAt = Number.parseFloat(FAILURE.exec(second.line)?.[1] ?? '0');
      expect(failedAgainAt).toBeGreaterThanOrEqual(Number.parseFloat(match?.[2] ?? 'Infinity'));
    }
    const show = await home.run(['sessions', 'show', 'long'], { hangMs: RUN_HANG_MS });
    expect(show.stdout).toMatch(/#\d+ compression failed at \d+ tokens: the summary reply held no summary/);
  }, 480_000);
});
