/** Context commands on the screen over the real core and the fake provider. */
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionHandle, Workspace } from '../../src/core/api.js';
import { isCompression, summariserReply, words } from '../core/context/support.js';
import { APPROVAL_GUARD_MS } from '../../src/tui/app/approvals.js';
import { FIXED_NOW } from './support/fake-workspace.js';
import { KEY, type Headless } from './support/headless.js';
import { useRealCore } from './support/real-core.js';

const core = useRealCore();

function finished(ws: Workspace): Promise<void> {
  return new Promise((resolve) => {
    const off = ws.on('turn.finished', () => {
      off();
      resolve();
    });
  });
}

/** The handle is busy until its turn's promise settles, a few ticks after turn.finished (no event marks it). */
async function idle(handle: SessionHandle): Promise<void> {
  while (handle.isBusy()) await new Promise((resolve) => setImmediate(resolve));
}

afterEach(() => {
  core.fake.setFallback(null);
});

function notes(s: Headless, id: string): string[] {
  return (s.tui.controller.state.conversations.get(id)?.notes ?? []).flatMap((n) => [
    n.item.text,
    ...(n.item.body ?? []),
  ]);
}

describe('context commands over the real core', () => {
  it('shows /info and /context from the stored records as tables', async () => {
    const test = await core.workspace({ providerUrl: core.fake.url });
    const { ws } = test;
    const handle = await ws.sessions.create('ctx');
    core.fake.enqueue({ text: ['The token is checked in check().'] });
    const s = await core.screen(ws, { width: 160, height: 50 });
    const done = finished(ws);
    await s.press(...'Where is the token checked?', KEY.enter);
    await done;
    await s.press(...'/info', KEY.enter);
    const info = notes(s, handle.id);
    expect(info).toContain('ctx · ' + handle.model());
    expect(info).toContainEqual(
      expect.stringMatching(/^Requests +1 total · main 1 · agents 0 · compression 0$/),
    );
    expect(info).toContainEqual(
      expect.stringMatching(/^Compressions +0 \(0 undone, 0 failed\) · 0 tokens saved$/),
    );
    await s.press(...'/context', KEY.enter);
    const context = notes(s, handle.id);
    expect(context).toContainEqual(expect.stringMatching(/^Context \(all\): \d+ parts/));
    expect(context).toContainEqual(expect.stringMatching(/^#\d+ +user .* Where is the token checked\?$/));
    expect(context).toContainEqual(
      expect.stringMatching(/^#\d+ +assistant .* The token is checked in check\(\)\.$/),
    );
  });

  it('asks at the session token limit; Right and Enter raise it and continue the conversation', async () => {
    const test = await core.workspace({
      providerUrl: core.fake.url,
      extraConfig: '[limits]\nmax_session_tokens = 1\n',
    });
    const { ws } = test;
    const handle = await ws.sessions.create('limited');
    core.fake.enqueue({ text: ['First answer.'] });
    let now = FIXED_NOW;
    const s = await core.screen(ws, { width: 160, height: 50 }, { clock: () => now });
    const first = finished(ws);
    await s.press(...'One', KEY.enter);
    await first;
    await idle(handle);
    const events: string[] = [];
    const ended = new Promise<void>((resolve) => {
      const offs = [
        ws.on('budget.exceeded', () => events.push('exceeded')),
        ws.on('turn.failed', ({ code }) => end(`failed ${code}`)),
        ws.on('turn.interrupted', ({ reason }) => end(`interrupted ${reason}`)),
        ws.on('turn.finished', () => end('finished')),
      ];
      function end(what: string): void {
        events.push(what);
        offs.forEach((off) => off());
        resolve();
      }
    });
    await s.press(...'Two', KEY.enter);
    await ended;
    await idle(handle);
    await s.flush();
    expect(events).toEqual(['exceeded', 'failed budget_exceeded']);
    const ask = s.tui.controller.state.budgetAsk;
    expect(ask).toMatchObject({ sessionId: handle.id, limit: 'session_tokens', max: 1 });
    expect(notes(s, handle.id).some((n) => n.startsWith('Limit reached: session tokens'))).toBe(true);
    expect(notes(s, handle.id).some((n) => n.startsWith('Turn failed'))).toBe(false);
    core.fake.enqueue({ text: ['Second answer.'] });
    const second = finished(ws);
    now += APPROVAL_GUARD_MS;
    await s.press(KEY.right, KEY.enter);
    await second;
    await s.flush();
    expect(handle.limits().map(({ limit, max }) => ({ limit, max }))).toEqual([
      { limit: 'session_tokens', max: Math.ceil((ask?.used ?? 0) * 1.5) },
    ]);
    expect(s.text()).toContain('Second answer.');
  });

  it('shows /summarize as a summary divider and notes, and /uncompress takes the divider away', async () => {
    let n = 0;
    core.fake.setFallback((request) => {
      if (isCompression(request)) return summariserReply(request);
      n += 1;
      return { text: `answer ${n} ${words(30, n)}` };
    });
    const test = await core.workspace({ providerUrl: core.fake.url });
    const { ws } = test;
    const handle = await ws.sessions.create('manual');
    for (let i = 1; i <= 4; i += 1) await handle.submit(`question ${i}`);
    const s = await core.screen(ws, { width: 160, height: 50 });
    await s.press(...'/summarize', KEY.enter);
    await s.flush();
    const after = notes(s, handle.id);
    expect(after).toContainEqual(
      expect.stringMatching(/^compressed \d+ messages: .* tokens \(\/summarize\)/),
    );
    expect(after).toContainEqual(expect.stringMatching(/^Summarised now: \d+ messages: /));
    expect(s.text()).toMatch(/─+ Context summary: \d+ messages summarised/);
    await s.press(...'/uncompress', KEY.enter);
    await s.flush();
    expect(notes(s, handle.id)).toContainEqual(
      expect.stringMatching(/^Compression undone: \d+ messages back in context/),
    );
    expect(s.text()).not.toContain('Context summary:');
  });
});
