import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/core/config/schema.js';
import { loadChatClient, resolveModel } from '../../../src/core/provider/index.js';
import { startFakeProvider, type FakeProvider } from '../../support/fake-provider.js';
import { makeHarness, SECRET_KEY } from './harness.js';

let fake: FakeProvider;

beforeEach(async () => {
  fake = await startFakeProvider();
});

afterEach(async () => {
  await fake.close();
});

describe('streaming completions', () => {
  it('assembles text and reasoning and forwards each delta in order', async () => {
    const h = makeHarness(fake);
    fake.enqueue({
      reasoning: ['Think', 'ing.'],
      text: ['Hel', 'lo', '!'],
      usage: { prompt: 12, completion: 7 },
    });

    const result = await h.complete();

    expect(h.events).toEqual([
      { type: 'reasoning', text: 'Think' },
      { type: 'reasoning', text: 'ing.' },
      { type: 'text', text: 'Hel' },
      { type: 'text', text: 'lo' },
      { type: 'text', text: '!' },
    ]);
    expect(result).toMatchObject({
      content: 'Hello!',
      reasoning: 'Thinking.',
      toolCalls: [],
      usage: { input: 12, output: 7, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
      providerCost: null,
      finishReason: 'stop',
    });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('measures the duration with the injected monotonic clock', async () => {
    const ticks = [1_000, 1_250];
    const h = makeHarness(fake, { now: () => ticks.shift() ?? Number.NaN });
    fake.enqueue({ text: 'ok' });
    expect((await h.complete()).durationMs).toBe(250);
  });

  it('reads OpenRouter-style `reasoning` deltas as well as `reasoning_content`', async () => {
    const h = makeHarness(fake);
    fake.enqueue({ reasoning: ['Plan.'], reasoningField: 'reasoning', text: 'Done.' });
    const result = await h.complete();
    expect(result.reasoning).toBe('Plan.');
    expect(h.events[0]).toEqual({ type: 'reasoning', text: 'Plan.' });
  });

  it('joins tool calls whose arguments are split across chunks, announcing each call once', async () => {
    const h = makeHarness(fake);
    fake.enqueue({
      text: 'Let me look.',
      toolCalls: [
        { id: 'call_a', name: 'read_file', arguments: '{"path":"src/index.ts"}', splitInto: 4 },
        { id: 'call_b', name: 'list_dir', arguments: '{"path":"."}', splitInto: 3 },
      ],
    });

    const result = await h.complete();

    expect(result.toolCalls).toEqual([
      { id: 'call_a', name: 'read_file', arguments: '{"path":"src/index.ts"}' },
      { id: 'call_b', name: 'list_dir', arguments: '{"path":"."}' },
    ]);
    expect(h.events.filter((e) => e.type === 'toolCall')).toEqual([
      { type: 'toolCall', index: 0, id: 'call_a', name: 'read_file' },
      { type: 'toolCall', index: 1, id: 'call_b', name: 'list_dir' },
    ]);
    expect(result.finishReason).toBe('tool_calls');
  });

  it('separates whole tool calls sent without an index by their ids (some gateways do this)', async () => {
    const h = makeHarness(fake);
    const call = (id: string, name: string) => ({
      choices: [{ delta: { tool_calls: [{ id, type: 'function', function: { name, arguments: '{}' } }] } }],
    });
    fake.enqueue({
      rawChunks: [
        call('c1', 'list_dir'),
        call('c2', 'read_file'),
        { choices: [{ delta: {}, finish_reason: 'tool_calls' }] },
      ],
    });

    const result = await h.complete();

    expect(result.toolCalls).toEqual([
      { id: 'c1', name: 'list_dir', arguments: '{}' },
      { id: 'c2', name: 'read_file', arguments: '{}' },
    ]);
  });

  it('reports cached, cache-write and reasoning tokens from the final usage chunk', async () => {
    const h = makeHarness(fake);
    fake.enqueue({
      text: 'ok',
      usage: { prompt: 1000, completion: 300, cached: 600, cacheWrite: 100, reasoning: 250 },
    });
    const result = await h.complete();
    expect(result.usage).toEqual({
      input: 1000,
      output: 300,
      cacheRead: 600,
      cacheWrite: 100,
      reasoning: 250,
    });
  });

  it("returns OpenRouter's own cost figure when the provider sends one", async () => {
    const h = makeHarness(fake);
    fake.enqueue({ text: 'ok', usage: { prompt: 10, completion: 2 }, cost: 0.00042 });
    const result = await h.complete();
    expect(result.providerCost).toBe(0.00042);
  });

  it('sends a streaming request with usage, function tools, the key and configured headers', async () => {
    const h = makeHarness(fake, { provider: { headers: { 'X-Title': 'octo-test' } } });
    fake.enqueue({ text: 'ok' });
    const tool = {
      name: 'read_file',
      description: 'Reads a file',
      parameters: { type: 'object', properties: {} },
    };

    await h.complete({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
      tools: [tool],
    });

    const sent = fake.requests[0];
    expect(sent?.body).toMatchObject({
      model: 'fake-model',
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
      tools: [{ type: 'function', function: tool }],
    });
    expect(sent?.headers.authorization).toBe(`Bearer ${SECRET_KEY}`);
    expect(sent?.headers['x-title']).toBe('octo-test');
  });

  it('leaves `tools` out of the request when there are none', async () => {
    const h = makeHarness(fake);
    fake.enqueue({ text: 'ok' });
    await h.complete();
    expect(fake.requests[0]?.body).not.toHaveProperty('tools');
  });

  it('accepts a stream that has a finish reason but no [DONE] line', async () => {
    const h = makeHarness(fake);
    fake.enqueue({ text: 'complete', omitDone: true });
    const result = await h.complete();
    expect(result).toMatchObject({ content: 'complete', finishReason: 'stop' });
  });

  it('is loaded lazily through loadChatClient and talks to a keyless custom provider', async () => {
    const config = configSchema().parse({ providers: { local: { base_url: fake.url } } });
    const model = resolveModel('local:qwen2.5-coder:7b', config, {});
    const client = await loadChatClient({ env: {}, config });
    fake.enqueue({ text: 'local answer' });

    const result = await client.complete(
      { model, messages: [{ role: 'user', content: 'hi' }], tools: [] },
      () => undefined,
    );

    expect(result.content).toBe('local answer');
    expect(fake.requests[0]?.body.model).toBe('qwen2.5-coder:7b');
  });
});
