import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../../src/core/store/records.js';
import type { FakeRequest } from '../../support/fake-provider.js';
import { useScriptedSuite } from '../../support/scripted-suite.js';
import { makeTestWorkspace } from '../../support/workspace.js';
import { collect, isCompression, summariserReply, wireTokens, words } from './support.js';

const suite = useScriptedSuite();

const roles = (records: readonly unknown[]): string[] =>
  (records as MessageRecord[]).filter((r) => r.kind === 'message').map((r) => r.role);

describe('spending and token limits (docs/faults.md row 27)', () => {
  it('stops mid-turn before the next model call, saves, says why, and goes on only when the limit is raised', async () => {
    suite.tw = await makeTestWorkspace({
      providerUrl: suite.fake.url,
      extraConfig: '[limits]\nmax_session_spending = 0.05',
    });
    suite.fake.enqueue(
      {
        toolCalls: [{ id: 'c1', name: 'list_dir', arguments: '{}' }],
        usage: { prompt: 60_000, completion: 10 },
      },
      { text: 'Here is the listing.', usage: { prompt: 100, completion: 5 } },
    );
    const exceeded = collect(suite.tw.ws, 'budget.exceeded');
    const warned = collect(suite.tw.ws, 'budget.warning');
    const handle = await suite.tw.ws.sessions.open('spend', { create: true });
    const before = suite.fake.requests.length;
    const outcome = await handle.submit('list the files');
    expect(suite.fake.requests.length - before).toBe(1);
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'budget_exceeded' } });
    expect(outcome.error?.message).toBe(
      'Stopped before the next model call: the session has spent $0.06 of its $0.05 limit (limits.max_session_spending).',
    );
    expect(exceeded).toEqual([{ sessionId: handle.id, limit: 'session_spending', used: 0.06002, max: 0.05 }]);
    expect(warned).toEqual([]);
    expect(roles((await suite.tw.ws.sessions.show('spend')).records)).toEqual(['user', 'assistant', 'tool']);
    expect(handle.limits()).toEqual([{ limit: 'session_spending', used: 0.06002, max: 0.05 }]);

    // Not raised: a non-interactive caller that declines gets the same stop again.
    expect(await handle.continueTurn()).toMatchObject({
      status: 'failed',
      error: { code: 'budget_exceeded' },
    });
    expect(suite.fake.requests.length - before).toBe(1);

    handle.raiseLimit('session_spending', 0.07);
    const resumed = await handle.continueTurn();
    expect(resumed).toMatchObject({ status: 'finished', reply: 'Here is the listing.' });
    expect(roles(handle.records())).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(warned).toEqual([{ sessionId: handle.id, limit: 'session_spending', used: 0.06002, max: 0.07 }]);
  });

  it('refuses a request whose prompt alone would pass max_request_spending, and warns at 80%', async () => {
    suite.tw = await makeTestWorkspace({
      providerUrl: suite.fake.url,
      extraConfig: '[limits]\nmax_request_spending = 1',
    });
    suite.fake.setFallback({ text: 'fine', usage: { prompt: 10, completion: 1 } });
    const warned = collect(suite.tw.ws, 'budget.warning');
    const handle = await suite.tw.ws.sessions.open('per-request', { create: true });
    await handle.submit('hello');
    expect(warned).toEqual([]);
    // A limit just above what the prompt holds after 4,300 more tokens ($1 per million input tokens).
    const max = (wireTokens(suite.fake.requests.at(-1)!) + 5000) / 1e6;
    handle.raiseLimit('request_spending', max);
    expect(await handle.submit(`near the limit ${words(4300)}`)).toMatchObject({ status: 'finished' });
    expect(warned).toMatchObject([{ limit: 'request_spending', max }]);
    expect(warned[0]?.used).toBeGreaterThan(max * 0.8);
    expect(warned[0]?.used).toBeLessThan(max);
    const before = suite.fake.requests.length;
    const outcome = await handle.submit(`over the limit ${words(1000)}`);
    expect(suite.fake.requests.length).toBe(before);
    expect(outcome.error?.message).toMatch(
      /^Stopped before the next model call: the next request would cost about \$0\.0\d+ for its prompt alone, over the \$0\.0\d+ limit \(limits\.max_request_spending\)\.$/,
    );
  });

  it('counts tokens of every source against max_session_tokens, compression included', async () => {
    suite.tw = await makeTestWorkspace({
      providerUrl: suite.fake.url,
      extraConfig: '[limits]\nmax_session_tokens = 3000',
    });
    suite.fake.setFallback((request: FakeRequest) =>
      isCompression(request)
        ? { ...summariserReply(request), usage: { prompt: 2500, completion: 100 } }
        : { text: 'ok', usage: { prompt: 300, completion: 10 } },
    );
    const warned = collect(suite.tw.ws, 'budget.warning');
    const handle = await suite.tw.ws.sessions.open('tokens', { create: true });
    await handle.submit('one');
    await handle.submit('two');
    expect(await handle.command('/summarize')).toMatchObject({ type: 'compacted' });
    const outcome = await handle.submit('three');
    expect(warned).toEqual([]);
    expect(outcome.error?.message).toBe(
      'Stopped before the next model call: the session has used 3220 of its 3000 tokens (limits.max_session_tokens).',
    );
  });
});
