import { describe, expect, it } from 'vitest';
import type { SessionHandle } from '../../../src/core/api.js';
import { SUMMARY_SCHEMA } from '../../../src/core/context/structured-output.js';
import type { CompactionRecord, MessageRecord } from '../../../src/core/store/records.js';
import type { FakeRequest, FakeStep } from '../../support/fake-provider.js';
import { summariserAnswer, type SummariserMode } from '../../support/fake-summariser.js';
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

function summariser(mode: SummariserMode): FakeStep {
  return provider((request: FakeRequest) => summariserAnswer(mode, request));
}

const userCount = (request: FakeRequest | undefined): number =>
  wireMessages(request ?? ({ body: {} } as FakeRequest)).filter((m) => m.role === 'user').length;

const compactions = (records: readonly unknown[]): CompactionRecord[] =>
  (records as CompactionRecord[]).filter((r) => r.kind === 'compaction');

describe('when the summary cannot be made', () => {
  it('leaves the context as it was, says why, keeps the cost apart, and waits for the context to grow before trying again', async () => {
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
    const reason = 'the summary reply held no summary ("Sorry, I cannot summarise that.")';
    const [first] = failed;
    expect(first).toMatchObject({
      sessionId: handle.id,
      trigger: 'auto',
      reason,
      cost: (1000 + 10 * 2) / 1e6,
    });
    const failedAt = first?.tokens ?? 0;
    // Grown by what a ratio-2 compression would have taken out: half again.
    expect(first?.retryAt).toBe(Math.ceil(failedAt * 1.5));
    expect(failedAt).toBeGreaterThan(1500);
    expect(isCompression(suite.fake.requests.at(-2)!)).toBe(true);
    expect(userCount(suite.fake.requests.at(-1))).toBe(turns);
    const records = handle.records();
    expect(records.filter((r) => r.kind === 'message' && !r.inContext)).toEqual([]);
    expect(compactions(records)).toMatchObject([
      { failed: reason, compactedSeqs: [], summary: '', tokensBefore: failedAt, cost: (1000 + 10 * 2) / 1e6 },
    ]);
    expect(handle.context().compression).toEqual({ failedAt, reason, retryAt: Math.ceil(failedAt * 1.5) });
    // The next automatic compression is the retry, not the lowest level the context is already past.
    expect(handle.context().nextCompactionAt).toBe(Math.ceil(failedAt * 1.5));
    expect(await handle.command('/info')).toMatchObject({
      type: 'info',
      info: {
        compressions: { count: 0, failed: 1 },
        cost: { bySource: { compression: (1000 + 10 * 2) / 1e6 } },
      },
    });

    // The next turns go out without a summary request until the context has grown past retryAt.
    const from = suite.fake.requests.length;
    let more = 0;
    while (handle.context().total < Math.ceil(failedAt * 1.5) && more < 60) {
      more += 1;
      await handle.submit(`more ${more}: ${words(30, more)}`);
    }
    expect(more).toBeGreaterThan(2);
    expect(suite.fake.requests.slice(from).some(isCompression)).toBe(false);
    expect(failed).toHaveLength(1);
    await handle.submit('one more');
    expect(suite.fake.requests.slice(-2).map(isCompression)).toEqual([true, false]);
    expect(failed).toHaveLength(2);

    // /summarize is the user asking: it tries at once, paused or not.
    const before = suite.fake.requests.length;
    expect(await handle.command('/summarize')).toMatchObject({ type: 'message', level: 'error' });
    expect(suite.fake.requests.slice(before).map(isCompression)).toEqual([true]);
  }, 120_000);

  it('keeps the pause across a restart: a resumed session does not ask the failing summariser again', async () => {
    suite.fake.setFallback(summariser('empty'));
    suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url, extraConfig: CONFIG });
    const handle = await suite.tw.ws.sessions.open('paused', { create: true });
    let turns = 0;
    while (compactions(handle.records()).length === 0 && turns < 40) {
      turns += 1;
      await handle.submit(`question ${turns}: ${words(30, turns)}`);
    }
    expect(compactions(handle.records())).toMatchObject([{ failed: 'the summary reply was empty' }]);
    suite.tw = await suite.tw.reopen();
    const resumed = await suite.tw.ws.sessions.open('paused');
    const from = suite.fake.requests.length;
    await resumed.submit('after the restart');
    expect(suite.fake.requests.slice(from).map(isCompression)).toEqual([false]);
    // Another summariser is not paused by this one's failure.
    suite.tw = await suite.tw.reopen({
      extraConfig: CONFIG.replace('[compression]', '[compression]\nmodel = "test:other-model"'),
    });
    suite.fake.setFallback(summariser('json'));
    const other = await suite.tw.ws.sessions.open('paused');
    const next = suite.fake.requests.length;
    await other.submit('with another summariser');
    expect(suite.fake.requests.slice(next).map(isCompression)).toEqual([true, false]);
    expect(compactions(other.records()).at(-1)).toMatchObject({
      model: 'test:other-model',
      form: 'structured',
    });
  }, 120_000);

  it('goes on with the turn when the configured summary model cannot be used, and says why once', async () => {
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
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      trigger: 'auto',
      reason: expect.stringMatching(/nowhere/) as unknown,
      cost: 0,
    });
    expect(suite.fake.requests.slice(from).some(isCompression)).toBe(false);
  });

  it('treats a provider error on the summary call as a failure of that compression only', async () => {
    suite.fake.setFallback(provider({ status: 400, body: { error: { message: 'context too long' } } }));
    suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url, extraConfig: CONFIG });
    const failed = collect(suite.tw.ws, 'context.compactionFailed');
    const handle = await suite.tw.ws.sessions.open('http-error', { create: true });
    for (let n = 1; n <= 3; n += 1) await handle.submit(`question ${n}: ${words(400, n)}`);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.reason).toMatch(/context too long/);
    // Nothing was billed; the attempt is kept for the pause, at no cost. Every turn got its answer.
    expect(compactions(handle.records())).toMatchObject([
      { failed: expect.stringMatching(/context too long/) as unknown, cost: 0, compactedSeqs: [] },
    ]);
    const replies = handle
      .records()
      .filter((r): r is MessageRecord => r.kind === 'message' && r.role === 'assistant');
    expect(replies).toHaveLength(3);
  });
});

describe('a summariser that does not answer in bare JSON', () => {
  /** Compresses once with a summariser in `mode`; `keys` go into [compression]. */
  const run = async (
    mode: SummariserMode,
    keys = '',
  ): Promise<{ records: CompactionRecord[]; asked: FakeRequest[]; handle: SessionHandle }> => {
    suite.fake.setFallback(summariser(mode));
    suite.tw = await makeTestWorkspace({
      providerUrl: suite.fake.url,
      extraConfig: CONFIG.replace('[compression]', `[compression]\n${keys}`),
    });
    const handle = await suite.tw.ws.sessions.open(`mode-${mode}`, { create: true });
    const from = suite.fake.requests.length;
    for (let n = 1; n <= 12 && compactions(handle.records()).length === 0; n += 1) {
      await handle.submit(
        n === 2 ? 'Decision: keep the store in plain files' : `question ${n}: ${words(60, n)}`,
      );
    }
    const knowledge = handle.records().filter((r) => r.kind === 'knowledge');
    expect(knowledge).toMatchObject([{ op: 'add', category: 'decision' }]);
    return {
      records: compactions(handle.records()),
      asked: suite.fake.requests.slice(from).filter(isCompression),
      handle,
    };
  };

  it('takes JSON in a fence with chatter around it', async () => {
    const { records } = await run('fenced');
    expect(records).toMatchObject([{ form: 'structured' }]);
    expect(records[0]?.failed).toBeUndefined();
    expect(records[0]?.summary).toMatch(/^### Goal\nBuild the session store/);
  });

  it('takes prose as the summary and finds the stated decision in it', async () => {
    const { records } = await run('prose');
    expect(records).toMatchObject([{ form: 'prose' }]);
    expect(records[0]?.failed).toBeUndefined();
    expect(records[0]?.summary).toMatch(/^Here is a summary of the conversation so far\./);
    expect(records[0]?.summary).toContain('- Keep the store in plain files.');
  });

  it('asks for JSON mode by default on an unknown server', async () => {
    const { asked } = await run('json');
    expect(asked.map((r) => r.body.response_format)).toEqual([{ type: 'json_object' }]);
  });

  it('asks for the JSON schema when the config says so', async () => {
    const { asked } = await run('json', 'structured_output = "json_schema"');
    expect(asked.map((r) => r.body.response_format)).toEqual([
      { type: 'json_schema', json_schema: { name: 'context_summary', strict: true, schema: SUMMARY_SCHEMA } },
    ]);
  });

  it('sends no response_format when the config turns it off', async () => {
    const { asked, records } = await run('prose', 'structured_output = "off"');
    expect(asked.map((r) => r.body.response_format)).toEqual([undefined]);
    expect(records).toMatchObject([{ form: 'prose' }]);
  });

  it('asks again without response_format when the server refuses it, and not again after that', async () => {
    const { records, asked, handle } = await run('rejects-format');
    expect(asked.map((r) => r.body.response_format)).toEqual([{ type: 'json_object' }, undefined]);
    expect(records).toMatchObject([{ form: 'prose', requests: 2 }]);
    const from = suite.fake.requests.length;
    for (let n = 1; n <= 20 && compactions(handle.records()).length === 1; n += 1)
      await handle.submit(`later ${n}: ${words(60, n)}`);
    const later = suite.fake.requests.slice(from).filter(isCompression);
    expect(later.map((r) => r.body.response_format)).toEqual([undefined]);
  });
});
