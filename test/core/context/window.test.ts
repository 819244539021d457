/**
 * docs/faults.md row 40, and never a request over the window: a 20,000-message session (far over the
 * model's window) gets its next request under the window whatever the summariser answers, and a
 * request that cannot be made to fit is refused with the numbers instead of being sent.
 */
import { describe, expect, it } from 'vitest';
import type { SessionHandle } from '../../../src/core/api.js';
import type { CompactionRecord } from '../../../src/core/store/records.js';
import type { FakeRequest } from '../../support/fake-provider.js';
import { STATED_LINE, summariserAnswer, type SummariserMode } from '../../support/fake-summariser.js';
import { useScriptedSuite } from '../../support/scripted-suite.js';
import { conversation, seedRecords } from '../../support/seed-session.js';
import { makeTestWorkspace } from '../../support/workspace.js';
import { collect, isCompression, wireMessages, wireTokens, words } from './support.js';

/** testConfig's window for test:fake-model. */
const WINDOW = 100_000;
const MESSAGES = 20_000;

const suite = useScriptedSuite();

function line(turn: number, role: 'user' | 'assistant'): string {
  if (role === 'assistant') return `Answer ${turn}: ${words(10, turn)}`;
  if (turn % 1000 === 7) return `Decision: release ${turn} ships from the main branch only`;
  if (turn % 1000 === 507) return `Constraint: no build ${turn} may take longer than ten minutes`;
  return `Question ${turn}: ${words(8, turn)}`;
}

const stated = conversation(MESSAGES, line).flatMap((r) =>
  r.kind === 'message' && r.role === 'user' && STATED_LINE.test(r.content)
    ? [(STATED_LINE.exec(r.content)?.[2] ?? '').toLowerCase()]
    : [],
);

/** A session of MESSAGES messages, never compressed, opened in a fresh workspace. */
async function longSession(mode: SummariserMode, compression = ''): Promise<SessionHandle> {
  suite.fake.setFallback((request: FakeRequest) =>
    isCompression(request) ? summariserAnswer(mode, request) : { text: 'Noted.' },
  );
  // No retries, so each request is seen once; a loaded machine may take long to answer 90k tokens.
  const config = `[request]\nmax_retries = 0\nfirst_byte_timeout_ms = 120000\n${compression}`;
  const first = await makeTestWorkspace({ providerUrl: suite.fake.url, extraConfig: config });
  suite.tw = first;
  const created = await first.ws.sessions.open('long', { create: true });
  const last = created.records().at(-1)?.seq ?? 0;
  await first.ws.close();
  await seedRecords(first.dataDir, created.id, last, conversation(MESSAGES, line));
  suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url, extraConfig: config, root: first.root });
  return suite.tw.ws.sessions.open('long');
}

describe(`a ${MESSAGES.toLocaleString('en-US')}-message session against a ${WINDOW.toLocaleString('en-US')}-token window`, () => {
  it.each<[SummariserMode, CompactionRecord['form']]>([
    ['json', 'structured'],
    ['fenced', 'structured'],
    ['prose', 'prose'],
    ['loose', 'prose'],
    ['useless', 'octo'],
    ['empty', 'octo'],
  ])(
    'never sends a request over the window with a summariser answering %s, and keeps every stated decision',
    async (mode, form) => {
      const handle = await longSession(mode);
      if (suite.tw === undefined) throw new Error('no workspace');
      const failures = collect(suite.tw.ws, 'context.compactionFailed');
      const from = suite.fake.requests.length;
      const outcome = await handle.submit('Where are we?');
      expect(outcome.status, outcome.error?.message).toBe('finished');
      // A failure says that octo compresses at once: the request would not have fit.
      const why = failures.map((f) => f.reason).join('; ');
      expect(
        failures.map((f) => f.octoNext),
        why,
      ).toEqual(form === 'octo' ? [true] : []);
      const sent = suite.fake.requests.slice(from);
      const sizes = sent.map(wireTokens);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(WINDOW);
      const summaries = sent.filter(isCompression);
      // Far over one request: summarised in parts, then the parts folded (the failing ones stop at the first).
      expect(summaries.length).toBeGreaterThan(form === 'octo' ? 0 : 2);
      const compactions = handle.records().filter((r): r is CompactionRecord => r.kind === 'compaction');
      expect(compactions.map((c) => c.form ?? 'failed')).toEqual(
        form === 'octo' ? ['failed', 'octo'] : [form],
      );
      const main = sent.at(-1);
      if (main === undefined || isCompression(main)) throw new Error('no main request');
      expect(wireTokens(main)).toBeLessThan(WINDOW * 0.5);
      const text = JSON.stringify(wireMessages(main)).toLowerCase();
      expect(stated.filter((s) => !text.includes(s))).toEqual([]);
      expect(stated).toHaveLength(20);
    },
    240_000,
  );

  it('stops with the numbers, sending nothing, when compression is off', async () => {
    const handle = await longSession('json', '[compression]\nenabled = false');
    const from = suite.fake.requests.length;
    const outcome = await handle.submit('Where are we?');
    expect(outcome.status).toBe('failed');
    expect(outcome.error?.code).toBe('context_overflow');
    expect(outcome.error?.message).toMatch(
      /^The request would be [\d,]+ tokens, over the 100,000-token window of test:fake-model \(compression is off/,
    );
    expect(Number(outcome.error?.details.tokens)).toBeGreaterThan(WINDOW);
    expect(suite.fake.requests.length).toBe(from);
  }, 240_000);
});

describe('a latest turn larger than the window', () => {
  it('is refused with the numbers once compression has nothing older to take', async () => {
    suite.fake.setFallback((request: FakeRequest) =>
      isCompression(request) ? summariserAnswer('json', request) : { text: 'Noted.' },
    );
    suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url });
    const handle = await suite.tw.ws.sessions.open('huge', { create: true });
    await handle.submit('A small start.');
    const from = suite.fake.requests.length;
    const outcome = await handle.submit(`Paste: ${words(110_000)}`);
    expect(outcome.error?.code).toBe('context_overflow');
    expect(outcome.error?.message).toMatch(/only the latest turn is left/);
    expect(suite.fake.requests.slice(from).filter((r) => !isCompression(r))).toEqual([]);
    expect(suite.fake.requests.slice(from).every((r) => wireTokens(r) <= WINDOW)).toBe(true);
  }, 120_000);
});
