/** Typing ahead: Enter while a turn runs queues the message, which goes when the session is free. */
import { describe, expect, it } from 'vitest';
import { coreCommandHelp } from '../../src/core/commands/index.js';
import type { AppEvent } from '../../src/tui/app/actions.js';
import { initialState, type AppState } from '../../src/tui/app/state.js';
import { summary } from './support/fake-workspace.js';
import { msg } from './support/records.js';
import { key, run, snapshot, typed, ws } from './support/reduce-kit.js';
import { KEY } from './support/headless.js';
import { useRealCore } from './support/real-core.js';

const core = useRealCore();

/** Two sessions, `a` on screen, with the core's commands known (which of them wait for a turn). */
function start(): AppState {
  const base = initialState(
    { projectId: 'proj', projectDir: '/home/dev/proj', commands: coreCommandHelp() },
    { width: 120, height: 40 },
  );
  return run(
    base,
    {
      type: 'listed',
      summaries: [summary({ id: 'a', name: 'a', order: 2 }), summary({ id: 'b', name: 'b', order: 1 })],
    },
    { type: 'opened', snapshot: snapshot('a', [msg('user', 'hello'), msg('assistant', 'hi')]), token: null },
  ).state;
}

const started = (sessionId: string, turnId: string): AppEvent =>
  ws({ name: 'turn.started', payload: { sessionId, turnId } });
const finished = (sessionId: string, turnId: string): AppEvent =>
  ws({ name: 'turn.finished', payload: { sessionId, turnId, steps: 1 } });
const enter = (text: string): AppEvent[] => [...typed(text), key('enter')];

describe('typing ahead while a turn runs', () => {
  it('queues each message, and sends them one per turn, in order, as each turn ends', () => {
    const queued = run(start(), started('a', 't1'), ...enter('second'), ...enter('third'));
    expect(queued.all).toEqual([]);
    expect(queued.state.queued.get('a')?.map((m) => m.text)).toEqual(['second', 'third']);
    expect(queued.state.input.history).toEqual(['second', 'third']);

    const first = run(queued.state, finished('a', 't1'));
    expect(first.effects).toContainEqual({
      kind: 'submit',
      sessionId: 'a',
      text: 'second',
      fromInput: false,
      queued: 1,
    });
    // Sent, not yet taken: nothing else goes, and a message typed now still queues behind.
    const waiting = run(first.state, ...enter('fourth'));
    expect(waiting.all).toEqual([]);
    const taken = run(
      waiting.state,
      { type: 'submitting', sessionId: 'a', fromInput: false, queued: 1 },
      started('a', 't2'),
    );
    expect(taken.state.queued.get('a')?.map((m) => m.text)).toEqual(['third', 'fourth']);
    const next = run(taken.state, finished('a', 't2'));
    expect(next.effects).toContainEqual({
      kind: 'submit',
      sessionId: 'a',
      text: 'third',
      fromInput: false,
      queued: 2,
    });
  });

  it('keeps a queued message that found the session busy, and sends it after that turn', () => {
    const sent = run(start(), started('a', 't1'), ...enter('later'), finished('a', 't1'));
    const refused = run(sent.state, { type: 'submitRefused', sessionId: 'a', queued: 1 }, started('a', 'tx'));
    expect(refused.state.queued.get('a')).toHaveLength(1);
    expect(refused.state.hint).toBeNull();
    const again = run(refused.state, finished('a', 'tx'));
    expect(again.effects).toContainEqual(expect.objectContaining({ kind: 'submit', text: 'later' }));
  });

  it('gives the last queued message back to edit with Up in an empty input; Ctrl-U then drops it', () => {
    const queued = run(start(), started('a', 't1'), ...enter('one'), ...enter('two'));
    const back = run(queued.state, key('up'));
    expect(back.state.input.text).toBe('two');
    expect(back.state.queued.get('a')?.map((m) => m.text)).toEqual(['one']);
    const edited = run(back.state, ...typed('!'), key('enter'));
    expect(edited.state.queued.get('a')?.map((m) => m.text)).toEqual(['one', 'two!']);
    const dropped = run(edited.state, key('up'), key('C-u'), key('up'));
    expect(dropped.state.input.text).toBe('one');
    expect(dropped.state.queued.has('a')).toBe(false);
    const cleared = run(dropped.state, key('C-u'), finished('a', 't1'));
    expect(cleared.all).not.toContainEqual(expect.objectContaining({ kind: 'submit' }));
  });

  it('queues a command that changes the session, runs one that only reads it at once', () => {
    const busy = run(start(), started('a', 't1'), ...enter('/summarize auth'), ...enter('/info'));
    expect(busy.all).toEqual([{ kind: 'command', sessionId: 'a', line: '/info' }]);
    expect(busy.state.queued.get('a')).toEqual([{ id: 1, text: '/summarize auth', command: true }]);
    const ended = run(busy.state, finished('a', 't1'));
    expect(ended.effects).toContainEqual({
      kind: 'command',
      sessionId: 'a',
      line: '/summarize auth',
      queued: 1,
    });
    expect(ended.state.queued.has('a')).toBe(false);
    // While it runs, a message typed waits for it.
    const typedOn = run(ended.state, ...enter('after the summary'));
    expect(typedOn.all).toEqual([]);
    const done = run(typedOn.state, {
      type: 'commandDone',
      sessionId: 'a',
      queued: 1,
      result: { type: 'message', level: 'info', text: 'summarised' },
    });
    expect(done.effects).toContainEqual(
      expect.objectContaining({ kind: 'submit', sessionId: 'a', text: 'after the summary' }),
    );
  });

  it('holds the queue after a cancelled turn, until Enter sends it on', () => {
    const cancelled = run(
      start(),
      started('a', 't1'),
      ...enter('queued'),
      ws({ name: 'turn.interrupted', payload: { sessionId: 'a', turnId: 't1', reason: 'user' } }),
    );
    expect(cancelled.all).not.toContainEqual(expect.objectContaining({ kind: 'submit' }));
    expect(cancelled.state.conversations.get('a')?.notes.at(-1)?.item.text).toBe(
      'The queued message waits: Enter sends it on, Up takes the last back to edit.',
    );
    const resumed = run(cancelled.state, key('enter'));
    expect(resumed.effects).toEqual([
      { kind: 'submit', sessionId: 'a', text: 'queued', fromInput: false, queued: 1 },
    ]);
  });

  it('sends a queued message into its own session, also once another is on screen', () => {
    const queued = run(start(), started('a', 't1'), ...enter('for a'));
    const elsewhere = run(queued.state, { type: 'opened', snapshot: snapshot('b', []), token: null });
    expect(elsewhere.state.currentId).toBe('b');
    const ended = run(elsewhere.state, finished('a', 't1'));
    expect(ended.effects).toContainEqual(
      expect.objectContaining({ kind: 'submit', sessionId: 'a', text: 'for a' }),
    );
  });

  it('shows the result of a command run in a session not on screen in that session', () => {
    const s = run(start(), { type: 'opened', snapshot: snapshot('b', []), token: null });
    const done = run(s.state, {
      type: 'commandDone',
      sessionId: 'a',
      result: { type: 'message', level: 'info', text: 'for a' },
    });
    expect(done.state.currentId).toBe('b');
    expect(done.state.conversations.get('a')?.notes.map((n) => n.item.text)).toEqual(['for a']);
    expect(done.state.conversations.get('b')?.notes ?? []).toEqual([]);
  });
});

describe('typing ahead on screen, over the real core', () => {
  it('shows the message as queued while the reply streams, and sends it when the reply ends', async () => {
    const test = await core.workspace({ providerUrl: core.fake.url });
    await (await test.ws.sessions.create('ahead')).close();
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    core.fake.enqueue(
      { text: ['The ', 'first ', 'reply ', 'streams.'], gateAfter: 2, gate },
      { text: ['Second reply.'] },
    );
    const s = await core.screen(test.ws, { width: 120, height: 40 });
    const streaming = new Promise<void>((resolve) => {
      const off = test.ws.on('turn.delta', () => {
        off();
        resolve();
      });
    });
    await s.press(...'first'.split(''), KEY.enter);
    await streaming;
    await s.press(...'and then this'.split(''), KEY.enter);
    expect(s.text()).toContain('⧗ queued and then this');
    expect(s.text()).toContain('Input — 1 queued: sent when the session is free · Up edits the last');
    expect(core.fake.requests).toHaveLength(1);

    const second = new Promise<void>((resolve) => {
      let finishedTurns = 0;
      const off = test.ws.on('turn.finished', () => {
        finishedTurns += 1;
        if (finishedTurns < 2) return;
        off();
        resolve();
      });
    });
    release();
    await second;
    await s.flush();
    expect(s.text()).not.toContain('⧗ queued');
    expect(s.text()).toContain('Second reply.');
    const saved = await test.ws.sessions.show('ahead');
    const contents = saved.records.flatMap((r) => (r.kind === 'message' ? [`${r.role}: ${r.content}`] : []));
    expect(contents).toEqual([
      'user: first',
      'assistant: The first reply streams.',
      'user: and then this',
      'assistant: Second reply.',
    ]);
  });
});
