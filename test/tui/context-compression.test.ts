import { describe, expect, it } from 'vitest';
import type { CommandResult, ContextBreakdown, SessionHandle, SessionInfo } from '../../src/core/api.js';
import type { CompactionRecord, SessionRecord } from '../../src/core/store/records.js';
import { lineText, type StyledLine } from '../../src/tui/text/styled.js';
import { APPROVAL_GUARD_MS } from '../../src/tui/app/approvals.js';
import { askText } from '../../src/tui/app/budget.js';
import { coreCommandHelp } from '../../src/core/commands/index.js';
import { allCommands } from '../../src/tui/commands.js';
import { contextNote, infoNote, knowledgeNote } from '../../src/tui/view/command-result.js';
import { contextView } from '../../src/tui/view/context-view.js';
import { buildItems } from '../../src/tui/view/conversation-items.js';
import { itemLines } from '../../src/tui/view/conversation-lines.js';
import { FIXED_NOW } from './support/fake-workspace.js';
import { fixtureWorkspace } from './support/fixture.js';
import { KEY, useHeadless, type Headless } from './support/headless.js';
import { msg } from './support/records.js';

const text = (lines: readonly StyledLine[]): string[] => lines.map((l) => lineText(l).trimEnd());
const closed = { expanded: false, selected: false, busy: false };

const breakdown = {
  system: 1200,
  tools: 800,
  knowledge: 2300,
  summary: 2000,
  messages: 45_700,
  attachments: 0,
  total: 50_000,
  window: 100_000,
  nextCompactionAt: 76_800,
  exact: false,
};

function compaction(seq: number, extra: Partial<CompactionRecord> = {}): CompactionRecord {
  return {
    kind: 'compaction',
    seq,
    at: '2025-06-01T11:00:00Z',
    summary: `Goal: summary number ${seq}`,
    compactedSeqs: [1, 2],
    tokensBefore: 60_000,
    tokensAfter: 20_000,
    model: 'test:fake-model',
    usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
    cost: null,
    ...extra,
  };
}

const usage = (input: number): SessionInfo['tokens'] => ({
  input,
  output: 300,
  cacheRead: 400,
  cacheWrite: 0,
  reasoning: 50,
});

const info: SessionInfo = {
  id: 'a',
  name: 'auth-refactor',
  model: 'test:fake-model',
  createdAt: '2025-06-01T10:00:00Z',
  messages: { total: 40, inContext: 30, compacted: 10 },
  tokens: usage(12_000),
  tokensBySource: { main: usage(10_000), agent: usage(1_000), compression: usage(1_000) },
  usageUnreported: 0,
  cost: { total: 0.52, bySource: { main: 0.4, agent: 0.1, compression: 0.02 }, incomplete: false },
  requests: { total: 12, bySource: { main: 10, agent: 1, compression: 1 } },
  compressions: { count: 2, undone: 1, failed: 0, tokensSaved: 40_000 },
  cacheHitRatio: 1 / 3,
  context: breakdown,
  counting: { encoding: 'o200k_base', exact: true, unavailable: null },
  knowledge: { entries: 5, pinned: 1, retained: 5 },
  limits: [{ limit: 'session_spending', used: 0.52, max: 2 }],
};

/** The context pane of a fresh session (no tokens spent yet) showing `b`. */
function pane(b: ContextBreakdown, width: number): string[] {
  return text(
    contextView({
      breakdown: b,
      tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
      cost: 0,
      costIncomplete: false,
      spendingLimit: undefined,
      streamingChars: 0,
      stale: [],
      width,
    }),
  );
}

describe('the context pane during compression', () => {
  it('marks estimates with ~, splits out the summary and says where the next compression happens', () => {
    const lines = pane(breakdown, 26);
    expect(lines.slice(0, 10)).toEqual([
      '~50k / 100k tokens (50%)',
      '█████████████░░░░░░░░░░░░░',
      ' system              ~1.2k',
      ' tools                ~800',
      ' knowledge+summary   ~2.3k',
      '  of which summary   ~2.0k',
      ' messages             ~46k',
      ' attachments            ~0',
      ' next compression at 76.8k',
      'Session tokens',
    ]);
  });

  it('says where the next compression happens in the 22 columns it has at 80, not "next compression at …"', () => {
    expect(pane(breakdown, 22)).toContain(' compresses at 76.8k');
  });
});

describe('the context pane after a provider reported its prompt', () => {
  it('totals the report and what came since, and says when a failed compression is tried again', () => {
    const lines = pane(
      {
        ...breakdown,
        exact: true,
        total: 125_312,
        window: 128_000,
        counted: 1_100,
        reported: { tokens: 125_000, since: 312 },
        compression: { failedAt: 73_412, reason: 'the summary reply was empty', retryAt: 110_118 },
      },
      30,
    );
    expect(lines.slice(0, 3)).toEqual([
      '125k / 128k tokens (98%)',
      '█████████████████████████████░',
      ' 125.0k reported +312 new',
    ]);
    // The pause says when the next try comes: no "next compression at" the level already passed.
    expect(lines.slice(8, 12)).toEqual([
      ' attachments                 0',
      ' compression failed at 73.4k:',
      ' the summary reply was empty',
      ' next try at 110.1k',
    ]);
  });
});

describe('compactions in the conversation', () => {
  it('shows the latest compaction as a divider with its summary, and a failed attempt as a warning', () => {
    const items = buildItems([
      msg('user', 'one', { inContext: false }),
      compaction(2, { undone: true }),
      compaction(3),
      compaction(4, { failed: 'the summary reply was empty', compactedSeqs: [], trigger: 'auto' }),
      msg('user', 'two'),
    ]);
    expect(items.map((i) => i.key)).toEqual([expect.any(String), 'c2', 'c3', 'c4', expect.any(String)]);
    const [, older, latest, failed] = items;
    if (older === undefined || latest === undefined || failed === undefined) throw new Error('items missing');
    expect(failed).toMatchObject({ tone: 'warning' });
    expect(text(itemLines(failed, 120, closed))).toEqual([
      '— Compression failed (automatic, at 60000 tokens): the summary reply was empty. The context was left as it was.',
    ]);
    expect(text(itemLines(older, 90, closed))).toEqual([
      '— Undone compaction: 2 messages summarised (60000 → 20000 tokens)',
    ]);
    const lines = text(itemLines(latest, 70, closed));
    expect(lines[0]).toMatch(/^─+ Context summary: 2 messages summarised \(60000 → 20000 tokens\) ─+$/);
    expect(lines.slice(1)).toEqual(['  Goal: summary number 3']);
  });
});

describe('a failed compression that octo made up for', () => {
  it('says that octo compressed without the model, past the knowledge written before its summary', () => {
    const knowledge: SessionRecord = {
      kind: 'knowledge',
      seq: 5,
      at: '2025-06-01T11:00:00Z',
      op: 'add',
      entryId: 'K1',
      category: 'decision',
      text: 'ship from main only',
    };
    const items = buildItems([
      msg('user', 'one', { inContext: false }),
      compaction(4, { failed: 'the summary reply was empty', compactedSeqs: [], trigger: 'auto' }),
      knowledge,
      compaction(6, { form: 'octo', model: 'octo' }),
      msg('user', 'two'),
    ]);
    const failed = items.find((i) => i.key === 'c4');
    if (failed === undefined) throw new Error('no failed item');
    expect(text(itemLines(failed, 200, closed))).toEqual([
      '— Compression failed (automatic, at 60000 tokens): the summary reply was empty. The request would not have fit the window, so octo compressed without the model.',
    ]);
  });
});

describe('command results as notes', () => {
  it('completes the context commands with Tab (they come from the core)', () => {
    const names = allCommands(coreCommandHelp()).map((c) => c.name);
    for (const name of ['info', 'context', 'summarize', 'done', 'knowledge', 'uncompress', 'run'])
      expect(names).toContain(name);
  });

  it('shows /info figures by kind and by source', () => {
    const note = infoNote(info);
    expect(note.text).toBe('auth-refactor · test:fake-model');
    expect(note.body).toEqual([
      'Tokens        input 12k · output 300 · cache read 400 · cache write 0 · reasoning 50',
      'Cost          $0.52 total · main $0.40 · agents $0.10 · compression $0.02',
      'Requests      12 total · main 10 · agents 1 · compression 1',
      'Compressions  2 (1 undone, 0 failed) · 40k tokens saved',
      'Cache hits    33%',
      'Messages      40 (30 in context, 10 compacted)',
      'Context       50k of 100k tokens · next compression at 76.8k',
      'Knowledge     5 entries (1 pinned, 5 in context)',
      'Limit         session spending $0.52 of $2.00',
    ]);
  });

  it('shows /context as a table of #, role, tokens, share, time and preview', () => {
    const note = contextNote(
      'all',
      [
        {
          index: 1,
          kind: 'system',
          role: 'system',
          seq: null,
          tokens: 1200,
          share: 0.4,
          at: null,
          preview: 'You are octo',
        },
        {
          index: 2,
          kind: 'message',
          role: 'user',
          seq: 7,
          tokens: 1800,
          share: 0.6,
          at: '2025-06-01T11:02:00Z',
          preview: 'Where is the token checked?',
        },
      ],
      3000,
    );
    expect(note).toEqual({
      text: 'Context (all): 2 parts, 3.0k tokens',
      body: [
        '#   role    tokens  share  time   preview',
        '#1  system    1.2k    40%         You are octo',
        '#2  user      1.8k    60%  11:02  Where is the token checked?',
      ],
    });
  });

  it('lists knowledge entries with id, category and pin', () => {
    const note = knowledgeNote(
      [
        { id: 'k1', category: 'decision', text: 'Use JWT', pinned: true, seq: 3, retained: true },
        { id: 'k2', category: 'constraint', text: 'No new deps', pinned: false, seq: 4, retained: true },
      ],
      { op: 'pin', id: 'k1' },
    );
    expect(note).toEqual({
      text: 'Knowledge: 2 entries (pin k1: done)',
      body: [
        'id  category    pinned  text',
        'k1  decision    pinned  Use JWT',
        'k2  constraint          No new deps',
      ],
    });
  });
});

/** The notes of session a, whole (the screen wraps long ones). */
function notes(s: Headless): string[] {
  return (s.tui.controller.state.conversations.get('a')?.notes ?? []).map((n) => n.item.text);
}

const openScreen = useHeadless();

/** The screen's clock, moved by a test: an answer to a question counts only after its guard time. */
let now = FIXED_NOW;

async function open(): Promise<{ s: Headless; ws: ReturnType<typeof fixtureWorkspace> }> {
  const ws = fixtureWorkspace();
  now = FIXED_NOW;
  return { s: await openScreen(ws, { width: 160, height: 50 }, { clock: () => now }), ws };
}

describe('compression, commands and limits on a headless screen', () => {
  it('follows context.changed in the context pane', async () => {
    const { s, ws } = await open();
    ws.bus.emit('context.changed', { sessionId: 'a', breakdown });
    await s.flush();
    expect(s.tui.controller.state.breakdown).toEqual(breakdown);
    expect(s.text()).toContain('~50k / 100k tokens');
    expect(s.text()).toContain('next compression at 76.8k');
  });

  it('notes a compression while it runs, then what it saved, or why it failed', async () => {
    const { s, ws } = await open();
    ws.bus.emit('context.compacting', { sessionId: 'a', trigger: 'auto', level: 60_000, tokens: 61_000 });
    await s.flush();
    expect(s.text()).toContain('— compressing context…');
    ws.bus.emit('context.compacted', {
      sessionId: 'a',
      tokensBefore: 61_000,
      tokensAfter: 20_000,
      trigger: 'auto',
      level: 60_000,
      messages: 12,
      cost: 0.01,
    });
    await s.flush();
    expect(s.text()).not.toContain('— compressing context…');
    expect(s.text()).toContain('compressed 12 messages: 61k → 20k tokens (auto, past 60k)');
    ws.bus.emit('context.compacting', { sessionId: 'a', trigger: 'summarize', level: null, tokens: 20_000 });
    ws.bus.emit('context.compactionFailed', {
      sessionId: 'a',
      trigger: 'summarize',
      reason: 'the summary was empty',
    });
    await s.flush();
    expect(s.text()).not.toContain('— compressing context…');
    expect(notes(s)).toContain(
      'Compression failed (/summarize), the context was left as it was: the summary was empty',
    );
  });

  it('renders /info as a table and sends what /done and /run ask for', async () => {
    const { s, ws } = await open();
    const handle = ws.handle('a');
    const results: Record<string, CommandResult> = {
      info: { type: 'info', info },
      done: {
        type: 'checkpoint',
        compaction: { messages: 4, tokensBefore: 9000, tokensAfter: 3000, knowledgeAdded: 2, cost: null },
        followUp: 'now the tests',
      },
      run: { type: 'submit', command: 'reduce', text: 'Reduce the code', model: 'test:small' },
    };
    const submitted: Array<[string, unknown]> = [];
    handle.command = (line) =>
      Promise.resolve(
        results[line.slice(1).split(/\s/)[0] ?? ''] ?? { type: 'unknown', name: line, suggestions: [] },
      );
    const api: SessionHandle = handle;
    const submit = handle.submit.bind(handle);
    api.submit = (t, o) => {
      submitted.push([t, o]);
      return submit(t);
    };
    await s.press(...'/info', KEY.enter);
    expect(s.text()).toContain('Cost          $0.52 total · main $0.40 · agents $0.10 · compression $0.02');
    await s.press(...'/done now the tests', KEY.enter);
    expect(s.text()).toContain(
      'Checkpoint recorded: 4 messages: 9.0k → 3.0k tokens, 2 knowledge entries added',
    );
    expect(submitted).toEqual([['now the tests', {}]]);
    handle.finish();
    await s.press(...'/run reduce', KEY.enter);
    expect(submitted[1]).toEqual(['Reduce the code', { model: 'test:small' }]);
  });

  it('asks at a spending limit in a box; Right and Enter raise it by half and continue, Left and Enter stop', async () => {
    const { s, ws } = await open();
    const handle = ws.handle('a');
    const raised: Array<[string, number]> = [];
    let continued = 0;
    const api: SessionHandle = handle;
    api.raiseLimit = (limit, max) => void raised.push([limit, max]);
    api.continueTurn = () => {
      continued += 1;
      return Promise.resolve({ status: 'finished', turnId: 't', reply: '' });
    };
    ws.bus.emit('budget.warning', { sessionId: 'a', limit: 'session_spending', used: 4, max: 5 });
    ws.bus.emit('budget.exceeded', { sessionId: 'a', limit: 'session_spending', used: 5.01, max: 5 });
    await s.flush();
    expect(s.text()).toContain('Near a limit: session spending $4.00 of $5.00 used.');
    expect(s.text()).toContain(askText({ limit: 'session_spending', used: 5.01, max: 5 }));
    expect(s.text()).toContain('Limit reached');
    expect(s.text()).toContain('Raise to $7.51 and continue');
    expect(s.text()).toContain('Stop here');
    // y was its answer once: now it is text for the input, and an early choice is not taken.
    await s.press('y', KEY.right, KEY.enter);
    expect(raised).toEqual([]);
    expect(s.tui.controller.state.input.text).toBe('y');
    await s.press(KEY.backspace);
    now += APPROVAL_GUARD_MS;
    await s.press(KEY.right);
    expect(s.text()).toContain('[ Raise to $7.51 and continue ]');
    await s.press(KEY.enter);
    expect(raised.map(([l]) => l)).toEqual(['session_spending']);
    expect(raised[0]?.[1]).toBeCloseTo(7.515);
    expect(continued).toBe(1);
    expect(s.text()).not.toContain('Stop here');
    ws.bus.emit('budget.exceeded', {
      sessionId: 'a',
      limit: 'session_tokens',
      used: 1_000_100,
      max: 1_000_000,
    });
    now += APPROVAL_GUARD_MS;
    await s.press('n', KEY.enter);
    expect(notes(s)).not.toContain('Stopped at the limit (session tokens 1.0M of 1.0M).');
    await s.press(KEY.left, KEY.enter);
    expect(raised).toHaveLength(1);
    expect(notes(s)).toContain('Stopped at the limit (session tokens 1.0M of 1.0M).');
    expect(s.tui.controller.state.input.text).toBe('n');
    ws.bus.emit('budget.exceeded', { sessionId: 'a', limit: 'session_tokens', used: 10, max: 5 });
    ws.bus.emit('turn.started', { sessionId: 'a', turnId: 'other' });
    expect(s.tui.controller.state.budgetAsk).toBeNull();
    expect(s.tui.controller.state.questionChoice).toBeNull();
  });
});
