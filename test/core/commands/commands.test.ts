import { describe, expect, it } from 'vitest';
import type { CommandResult } from '../../../src/core/api.js';
import type {
  CompactionRecord,
  MessageRecord,
  SessionRecord,
  Usage,
} from '../../../src/core/store/records.js';
import type { FakeRequest } from '../../support/fake-provider.js';
import { useScriptedSuite } from '../../support/scripted-suite.js';
import { makeTestWorkspace, type TestWorkspace } from '../../support/workspace.js';
import { collect, isCompression, summariserReply, wireMessages, words } from '../context/support.js';

const suite = useScriptedSuite();

const CUSTOM = [
  '[[commands]]',
  'name = "reduce"',
  'prompt = "Make the code smaller."',
  'model = "test:other-model"',
].join('\n');

/** Every main request answers with varied usage (cache hits, reasoning); compressions as a summariser. */
async function workspace(extra = ''): Promise<TestWorkspace> {
  let n = 0;
  suite.fake.setFallback((request: FakeRequest) => {
    if (isCompression(request)) return summariserReply(request);
    n += 1;
    return {
      text: `answer ${n} ${words(30, n)}`,
      usage: { prompt: 300 + n, completion: 20 + n, cached: n % 2 === 0 ? 100 : 0, reasoning: n % 3 },
    };
  });
  suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url, extraConfig: extra });
  return suite.tw;
}

function sums(
  records: readonly SessionRecord[],
  keep: (r: MessageRecord | CompactionRecord) => boolean,
): { usage: Usage; cost: number; count: number } {
  const usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 };
  let cost = 0;
  let count = 0;
  for (const r of records) {
    if ((r.kind !== 'message' && r.kind !== 'compaction') || !keep(r) || !r.usage) continue;
    count += 1;
    for (const key of Object.keys(usage) as Array<keyof Usage>) usage[key] += r.usage[key];
    cost += r.cost ?? 0;
  }
  return { usage, cost, count };
}

function expectType<T extends CommandResult['type']>(
  result: CommandResult,
  type: T,
): Extract<CommandResult, { type: T }> {
  expect(result.type, JSON.stringify(result)).toBe(type);
  return result as Extract<CommandResult, { type: T }>;
}

describe('/info', () => {
  it('reports figures equal to the sums of the stored per-request records, by source', async () => {
    const t = await workspace();
    const handle = await t.ws.sessions.open('info', { create: true });
    for (let i = 1; i <= 6; i += 1) await handle.submit(`Decision: step ${i} uses ${words(10, i)}`);
    expectType(await handle.command('/summarize'), 'compacted');
    await handle.submit('after the summary');
    const { info } = expectType(await handle.command('/info'), 'info');
    const records = handle.records();
    const main = sums(records, (r) => r.kind === 'message');
    const compression = sums(records, (r) => r.kind === 'compaction');
    expect(main.count).toBe(7);
    expect(compression.count).toBe(1);
    expect(info.tokensBySource.main).toEqual(main.usage);
    expect(info.tokensBySource.compression).toEqual(compression.usage);
    expect(info.tokens.input).toBe(main.usage.input + compression.usage.input);
    expect(info.cost.bySource.main).toBeCloseTo(main.cost, 12);
    expect(info.cost.bySource.compression).toBeCloseTo(compression.cost, 12);
    expect(info.cost.total).toBeCloseTo(main.cost + compression.cost, 12);
    expect(info.requests).toEqual({ total: 8, bySource: { main: 7, agent: 0, compression: 1 } });
    expect(info.cacheHitRatio).toBeCloseTo(
      (main.usage.cacheRead + compression.usage.cacheRead) / info.tokens.input,
      12,
    );
    const record = records.find((r): r is CompactionRecord => r.kind === 'compaction')!;
    expect(info.compressions).toEqual({
      count: 1,
      undone: 0,
      failed: 0,
      tokensSaved: record.tokensBefore - record.tokensAfter,
    });
    expect(info.messages).toMatchObject({
      total: 14,
      compacted: record.compactedSeqs.length,
      inContext: 14 - record.compactedSeqs.length,
    });
    // The session list shows the same totals.
    const summary = (await t.ws.sessions.find('info'))!;
    expect(summary.tokens).toEqual(info.tokens);
    expect(summary.cost).toBeCloseTo(info.cost.total ?? NaN, 12);
  });
});

describe('/context', () => {
  it('lists every part of the next request with tokens that add up, and filters by role or size', async () => {
    const t = await workspace();
    const handle = await t.ws.sessions.open('ctx', { create: true });
    await handle.submit(`short question`);
    await handle.submit(`long question ${words(3000)}`);
    const all = expectType(await handle.command('/context'), 'context');
    expect(all.rows.map((r) => r.kind)).toEqual([
      'system',
      'tools',
      'message',
      'message',
      'message',
      'message',
    ]);
    expect(all.rows.map((r) => r.index)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(all.rows.reduce((n, r) => n + r.tokens, 0)).toBe(all.breakdown.total);
    expect(all.rows.reduce((n, r) => n + r.share, 0)).toBeCloseTo(1, 9);
    const user = expectType(await handle.command('/context user'), 'context');
    expect(user.rows.map((r) => r.preview.slice(0, 14))).toEqual(['short question', 'long question ']);
    const large = expectType(await handle.command('/context large'), 'context');
    expect(large.rows[0]?.preview).toMatch(/^long question/);
    expect(large.rows.map((r) => r.tokens)).toEqual(
      [...large.rows.map((r) => r.tokens)].sort((a, b) => b - a),
    );
    expect(await handle.command('/context everything')).toMatchObject({ type: 'message', level: 'error' });
  });
});

describe('/summarize, /done and /uncompress', () => {
  it('compresses on demand with a focus, keeps the latest turn, and /uncompress brings the messages back', async () => {
    const t = await workspace();
    const handle = await t.ws.sessions.open('manual', { create: true });
    for (let i = 1; i <= 4; i += 1) await handle.submit(`question ${i}`);
    const before = suite.fake.requests.length;
    const summarized = expectType(await handle.command('/summarize the auth tokens'), 'compacted');
    const request = suite.fake.requests[before]!;
    expect(isCompression(request)).toBe(true);
    expect(JSON.stringify(wireMessages(request))).toContain('Focus the summary on: the auth tokens');
    expect(summarized.compaction).toMatchObject({ messages: 6, knowledgeAdded: 0 });
    expect(summarized.compaction.tokensAfter).toBeLessThan(summarized.compaction.tokensBefore);

    await handle.submit('question 5');
    const sent = wireMessages(suite.fake.requests.at(-1)!);
    expect(sent.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(sent[0]?.content).toContain('## Summary of the earlier conversation');

    const undone = expectType(await handle.command('/uncompress'), 'uncompressed');
    expect(undone.restored).toBe(6);
    expect(undone.tokensAfter).toBeGreaterThan(undone.tokensBefore);
    expect(handle.records().filter((r) => r.kind === 'message' && !r.inContext)).toEqual([]);
    await handle.submit('question 6');
    const restored = wireMessages(suite.fake.requests.at(-1)!);
    expect(restored.filter((m) => m.role === 'user')).toHaveLength(6);
    expect(restored[0]?.content).not.toContain('## Summary');
    expect(await handle.command('/uncompress')).toMatchObject({ type: 'message', level: 'info' });
  });

  it('/done checkpoints the whole phase and hands back the text to send next', async () => {
    const t = await workspace();
    const compacted = collect(t.ws, 'context.compacted');
    const handle = await t.ws.sessions.open('phase', { create: true });
    await handle.submit('Decision: ship on Friday');
    const result = expectType(await handle.command('/done Now the release notes.'), 'checkpoint');
    expect(result).toMatchObject({
      followUp: 'Now the release notes.',
      compaction: { messages: 2, knowledgeAdded: 1 },
    });
    expect(compacted).toMatchObject([{ trigger: 'done', level: null, messages: 2 }]);
    expect(t.ws.jobs.list()).toMatchObject([
      { kind: 'compression', title: 'compress context (/done)', sessionId: handle.id, status: 'finished' },
    ]);
    const messages = handle.records().filter((r): r is MessageRecord => r.kind === 'message');
    expect(messages.map((m) => m.inContext)).toEqual([false, false]);
    expect(handle.records().at(-1)).toMatchObject({
      kind: 'compaction',
      trigger: 'done',
      compactedSeqs: messages.map((m) => m.seq),
    });
    expect(expectType(await handle.command('/done'), 'checkpoint')).toEqual({
      type: 'checkpoint',
      compaction: null,
    });
  });
});

describe('/knowledge', () => {
  it('lists, pins, unpins and forgets entries, and the next request follows', async () => {
    const t = await workspace();
    const changed = collect(t.ws, 'knowledge.changed');
    const handle = await t.ws.sessions.open('facts', { create: true });
    await handle.submit('Decision: use PostgreSQL');
    await handle.submit('Constraint: no ORM');
    await handle.submit('what next?');
    expectType(await handle.command('/summarize'), 'compacted');
    const listed = expectType(await handle.command('/knowledge'), 'knowledge');
    expect(listed.entries.map((e) => [e.id, e.category, e.text, e.pinned])).toEqual([
      ['K1', 'decision', 'Decision: use PostgreSQL', false],
      ['K2', 'constraint', 'Constraint: no ORM', false],
    ]);
    expect(expectType(await handle.command('/knowledge pin k1'), 'knowledge').changed).toEqual({
      op: 'pin',
      id: 'K1',
    });
    expect(
      expectType(await handle.command('/knowledge forget K2'), 'knowledge').entries.map((e) => [
        e.id,
        e.pinned,
      ]),
    ).toEqual([['K1', true]]);
    expect(await handle.command('/knowledge pin K1')).toMatchObject({
      type: 'message',
      text: 'K1 is already pinned.',
    });
    expect(await handle.command('/knowledge forget K9')).toMatchObject({
      type: 'message',
      level: 'error',
      text: 'No knowledge entry K9; known: K1.',
    });
    await handle.submit('and now?');
    const system = JSON.stringify(wireMessages(suite.fake.requests.at(-1)!)[0]?.content);
    expect(system).toContain('- [decision] Decision: use PostgreSQL (pinned)');
    expect(system).not.toContain('no ORM');
    expect(changed.map((c) => c.entries)).toEqual([2, 2, 1]);
    expect(expectType(await handle.command('/knowledge unpin K1'), 'knowledge').entries[0]?.pinned).toBe(
      false,
    );
  });
});

describe('/run', () => {
  it('hands back a configured prompt with its model, and the turn uses that model once', async () => {
    const t = await workspace(CUSTOM);
    const handle = await t.ws.sessions.open('custom', { create: true });
    const result = expectType(await handle.command('/run reduce src/a.ts'), 'submit');
    expect(result).toEqual({
      type: 'submit',
      command: 'reduce',
      text: 'Make the code smaller.\n\nsrc/a.ts',
      model: 'test:other-model',
    });
    await handle.submit(result.text, { model: result.model });
    expect(suite.fake.requests.at(-1)?.body.model).toBe('other-model');
    expect(handle.model()).toBe('test:fake-model');
    expect(await handle.command('/run redcue')).toMatchObject({
      type: 'message',
      level: 'error',
      text: 'No custom command redcue. Did you mean: reduce?',
    });
    expect(await handle.command('/run')).toMatchObject({ type: 'message', text: 'Custom commands: reduce.' });
  });
});
