/** The screen over the real workspace and the fake provider: streaming, switching, saving. */
import { describe, expect, it } from 'vitest';
import type { OctoEvents } from '../../src/core/events.js';
import type { Workspace } from '../../src/core/api.js';
import { KEY } from './support/headless.js';
import { useRealCore } from './support/real-core.js';

const core = useRealCore();

function next<K extends 'turn.delta' | 'turn.finished'>(ws: Workspace, name: K): Promise<OctoEvents[K]> {
  return new Promise((resolve) => {
    const off = ws.on(name, (payload) => {
      off();
      resolve(payload);
    });
  });
}

describe('the workspace screen over the real core', () => {
  it('keeps a reply streaming in one session while another is shown, and saves it', async () => {
    const test = await core.workspace({ providerUrl: core.fake.url });
    const { ws } = test;
    await ws.sessions.create('beta');
    await ws.sessions.create('alpha');
    core.fake.enqueue({
      text: ['Alpha ', 'answer ', 'keeps ', 'going ', 'while ', 'beta ', 'shows.'],
      chunkDelayMs: 40,
    });
    const s = await core.screen(ws, { width: 120, height: 40 });
    expect(s.rows()[0]).toContain('Conversation — alpha');

    const firstDelta = next(ws, 'turn.delta');
    const finished = next(ws, 'turn.finished');
    await s.press(...'Tell me'.split(''), KEY.enter);
    await firstDelta;
    await s.press(KEY.ctrlN);
    expect(s.rows()[0]).toContain('Conversation — beta');
    expect(s.text()).toMatch(/│ ⟳ alpha/);

    await finished;
    await s.flush();
    expect(s.text()).toMatch(/│ {3}alpha/);
    const saved = await ws.sessions.show('alpha');
    const contents = saved.records.flatMap((r) => (r.kind === 'message' ? [`${r.role}: ${r.content}`] : []));
    expect(contents).toEqual(['user: Tell me', 'assistant: Alpha answer keeps going while beta shows.']);

    await s.press(KEY.ctrlP);
    expect(s.rows()[0]).toContain('Conversation — alpha');
    expect(s.text()).toContain('Alpha answer keeps going while beta shows.');
    expect(s.text()).toMatch(/input +\d/);
  });

  it('cancels a streaming turn with Esc and keeps the partial reply, marked interrupted, on disk', async () => {
    const test = await core.workspace({ providerUrl: core.fake.url });
    const { ws } = test;
    await ws.sessions.create('cut');
    core.fake.enqueue({ text: ['Partial ', 'reply'], stallAfter: 1 });
    const s = await core.screen(ws, { width: 120, height: 40 });
    const firstDelta = next(ws, 'turn.delta');
    const interrupted = new Promise<void>((resolve) => ws.on('turn.interrupted', () => resolve()));
    await s.press(...'Go'.split(''), KEY.enter);
    await firstDelta;
    await s.press(KEY.esc);
    await interrupted;
    await s.flush();
    expect(s.text()).toContain('◆ Assistant · test:fake-model · interrupted');
    const saved = await ws.sessions.show('cut');
    expect(
      saved.records.some((r) => r.kind === 'message' && r.interrupted === true && r.content === 'Partial '),
    ).toBe(true);
  });
});
