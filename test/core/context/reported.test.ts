/**
 * The context's size follows the provider's report of the prompt once a reply carried one, with
 * octo's own count of what was appended since; octo's count stands in between (the bug this
 * prevents: the pane said 1.1k / 128k while the provider reported 125k, and nothing compressed).
 */
import { describe, expect, it } from 'vitest';
import type { Measured } from '../../../src/core/context/measure.js';
import { contextFigure, reportedAnchor } from '../../../src/core/context/reported.js';
import type { CompactionRecord, SessionRecord } from '../../../src/core/store/records.js';
import type { FakeRequest } from '../../support/fake-provider.js';
import { summariserAnswer } from '../../support/fake-summariser.js';
import { useScriptedSuite } from '../../support/scripted-suite.js';
import { makeTestWorkspace } from '../../support/workspace.js';
import { collect, isCompression } from './support.js';

const AT = '2025-06-01T10:00:00Z';
const usage = (input: number) => ({ input, output: 5, cacheRead: 0, cacheWrite: 0, reasoning: 0 });

function reply(seq: number, input: number | null, extra: Record<string, unknown> = {}): SessionRecord {
  return {
    kind: 'message',
    role: 'assistant',
    content: 'ok',
    seq,
    at: AT,
    inContext: true,
    model: 'test:fake-model',
    ...(input === null ? { usage: null } : { usage: usage(input) }),
    ...extra,
  };
}

function user(seq: number): SessionRecord {
  return { kind: 'message', role: 'user', content: 'q', seq, at: AT, inContext: true };
}

function measured(perMessage: Array<[number, number]>, fixed = 1000): Measured {
  const messages = perMessage.reduce((sum, [, n]) => sum + n, 0);
  return {
    system: fixed,
    tools: 0,
    knowledge: 0,
    summary: 0,
    messages,
    attachments: 0,
    total: fixed + messages,
    perMessage: new Map(perMessage),
    exact: true,
  };
}

describe('the report that stands', () => {
  it('is the latest reply of the session model that reported usage, passing over replies without it', () => {
    const records = [user(1), reply(2, 5000), user(3), reply(4, null), user(5)];
    expect(reportedAnchor(records, 'test:fake-model')).toEqual({ seq: 2, tokens: 5000 });
    expect(reportedAnchor(records, 'test:other-model')).toBeNull();
    const interrupted = [user(1), reply(2, 5000), user(3), reply(4, 9000, { interrupted: true })];
    expect(reportedAnchor(interrupted, 'test:fake-model')).toEqual({ seq: 2, tokens: 5000 });
    const agent = [user(1), reply(2, 5000), reply(3, 9000, { role: 'tool', costSource: 'agent' })];
    expect(reportedAnchor(agent, 'test:fake-model')).toEqual({ seq: 2, tokens: 5000 });
  });

  it('stops standing once the context changed another way: a compression, knowledge, a model switch, an undo', () => {
    const compaction: CompactionRecord = {
      kind: 'compaction',
      seq: 4,
      at: AT,
      summary: 's',
      compactedSeqs: [1],
      tokensBefore: 1,
      tokensAfter: 1,
      model: 'test:fake-model',
      usage: usage(1),
      cost: 0,
    };
    const base = [user(1), reply(2, 5000), user(3)];
    expect(reportedAnchor([...base, compaction], 'test:fake-model')).toBeNull();
    expect(
      reportedAnchor([...base, { ...compaction, failed: 'x', compactedSeqs: [] }], 'test:fake-model'),
    ).toEqual({
      seq: 2,
      tokens: 5000,
    });
    expect(
      reportedAnchor(
        [...base, { kind: 'knowledge', op: 'add', entryId: 'K1', seq: 4, at: AT }],
        'test:fake-model',
      ),
    ).toBeNull();
    const undone = { ...compaction, seq: 1, undone: true, undoneAfter: 3 };
    expect(reportedAnchor([undone, reply(2, 5000), user(3)], 'test:fake-model')).toBeNull();
    expect(reportedAnchor([undone, user(2), reply(4, 7000)], 'test:fake-model')).toEqual({
      seq: 4,
      tokens: 7000,
    });
  });

  it('adds octo’s count of what came since, unless the report is under half of octo’s count or over the window', () => {
    const m = measured([
      [1, 400],
      [2, 100],
      [3, 250],
    ]);
    expect(contextFigure(m, { seq: 2, tokens: 125_000 }, 128_000)).toEqual({
      total: 125_350,
      counted: 1750,
      reported: { tokens: 125_000, since: 350 },
    });
    expect(contextFigure(m, null, 128_000)).toEqual({ total: 1750, counted: 1750, reported: null });
    // A server that reports only the uncached part of the prompt.
    expect(contextFigure(m, { seq: 2, tokens: 600 }, 128_000).reported).toBeNull();
    expect(contextFigure(m, { seq: 2, tokens: 130_000 }, 128_000).reported).toBeNull();
    expect(contextFigure(m, { seq: 2, tokens: 130_000 }, null).total).toBe(130_350);
  });
});

const suite = useScriptedSuite();

describe('a provider whose count of the prompt is far above octo’s', () => {
  it('shows its count in the context pane, compresses when it passes a level, and octo’s count after', async () => {
    const reports = [30_000, 60_000, 4_000];
    suite.fake.setFallback((request: FakeRequest) =>
      isCompression(request)
        ? summariserAnswer('json', request)
        : { text: 'ok', usage: { prompt: reports.shift() ?? 4_000, completion: 1 } },
    );
    suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url });
    const compacted = collect(suite.tw.ws, 'context.compacted');
    const handle = await suite.tw.ws.sessions.open('reported', { create: true });
    const atCompaction: Array<ReturnType<typeof handle.context>> = [];
    suite.tw.ws.on('context.compacted', () => atCompaction.push(handle.context()));

    await handle.submit('first');
    const first = handle.context();
    expect(first.reported?.tokens).toBe(30_000);
    expect(first.total).toBe(30_000 + (first.reported?.since ?? NaN));
    expect(first.counted).toBeLessThan(10_000);
    expect(handle.summary().contextTokens).toBe(first.total);

    await handle.submit('second');
    expect(handle.context().total).toBeGreaterThan(60_000);
    // Past the lowest default level (60% of 100,000 - 8,192): the next request is preceded by a summary.
    const from = suite.fake.requests.length;
    await handle.submit('third');
    expect(suite.fake.requests.slice(from).map(isCompression)).toEqual([true, false]);
    expect(compacted).toMatchObject([{ trigger: 'auto', level: 55_084 }]);
    expect(compacted[0]?.tokensBefore).toBeGreaterThan(60_000);
    // The compression changed the context: octo's own count stands until the next reply reports.
    expect(atCompaction).toHaveLength(1);
    expect(atCompaction[0]?.reported).toBeUndefined();
    expect(atCompaction[0]?.total).toBe(atCompaction[0]?.counted);
    expect(handle.context().reported?.tokens).toBe(4_000);
  });
});
