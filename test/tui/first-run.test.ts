/** The first run without a provider key: the first screen says how to set one up; what was typed is never lost. */
import { describe, expect, it } from 'vitest';
import type { LocalServer, Workspace } from '../../src/core/api.js';
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

/** The workspace with its local-server probe answered by `found` (no real port is probed in a test). */
function withLocal(ws: Workspace, found: LocalServer[]): Workspace {
  const providers = ws.providers;
  if (providers === undefined) throw new Error('the core workspace tells providers apart');
  return Object.assign(Object.create(ws) as Workspace, {
    providers: {
      problem: (model: string) => providers.problem(model),
      findLocal: () => Promise.resolve(found),
    },
  });
}

describe('the first screen with no key configured', () => {
  it('says which model is configured and how to set a provider, and offers a local Ollama found running', async () => {
    const test = await core.workspace({ providerUrl: core.fake.url });
    await test.ws.sessions.create('first', { model: 'openai:gpt-4o-mini' });
    const ws = withLocal(test.ws, [
      { provider: 'ollama', address: '127.0.0.1:11434', models: ['qwen2.5-coder:7b', 'llama3.2'] },
    ]);
    const s = await core.screen(ws, { width: 160, height: 48 }, { sessionName: 'first' });
    await s.flush();
    const text = s.text();
    expect(text).toContain('No model can be called yet: the model is openai:gpt-4o-mini.');
    expect(text).toContain('OPENAI_API_KEY');
    expect(text).toContain('Ollama runs at 127.0.0.1:11434 with qwen2.5-coder:7b, llama3.2: /model');
    expect(text).toContain('ollama:qwen2.5-coder:7b uses it in this session');
  });

  it('says nothing of the kind when the model can be called', async () => {
    const test = await core.workspace({ providerUrl: core.fake.url });
    await test.ws.sessions.create('fine');
    const s = await core.screen(withLocal(test.ws, []), { width: 160, height: 48 }, { sessionName: 'fine' });
    await s.flush();
    expect(s.text()).not.toContain('No model can be called');
    expect(s.text()).not.toContain('No local Ollama');
  });
});
