/** The TUI's reducer as data: events in, state and effects out, no screen and no workspace. */
import { describe, expect, it } from 'vitest';
import type { AppEvent, Step } from '../../src/tui/app/actions.js';
import { initialState, type AppState } from '../../src/tui/app/state.js';
import { APPROVAL_GUARD_MS } from '../../src/tui/app/approvals.js';
import { frontQuestion } from '../../src/tui/app/question.js';
import { FIXED_NOW } from './support/fake-workspace.js';
import { key, run, snapshot, start, typed, ws } from './support/reduce-kit.js';
import { msg } from './support/records.js';

describe('reduce: sending', () => {
  it('keeps text typed in a read-only view with that session: never sent into the next one shown', () => {
    const holder = { pid: 4242, host: 'box', since: '2026-12-02T10:00:00.000Z' };
    const following = run(
      start(),
      ...typed('draft one'),
      { type: 'opened', snapshot: snapshot('b', [], { readOnly: true, holder }), token: null },
      ...typed('for b only'),
      key('enter'),
    );
    // Refused in the read-only view, and kept there.
    expect(following.all.filter((e) => e.kind === 'submit')).toEqual([]);
    expect(following.state.input.text).toBe('for b only');
    const back = run(following.state, { type: 'opened', snapshot: snapshot('a', []), token: null });
    // a gets its own text back; b's stays b's.
    expect(back.state.input.text).toBe('draft one');
    const sent = run(back.state, key('enter'));
    expect(sent.all.filter((e) => e.kind === 'submit')).toEqual([
      { kind: 'submit', sessionId: 'a', text: 'draft one', fromInput: true },
    ]);
    const sentTaken = run(sent.state, { type: 'submitting', sessionId: 'a', fromInput: true });
    const again = run(sentTaken.state, { type: 'opened', snapshot: snapshot('b', []), token: null });
    expect(again.state.input.text).toBe('for b only');
    const empty = run(again.state, { type: 'opened', snapshot: snapshot('a', []), token: null });
    expect(empty.state.input.text).toBe('');
    expect(empty.state.input.history).toContain('draft one');
  });

  it('asks the workspace to send the input, which leaves the input only once it is taken', () => {
    const sent = run(start(), ...typed('hello'), key('enter'));
    expect(sent.effects).toEqual([{ kind: 'submit', sessionId: 'a', text: 'hello', fromInput: true }]);
    expect(sent.state.input.text).toBe('hello');
    const taken = run(sent.state, { type: 'submitting', sessionId: 'a', fromInput: true });
    expect(taken.state.input.text).toBe('');
    expect(taken.state.input.history).toEqual(['hello']);
  });

  it('queues the text while a turn runs, sends nothing yet, and sends it when the turn ends', () => {
    const busy = run(start(), ws({ name: 'turn.started', payload: { sessionId: 'a', turnId: 't1' } }));
    const queued = run(busy.state, ...typed('more'), key('enter'));
    expect(queued.all).toEqual([]);
    expect(queued.state.input.text).toBe('');
    expect(queued.state.queued.get('a')).toEqual([{ id: 1, text: 'more', command: false }]);
    const ended = run(
      queued.state,
      ws({ name: 'turn.finished', payload: { sessionId: 'a', turnId: 't1', steps: 1 } }),
    );
    expect(ended.effects).toContainEqual({
      kind: 'submit',
      sessionId: 'a',
      text: 'more',
      fromInput: false,
      queued: 1,
    });
  });

  it('keeps the text of a session whose holder went away, says so, and sends nothing', () => {
    const gone = run(
      start(),
      ws({
        name: 'session.detached',
        payload: { sessionId: 'a', reason: 'the connection \u001b[31mdropped (1006)' },
      }),
    );
    expect(gone.state.open.get('a')).toMatchObject({
      readOnly: true,
      detached: 'the connection dropped (1006)',
    });
    const refused = run(gone.state, ...typed('still there?'), key('enter'));
    expect(refused.all).toEqual([]);
    expect(refused.state.input.text).toBe('still there?');
    expect(refused.state.conversations.get('a')?.notes.map((n) => n.item.text)).toEqual([
      'Not sent: the process that held session-a went away (the connection dropped (1006)). ' +
        'Quit, then octo run --resume session-a continues it here.',
    ]);
    // Another session's news leaves this one alone; a second word of the same loss changes nothing.
    expect(
      run(gone.state, ws({ name: 'session.detached', payload: { sessionId: 'a', reason: 'again' } })).quiet,
    ).toBe(true);
    expect(
      run(start(), ws({ name: 'session.detached', payload: { sessionId: 'b', reason: 'x' } })).state.open.get(
        'a',
      )?.detached,
    ).toBeNull();
  });

  it('counts a running compression as busy, until it ends', () => {
    const compressing = run(
      start(),
      ws({
        name: 'context.compacting',
        payload: { sessionId: 'a', trigger: 'summarize', level: null, tokens: 9 },
      }),
      ...typed('x'),
      key('enter'),
    );
    expect(compressing.all).toEqual([]);
    const done = run(
      compressing.state,
      ws({ name: 'context.compactionInterrupted', payload: { sessionId: 'a', trigger: 'summarize' } }),
    );
    expect(done.effects).toEqual([
      { kind: 'submit', sessionId: 'a', text: 'x', fromInput: false, queued: 1 },
    ]);
  });

  it('runs a core command in the session on screen and shows its result as a note', () => {
    const ran = run(start(), ...typed('/info'), key('enter'));
    expect(ran.effects).toEqual([{ kind: 'command', sessionId: 'a', line: '/info' }]);
    const shown = run(ran.state, {
      type: 'commandDone',
      sessionId: 'a',
      result: { type: 'message', level: 'info', text: 'ok' },
    });
    expect(shown.state.conversations.get('a')?.notes.map((n) => n.item.text)).toEqual(['ok']);
  });
});

describe('reduce: a turn as events', () => {
  it('streams into the live reply, appends records by version, and ends with the context read again', () => {
    const started = run(start(), ws({ name: 'turn.started', payload: { sessionId: 'a', turnId: 't1' } }));
    const streamed = run(
      started.state,
      ws({ name: 'turn.delta', payload: { sessionId: 'a', turnId: 't1', kind: 'text', text: 'Hel' } }),
      ws({ name: 'turn.delta', payload: { sessionId: 'a', turnId: 't1', kind: 'reasoning', text: 'think' } }),
      ws({ name: 'turn.delta', payload: { sessionId: 'a', turnId: 't1', kind: 'text', text: 'lo' } }),
    );
    expect(streamed.state.live.get('a')).toEqual({ text: 'Hello', reasoning: 'think' });
    const before = streamed.state.open.get('a')?.records;
    const reply = msg('assistant', 'Hello');
    const appended = run(
      streamed.state,
      ws({
        name: 'session.recordsChanged',
        payload: { sessionId: 'a', version: 1, change: { kind: 'appended', records: [reply] } },
      }),
    );
    expect(appended.state.open.get('a')?.records.at(-1)).toBe(reply);
    expect(appended.state.open.get('a')?.version).toBe(1);
    expect(before).toHaveLength(2);
    const ended = run(
      appended.state,
      ws({ name: 'turn.finished', payload: { sessionId: 'a', turnId: 't1', steps: 1 } }),
    );
    expect(ended.state.busy.has('a')).toBe(false);
    expect(ended.state.live.has('a')).toBe(false);
    expect(ended.effects).toEqual([{ kind: 'readContext', sessionId: 'a' }]);
  });

  it('ignores a change it already holds, and takes a new snapshot after a gap', () => {
    const old = run(
      start(),
      ws({
        name: 'session.recordsChanged',
        payload: { sessionId: 'a', version: 0, change: { kind: 'replaced', records: [] } },
      }),
    );
    expect(old.state.open.get('a')?.records).toHaveLength(2);
    expect(old.quiet).toBe(true);
    const gap = run(
      start(),
      ws({
        name: 'session.recordsChanged',
        payload: { sessionId: 'a', version: 3, change: { kind: 'appended', records: [msg('user', 'x')] } },
      }),
    );
    expect(gap.effects).toEqual([{ kind: 'resnapshot', sessionId: 'a' }]);
    expect(gap.state.open.get('a')?.records).toHaveLength(2);
  });

  it('does not end a turn on the failure of another turn id, and shows the failure', () => {
    const failed = run(
      start(),
      ws({ name: 'turn.started', payload: { sessionId: 'a', turnId: 't1' } }),
      ws({
        name: 'turn.failed',
        payload: { sessionId: 'a', turnId: 'other', code: 'turn_busy', message: 'busy' },
      }),
    );
    expect(failed.state.busy.has('a')).toBe(true);
    expect(failed.state.conversations.get('a')?.notes.map((n) => n.item.text)).toEqual(['Turn failed: busy']);
  });

  it('draws no frame for a reply streaming in a session not on screen', () => {
    const elsewhere = run(
      start(),
      ws({ name: 'turn.delta', payload: { sessionId: 'b', turnId: 't9', kind: 'text', text: 'x' } }),
    );
    expect(elsewhere.quiet).toBe(true);
    expect(elsewhere.state.live.get('b')).toEqual({ text: 'x', reasoning: '' });
  });
});

describe('reduce: keys', () => {
  it('interrupts on the first Ctrl-C and quits on a second within two seconds, by the events’ times', () => {
    const busy = run(start(), ws({ name: 'turn.started', payload: { sessionId: 'a', turnId: 't1' } })).state;
    const first = run(busy, { type: 'key', key: { full: 'C-c' }, at: 1_000 });
    expect(first.effects).toEqual([{ kind: 'interrupt', sessionId: 'a' }]);
    const late = run(first.state, { type: 'key', key: { full: 'C-c' }, at: 3_001 });
    expect(late.effects).not.toContainEqual({ kind: 'exit', code: 0 });
    const quick = run(late.state, { type: 'key', key: { full: 'C-c' }, at: 4_000 });
    expect(quick.effects).toEqual([{ kind: 'exit', code: 0 }]);
  });

  it('switches sessions in the order the list shows, and a late open does not win over a later choice', () => {
    const next = run(start(), key('C-n'));
    expect(next.effects).toEqual([{ kind: 'open', sessionId: 'b', token: 1 }]);
    const back = run(next.state, key('C-p'));
    expect(back.state.currentId).toBe('a');
    const late = run(back.state, { type: 'opened', snapshot: snapshot('b', []), token: 1 });
    expect(late.state.currentId).toBe('a');
    expect(late.state.open.has('b')).toBe(true);
    const again = run(late.state, key('C-n'));
    expect(again.state.currentId).toBe('b');
    expect(again.effects).toEqual([{ kind: 'readContext', sessionId: 'b' }]);
  });

  it('pages the conversation by the pane’s height, from the screen size it was told', () => {
    const tall = run(start(), key('pageup'));
    const short = run(start(), { type: 'resize', width: 120, height: 24 }, key('pageup'));
    const scroll = (s: Step): number | undefined => s.state.conversations.get('a')?.scroll;
    expect(scroll(tall)).toBeGreaterThan(scroll(short) ?? Infinity);
    expect(scroll(short)).toBeGreaterThan(0);
  });

  const asked = (at = FIXED_NOW): AppEvent => ({
    type: 'workspace',
    at,
    event: {
      name: 'approval.requested',
      payload: {
        sessionId: 'a',
        requestId: 'r1',
        kind: 'tool',
        tool: 'write_file',
        summary: 'x',
        detail: '',
      },
    },
  });
  const keyAt = (at: number, full: string, ch?: string): AppEvent => ({
    type: 'key',
    key: ch === undefined ? { full } : { full, ch },
    at,
  });
  const typedAt = (at: number, text: string): AppEvent[] => [...text].map((ch) => keyAt(at, ch, ch));
  const later = FIXED_NOW + APPROVAL_GUARD_MS;

  it('keeps what is typed while a question waits in the input, and never answers it (docs/faults.md row 33)', () => {
    // The case: "why" would have approved (y), "hold on, why" denied (n); Enter sends nothing.
    const typing = run(
      start(),
      asked(),
      ...typedAt(later + 500, 'hold on, why'),
      keyAt(later + 600, 'enter'),
    );
    expect(typing.all).toEqual([]);
    expect(typing.state.input.text).toBe('hold on, why');
    expect(typing.state.approvals).toHaveLength(1);
  });

  it('takes no key as a choice in the moment after the question appears', () => {
    const early = run(start(), asked(), keyAt(FIXED_NOW + 100, 'right'), keyAt(FIXED_NOW + 200, 'enter'));
    expect(early.all).toEqual([]);
    expect(early.state.questionChoice).toBeNull();
  });

  it('answers with Left/Right and Enter once the guard time has passed', () => {
    const chosen = run(start(), asked(), keyAt(later, 'right'), keyAt(later, 'right'));
    expect(chosen.state.questionChoice).toBe('always');
    const back = run(chosen.state, keyAt(later + 1, 'left'), keyAt(later + 1, 'left'));
    expect(back.state.questionChoice).toBe('deny');
    const answered = run(back.state, keyAt(later + 2, 'enter'));
    expect(answered.effects).toEqual([{ kind: 'answer', requestId: 'r1', answer: 'deny' }]);
    const settled = run(
      answered.state,
      ws({ name: 'approval.settled', payload: { sessionId: 'a', requestId: 'r1', answer: 'deny' } }),
    );
    expect(settled.state.approvals).toEqual([]);
  });

  it('says how a question ended when another terminal answered it or its turn stopped', () => {
    const notes = (step: Step): string[] =>
      step.state.conversations.get('a')?.notes.map((n) => n.item.text) ?? [];
    const settledAs = (answer: 'once' | 'always' | 'deny' | 'cancelled'): Step =>
      run(
        start(),
        asked(),
        ws({ name: 'approval.settled', payload: { sessionId: 'a', requestId: 'r1', answer } }),
      );
    expect(notes(settledAs('always'))).toEqual([
      'Approval needed: write_file — x',
      'Allowed always: write_file — x',
    ]);
    expect(notes(settledAs('once')).at(-1)).toBe('Allowed once: write_file — x');
    expect(notes(settledAs('deny')).at(-1)).toBe('Denied: write_file — x');
    expect(notes(settledAs('cancelled')).at(-1)).toBe(
      'Question withdrawn (its turn stopped): write_file — x',
    );
    // A question this screen never showed (settled before it was asked here) adds nothing.
    const unknown = run(
      start(),
      ws({ name: 'approval.settled', payload: { sessionId: 'a', requestId: 'zz', answer: 'once' } }),
    );
    expect(notes(unknown)).toEqual([]);
  });

  it('takes a choice back when text comes after it, so a pasted line with Enter never answers', () => {
    const chosen = run(start(), asked(), keyAt(later, 'right'));
    expect(chosen.state.questionChoice).toBe('once');
    const pasted = run(chosen.state, ...typedAt(later + 10, 'yes'), keyAt(later + 10, 'enter'));
    expect(pasted.all).toEqual([]);
    expect(pasted.state.questionChoice).toBeNull();
    expect(pasted.state.input.text).toBe('yes');
  });

  it('takes a choice back on a bracketed paste too: its newline is never the Enter that answers', () => {
    const chosen = run(start(), asked(), keyAt(later, 'right'));
    expect(chosen.state.questionChoice).toBe('once');
    const pasted = run(chosen.state, { type: 'paste', text: 'yes\r' }, keyAt(later + 10, 'enter'));
    expect(pasted.all).toEqual([]);
    expect(pasted.state.questionChoice).toBeNull();
    expect(pasted.state.input.text).toBe('yes\n');
    expect(pasted.state.approvals).toHaveLength(1);
  });

  it('starts the guard again for the next question, and at the first key for one waiting from before', () => {
    const second: AppEvent = {
      type: 'workspace',
      at: FIXED_NOW,
      event: {
        name: 'approval.requested',
        payload: {
          sessionId: 'a',
          requestId: 'r2',
          kind: 'tool',
          tool: 'run_shell',
          summary: 'y',
          detail: '',
        },
      },
    };
    const first = run(start(), asked(), second, keyAt(later, 'right'), keyAt(later, 'enter'));
    expect(first.effects).toEqual([{ kind: 'answer', requestId: 'r1', answer: 'once' }]);
    const next = run(
      first.state,
      {
        type: 'workspace',
        at: later + 50,
        event: { name: 'approval.settled', payload: { sessionId: 'a', requestId: 'r1', answer: 'once' } },
      },
      keyAt(later + 100, 'right'),
      keyAt(later + 100, 'enter'),
    );
    expect(next.all).toEqual([]);
    const seeded = run(start(), {
      type: 'seeded',
      jobs: [],
      mcp: [],
      approvals: [{ requestId: 'r3', kind: 'tool', sessionId: 'a', tool: 't', summary: 's', detail: '' }],
    });
    const firstKey = run(seeded.state, keyAt(later * 2, 'right'));
    expect(firstKey.state.questionChoice).toBeNull();
    const afterGuard = run(firstKey.state, keyAt(later * 2 + APPROVAL_GUARD_MS, 'right'));
    expect(afterGuard.state.questionChoice).toBe('once');
  });

  it('asks at a spending limit in the box: typing, y and a paste never answer; Left/Right and Enter raise it', () => {
    const exceeded = ws({
      name: 'budget.exceeded',
      payload: { sessionId: 'a', limit: 'session_spending', used: 5.01, max: 5 },
    });
    const asked = run(start(), exceeded);
    expect(asked.state.budgetAsk).not.toBeNull();
    expect(frontQuestion(asked.state)?.kind).toBe('limit');
    // y and n were its answers once: now, like any text, they go into the input, and Enter sends nothing.
    const typing = run(
      asked.state,
      ...typedAt(later, 'y n'),
      { type: 'paste', text: 'yes\r' },
      keyAt(later, 'enter'),
      keyAt(FIXED_NOW + 100, 'right'),
      keyAt(FIXED_NOW + 100, 'enter'),
    );
    expect(typing.all).toEqual([]);
    expect(typing.state.budgetAsk).not.toBeNull();
    expect(typing.state.input.text).toBe('y nyes\n');
    const raised = run(asked.state, keyAt(later, 'right'), keyAt(later, 'enter'));
    expect(raised.effects).toEqual([
      { kind: 'continueAtLimit', sessionId: 'a', limit: 'session_spending', max: 5.01 * 1.5 },
    ]);
    expect(raised.state.budgetAsk).toBeNull();
    expect(raised.state.questionChoice).toBeNull();
    expect(frontQuestion(raised.state)).toBeNull();
    const stopped = run(asked.state, keyAt(later, 'left'), keyAt(later, 'enter'));
    expect(stopped.all).toEqual([]);
    expect(stopped.state.budgetAsk).toBeNull();
  });

  it('asks about a limit behind a tool approval, its guard starting when the approval is settled', () => {
    const exceeded = ws({
      name: 'budget.exceeded',
      payload: { sessionId: 'a', limit: 'session_tokens', used: 110, max: 100 },
    });
    const both = run(start(), asked(), exceeded);
    expect(frontQuestion(both.state)?.kind).toBe('approval');
    const settledAt = later + 5000;
    const settled = run(both.state, {
      type: 'workspace',
      at: settledAt,
      event: { name: 'approval.settled', payload: { sessionId: 'a', requestId: 'r1', answer: 'deny' } },
    });
    expect(frontQuestion(settled.state)?.kind).toBe('limit');
    const early = run(settled.state, keyAt(settledAt + 100, 'right'), keyAt(settledAt + 100, 'enter'));
    expect(early.all).toEqual([]);
    const late = settledAt + APPROVAL_GUARD_MS;
    const raised = run(settled.state, keyAt(late, 'right'), keyAt(late, 'enter'));
    expect(raised.effects).toEqual([
      { kind: 'continueAtLimit', sessionId: 'a', limit: 'session_tokens', max: 165 },
    ]);
  });

  it('frees the search box when an answer comes for a query typed over since', () => {
    const searching = run(start(), key('C-f'), ...typed('tok'), key('enter'));
    expect(searching.effects).toEqual([{ kind: 'search', query: 'tok' }]);
    const typedOn = run(searching.state, ...typed('en'), { type: 'searched', query: 'tok', hits: [] });
    expect(typedOn.state.search).toMatchObject({ query: 'token', running: false, searched: null });
    const again = run(typedOn.state, key('enter'));
    expect(again.effects).toEqual([{ kind: 'search', query: 'token' }]);
  });
});

describe('reduce: notes', () => {
  it('places a note after the items the history holds when it is made', () => {
    const noted = run(
      start(),
      ws({
        name: 'turn.retry',
        payload: { sessionId: 'a', turnId: 't1', attempt: 1, delayMs: 1500, reason: '429' },
      }),
      ws({
        name: 'session.recordsChanged',
        payload: {
          sessionId: 'a',
          version: 1,
          change: { kind: 'appended', records: [msg('user', 'later')] },
        },
      }),
    );
    expect(noted.state.conversations.get('a')?.notes).toMatchObject([
      { after: 2, item: { text: 'Retrying (attempt 1) in 2 s: 429', tone: 'warning' } },
    ]);
  });
});

describe('reduce: history not read yet', () => {
  const painted = (atTop: boolean): AppEvent => ({
    type: 'painted',
    sessionsTop: 0,
    conversation: { sessionId: 'a', scroll: 40, atTop },
  });

  function resumed(): AppState {
    const base = initialState(
      { projectId: 'proj', projectDir: '/home/dev/proj', commands: [] },
      { width: 120, height: 40 },
    );
    const records = [msg('user', 'late question'), msg('assistant', 'late answer')];
    return run(base, {
      type: 'opened',
      snapshot: snapshot('a', records, { earlierRecords: 300 }),
      token: null,
    }).state;
  }

  it('asks once for the start when a paint reaches the top, keeping the clamped scroll', () => {
    const below = run(resumed(), painted(false));
    expect(below.all).toEqual([]);
    const top = run(below.state, painted(true), painted(true));
    expect(top.all).toEqual([{ kind: 'loadEarlier', sessionId: 'a', then: null }]);
    expect(top.state.conversations.get('a')?.scroll).toBe(40);
    expect(top.state.open.get('a')?.loadingEarlier).toBe(true);
  });

  it('goes to the top on Home once the start is read, and reads nothing more', () => {
    const home = run(resumed(), key('tab'), key('tab'), key('home'));
    expect(home.all).toEqual([{ kind: 'loadEarlier', sessionId: 'a', then: 'top' }]);
    expect(home.state.hint).toEqual({ text: 'Reading 300 earlier records…', tone: 'info' });
    const all = [msg('user', 'first question'), ...(home.state.open.get('a')?.records ?? [])];
    const read = run(
      home.state,
      ws({
        name: 'session.recordsChanged',
        payload: { sessionId: 'a', version: 1, change: { kind: 'replaced', records: all } },
      }),
      { type: 'earlierLoaded', sessionId: 'a', then: 'top' },
    );
    expect(read.all).toEqual([{ kind: 'reveal', sessionId: 'a', target: { start: true } }]);
    expect(read.state.open.get('a')).toMatchObject({ earlier: 0, loadingEarlier: false, records: all });
    expect(read.state.hint).toBeNull();
    expect(run(read.state, painted(true)).all).toEqual([]);
  });

  it('may ask again after a read that failed', () => {
    const asked = run(resumed(), painted(true));
    const failed = run(asked.state, { type: 'earlierLoaded', sessionId: 'a', then: null }, painted(true));
    expect(failed.all).toEqual([{ kind: 'loadEarlier', sessionId: 'a', then: null }]);
  });
});

describe('an agent job counted live', () => {
  it('grows its row as its reply streams, and takes the reported usage when it comes', () => {
    const started = run(
      start(),
      ws({
        name: 'job.started',
        payload: { jobId: 'j1', kind: 'agent', title: 'gather', sessionId: 'a', childSessionId: 'kid' },
      }),
    ).state;
    const streamed = run(
      started,
      ws({
        name: 'turn.delta',
        payload: { sessionId: 'kid', turnId: 'k1', kind: 'text', text: 'x'.repeat(1200) },
      }),
    );
    expect(streamed.quiet).not.toBe(true);
    expect(streamed.state.jobs.get('j1')).toMatchObject({ tokens: 0, streaming: 1200 });
    const usage = { input: 900, output: 310, cacheRead: 0, cacheWrite: 0, reasoning: 0 };
    const counted = run(
      streamed.state,
      ws({
        name: 'job.progress',
        payload: { jobId: 'j1', sessionId: 'a', activity: 'thinking', usage, cost: 0.0015 },
      }),
    ).state;
    expect(counted.jobs.get('j1')).toMatchObject({ tokens: 1210, streaming: 0, cost: 0.0015 });
  });
});
