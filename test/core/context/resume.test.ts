import { rm } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ContextBreakdown } from '../../../src/core/events.js';
import { WorkerTokenizer, tokenCachePath, type Tokenizer } from '../../../src/core/tokens/index.js';
import { startFakeProvider, type FakeProvider, type FakeRequest } from '../../support/fake-provider.js';
import { makeTestWorkspace, type TestWorkspace } from '../../support/workspace.js';
import { isCompression, summariserReply, wireMessages, words } from './support.js';

const COMPRESSION = '[compression]\n[[compression.pressure_levels]]\nthreshold = 3000\ntarget_ratio = 2';

let fake: FakeProvider;
let tw: TestWorkspace | undefined;
beforeAll(async () => {
  fake = await startFakeProvider();
  // Replies are a function of the question alone, so two sessions asked the same get the same answers.
  fake.setFallback((request: FakeRequest) => {
    if (isCompression(request)) return summariserReply(request);
    const last = wireMessages(request).at(-1);
    const question = typeof last?.content === 'string' ? last.content : '';
    const n = Number(/^Q (\d+)/.exec(question)?.[1] ?? 0);
    return { text: `Answer ${n}: ${words(70, n)}`, usage: { prompt: 200, completion: 70 } };
  });
});
afterAll(async () => {
  await fake.close();
});
afterEach(async () => {
  await tw?.cleanup();
  tw = undefined;
});

const question = (n: number): string =>
  n % 9 === 4 ? `Q ${n}: Decision: port ${8000 + n} stays closed` : `Q ${n}: ${words(25, n)}`;

/** tiktoken's thread, noting the texts someone had to wait for and those counted in the background. */
function spyTokenizer(): { tokenizer: Tokenizer; waitedFor: string[]; background: string[] } {
  const real = new WorkerTokenizer();
  const waitedFor: string[] = [];
  const background: string[] = [];
  return {
    waitedFor,
    background,
    tokenizer: {
      count: (encoding, texts, priority) => {
        (priority === 'now' ? waitedFor : background).push(...texts);
        return real.count(encoding, texts, priority);
      },
      close: () => real.close(),
    },
  };
}

/** Resolves with the first 'context.changed' breakdown of `sessionId` that satisfies `done`. */
function contextChange(
  ws: TestWorkspace['ws'],
  sessionId: string,
  done: (breakdown: ContextBreakdown) => boolean,
): Promise<ContextBreakdown> {
  return new Promise((resolve) => {
    const off = ws.on('context.changed', (event) => {
      if (event.sessionId !== sessionId || !done(event.breakdown)) return;
      off();
      resolve(event.breakdown);
    });
  });
}

/** The requests one submit sends (a compression, if any, then the turn's own). */
async function sent(submit: () => Promise<unknown>): Promise<FakeRequest[]> {
  const from = fake.requests.length;
  await submit();
  return fake.requests.slice(from);
}

describe('resume fidelity after compressions (invariant 5 in docs/architecture.md)', () => {
  it('sends after a restart, with the token cache gone, exactly what an unbroken session sends', async () => {
    tw = await makeTestWorkspace({ providerUrl: fake.url, extraConfig: COMPRESSION });
    const steady = await tw.ws.sessions.open('steady', { create: true });
    const restarted = await tw.ws.sessions.open('restarted', { create: true });
    for (let n = 1; n <= 60; n += 1) {
      await steady.submit(question(n));
      await restarted.submit(question(n));
    }
    expect(steady.records().filter((r) => r.kind === 'compaction').length).toBeGreaterThanOrEqual(3);
    // A long question: the first request after the restart must decide to compress, as the unbroken one does.
    const long = `Q 61: ${words(2000, 61)}`;
    const unbroken = await sent(() => steady.submit(long));

    const again = await tw.reopen();
    tw = again;
    await rm(tokenCachePath(again.dataDir, restarted.id), { force: true });
    const resumed = await again.ws.sessions.open('restarted');
    const afterRestart = await sent(() => resumed.submit(long));

    expect(unbroken.map(isCompression)).toEqual([true, false]);
    expect(afterRestart.map((r) => r.body)).toEqual(unbroken.map((r) => r.body));
  }, 60_000);

  it('decides on the first request after a resume from the saved counts, without waiting for the tokenizer', async () => {
    tw = await makeTestWorkspace({ providerUrl: fake.url, extraConfig: COMPRESSION });
    const first = await tw.ws.sessions.open('cached', { create: true });
    for (let n = 1; n <= 9; n += 1) await first.submit(`Q ${n}: ${words(25, n)}`);
    expect(first.records().some((r) => r.kind === 'compaction')).toBe(false);

    const withCache = spyTokenizer();
    tw = await tw.reopen({ options: { tokenizer: withCache.tokenizer } });
    await (await tw.ws.sessions.open('cached')).submit('Q 10: short');
    expect(withCache.waitedFor).toEqual([]);

    // Without the cache the same decision needs exact counts: the byte bound of the history is past the level.
    const withoutCache = spyTokenizer();
    tw = await tw.reopen({ options: { tokenizer: withoutCache.tokenizer } });
    await rm(tokenCachePath(tw.dataDir, first.id), { force: true });
    await (await tw.ws.sessions.open('cached')).submit('Q 11: short');
    expect(withoutCache.waitedFor.length).toBeGreaterThan(0);
  });

  it('shows a resumed session without starting the tokenizer when its next turn needs no exact count', async () => {
    // The default levels (60% of the window): two turns are far below, by the byte bound alone.
    tw = await makeTestWorkspace({ providerUrl: fake.url });
    const first = await tw.ws.sessions.open('small', { create: true });
    for (let n = 1; n <= 2; n += 1) await first.submit(`Q ${n}: ${words(25, n)}`);
    const spy = spyTokenizer();
    tw = await tw.reopen({ options: { tokenizer: spy.tokenizer } });
    await rm(tokenCachePath(tw.dataDir, first.id), { force: true });
    const resumed = await tw.ws.sessions.open('small');
    const shown = contextChange(tw.ws, resumed.id, () => true);
    expect(resumed.context().exact).toBe(false);
    expect((await shown).exact).toBe(false);
    await resumed.submit('Q 3: short');
    expect([...spy.waitedFor, ...spy.background]).toEqual([]);
  });

  it('counts in the background, before the next turn, what that turn must decide on exactly', async () => {
    tw = await makeTestWorkspace({ providerUrl: fake.url, extraConfig: COMPRESSION });
    const first = await tw.ws.sessions.open('near', { create: true });
    for (let n = 1; n <= 9; n += 1) await first.submit(`Q ${n}: ${words(25, n)}`);
    expect(first.records().some((r) => r.kind === 'compaction')).toBe(false);
    const spy = spyTokenizer();
    tw = await tw.reopen({ options: { tokenizer: spy.tokenizer } });
    await rm(tokenCachePath(tw.dataDir, first.id), { force: true });
    const resumed = await tw.ws.sessions.open('near');
    const counted = contextChange(tw.ws, resumed.id, (b) => b.exact === true);
    resumed.context();
    await counted;
    expect(spy.background.length).toBeGreaterThan(0);
    await resumed.submit('Q 10: short');
    // With the history counted, the bound of the turn's context is below the level: nothing to wait for.
    expect(spy.waitedFor).toEqual([]);
  });
});
