/** The first run without a provider key: what was typed is never lost to the error. */
import { describe, expect, it } from 'vitest';
import { KEY } from './support/headless.js';
import { useRealCore } from './support/real-core.js';

const core = useRealCore();

describe('a message sent with no key configured', () => {
  it('comes back to the input with the explanation, and nothing reaches a provider', async () => {
    const test = await core.workspace({ providerUrl: core.fake.url });
    const { ws } = test;
    await ws.sessions.create('first', { model: 'openai:gpt-4o-mini' });
    const s = await core.screen(ws, { width: 120, height: 40 }, { sessionName: 'first' });
    await s.flush();
    const before = core.fake.requests.length;
    await s.press(...'hello there'.split(''), KEY.enter);
    await s.flush();
    expect(s.tui.controller.state.input.text).toBe('hello there');
    const text = s.text();
    expect(text).toContain('OPENAI_API_KEY is');
    expect(text).toContain('Not sent: your message is back in the input');
    expect(core.fake.requests.length).toBe(before);
  });
});
