import { describe, expect, it } from 'vitest';
import type { CompactionRecord, MessageRecord } from '../../../src/core/store/records.js';
import type { FakeRequest, FakeStep } from '../../support/fake-provider.js';
import { useScriptedSuite } from '../../support/scripted-suite.js';
import { makeTestWorkspace } from '../../support/workspace.js';
import { collect, isCompression, wireMessages, words } from './support.js';

const CONFIG =
  '[request]\nmax_retries = 0\n[compression]\n[[compression.pressure_levels]]\nthreshold = 1500\ntarget_ratio = 2';

const suite = useScriptedSuite();

/** Main requests get a plain answer; compression requests get `summary`. */
function provider(summary: FakeStep): FakeStep {
  return (request: FakeRequest) =>
    isCompression(request) ? summary : { text: `ok ${words(40)}`, usage: { prompt: 10, completion: 40 } };
}

const userCount = (request: FakeRequest | undefined): number =>
  wireMessages(request ?? ({ body: {} } as FakeRequest)).filter((m) => m.role === 'user').length;

describe('when the summary cannot be made', () => {
  it('leaves the context as it was, says why, keeps the cost of the attempt apart, and retries only next turn', async () => {
    suite.fake.setFallback(
      provider({ text: 'Sorry, I cannot summarise that.', usage: { prompt: 1000, completion: 10 } }),
    );
    suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url, extraConfig: CONFIG });
    const failed = collect(suite.tw.ws, 'context.compactionFailed');
    const handle = await suite.tw.ws.sessions.open('unusable', { create: true });
    let turns = 0;
    while (failed.length === 0 && turns < 40) {
      turns += 1;
      await handle.submit(`question ${turns}: ${words(30, turns)}`);
    }
    expect(failed).toEqual([
      { sessionId: handle.id, trigger: 'auto', reason: 'the summary reply held no JSON object' },
    ]);
    const last = suite.fake.requests.at(-1);
    expect(isCompression(suite.fake.requests.at(-2)!)).toBe(true);
    expect(userCount(last)).toBe(turns);
    const records = handle.records();
    expect(records.filter((r) => r.kind === 'message' && !r.inContext)).toEqual([]);
    const attempts = records.filter((r): r is CompactionRecord => r.kind === 'compaction');
    expect(attempts).toMatchObject([
      {
        failed: 'the summary reply held no JSON object',
        compactedSeqs: [],
        summary: '',
        cost: (1000 + 10 * 2) / 1e6,
      },
    ]);
    expect(await handle.command('/info')).toMatchObject({
      type: 'info',
      info: {
        compressions: { count: 0, failed: 1 },
        cost: { bySource: { compression: (1000 + 10 * 2) / 1e6 } },
      },
    });

    const before = suite.fake.requests.length;
    await handle.submit('one more');
    const next = suite.fake.requests.slice(before);
    expect(next.map(isCompression)).toEqual([true, false]);
    expect(failed).toHaveLength(2);
  });

  it('goes on with the turn when the configured summary model cannot be used', async () => {
    suite.fake.setFallback(provider({ text: 'never asked' }));
    suite.tw = await makeTestWorkspace({
      providerUrl: suite.fake.url,
      extraConfig: CONFIG.replace('[compression]', '[compression]\nmodel = "nowhere:summarizer"'),
    });
    const failed = collect(suite.tw.ws, 'context.compactionFailed');
    const handle = await suite.tw.ws.sessions.open('bad-model', { create: true });
    const from = suite.fake.requests.length;
    for (let n = 1; n <= 3; n += 1)
      expect((await handle.submit(`question ${n}: ${words(400, n)}`)).status).toBe('finished');
    expect(failed[0]).toMatchObject({ trigger: 'auto', reason: expect.stringMatching(/nowhere/) as unknown });
    expect(suite.fake.requests.slice(from).some(isCompression)).toBe(false);
  });

  it('treats a provider error on the summary call as a failure of that compression only', async () => {
    suite.fake.setFallback(provider({ status: 400, body: { error: { message: 'context too long' } } }));
    suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url, extraConfig: CONFIG });
    const failed = collect(suite.tw.ws, 'context.compactionFailed');
    const handle = await suite.tw.ws.sessions.open('http-error', { create: true });
    for (let n = 1; n <= 3; n += 1) await handle.submit(`question ${n}: ${words(400, n)}`);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0]?.reason).toMatch(/context too long/);
    // Nothing was billed, so nothing is recorded; every turn still got its answer.
    expect(handle.records().filter((r) => r.kind === 'compaction')).toEqual([]);
    const replies = handle
      .records()
      .filter((r): r is MessageRecord => r.kind === 'message' && r.role === 'assistant');
    expect(replies).toHaveLength(3);
  });
});
