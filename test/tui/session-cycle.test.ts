/** Ctrl-N / Ctrl-P over the real core: opening a session saves its summary, which must not reorder the cycle. */
import { describe, expect, it } from 'vitest';
import { KEY, type Headless } from './support/headless.js';
import { useRealCore } from './support/real-core.js';

const core = useRealCore();

const NAMES = ['alpha', 'bravo', 'charlie', 'delta', 'echo'];

/** The session on screen, from the conversation pane's title. */
function shown(s: Headless): string {
  return /Conversation — (\S+)/.exec(s.rows()[0] ?? '')?.[1] ?? '';
}

/** Session names in the order the Sessions pane lists them. */
function listed(s: Headless): string[] {
  return s
    .rows()
    .flatMap((row) => [...(/│[▶ ][⟳ ] (\S+) +\S+ *│/.exec(row)?.slice(1, 2) ?? [])])
    .filter((name) => NAMES.includes(name));
}

describe('switching sessions with Ctrl-N and Ctrl-P', () => {
  it('visits every session once, in the order the list shows, and comes back', async () => {
    const test = await core.workspace({ providerUrl: core.fake.url });
    for (const name of NAMES) {
      const handle = await test.ws.sessions.create(name);
      await handle.close();
    }
    const s = await core.screen(test.ws, { width: 120, height: 40 });
    const order = listed(s);
    expect([...order].sort()).toEqual(NAMES);
    const start = shown(s);
    expect(start).toBe(order[0]);

    const forward: string[] = [];
    for (let i = 0; i < NAMES.length; i++) {
      await s.press(KEY.ctrlN);
      forward.push(shown(s));
    }
    expect(forward).toEqual([...order.slice(1), start]);
    expect(listed(s)).toEqual(order);

    const backward: string[] = [];
    for (let i = 0; i < NAMES.length; i++) {
      await s.press(KEY.ctrlP);
      backward.push(shown(s));
    }
    expect(backward).toEqual([...order].reverse());
  });
});
