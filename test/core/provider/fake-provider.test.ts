import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../support/fake-provider.js';

let fake: FakeProvider;
let openai: OpenAI;

beforeEach(async () => {
  fake = await startFakeProvider({ models: ['fake-model', 'other-model'] });
  openai = new OpenAI({ baseURL: fake.url, apiKey: 'k', maxRetries: 0, logLevel: 'off' });
});

afterEach(async () => {
  await fake.close();
});

const ask = (stream = false) =>
  fetch(`${fake.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'fake-model', stream, messages: [{ role: 'user', content: 'hi' }] }),
  });

describe('the fake provider', () => {
  it('answers a non-streaming request with one chat.completion, tool calls and usage included', async () => {
    fake.enqueue({
      text: ['Hel', 'lo'],
      reasoning: ['why'],
      toolCalls: [{ id: 'c1', name: 'list_dir', arguments: '{}', splitInto: 2 }],
      usage: { prompt: 9, completion: 4, cached: 3 },
    });

    const completion = await openai.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'hi' }],
    });

    expect(completion.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: 'Hello',
        reasoning_content: 'why',
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'list_dir', arguments: '{}' } }],
      },
      finish_reason: 'tool_calls',
    });
    expect(completion.usage).toMatchObject({
      prompt_tokens: 9,
      completion_tokens: 4,
      prompt_tokens_details: { cached_tokens: 3 },
    });
  });

  it('streams SSE chunks that the openai SDK reads back into the scripted reply', async () => {
    fake.enqueue({ text: ['a', 'b', 'c'], usage: { prompt: 5, completion: 3 } });
    const stream = await openai.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const pieces: string[] = [];
    let usage: unknown = null;
    for await (const chunk of stream) {
      pieces.push(chunk.choices[0]?.delta.content ?? '');
      usage = chunk.usage ?? usage;
    }
    expect(pieces.join('')).toBe('abc');
    expect(usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 3 });
  });

  it('ends a stream with [DONE] unless told not to', async () => {
    fake.enqueue({ text: 'x' }, { text: 'x', omitDone: true });
    expect(await (await ask(true)).text()).toMatch(/data: \[DONE\]\n\n$/);
    expect(await (await ask(true)).text()).not.toContain('[DONE]');
  });

  it('estimates usage deterministically when none is scripted', async () => {
    fake.enqueue({ text: 'twelve chars' }, { text: 'twelve chars' });
    const first = (await (await ask()).json()) as { usage: unknown };
    const second = (await (await ask()).json()) as { usage: unknown };
    expect(first.usage).toEqual(second.usage);
    expect(first.usage).toMatchObject({ completion_tokens: 3 });
  });

  it('records every request with its parsed body and headers, in order', async () => {
    fake.enqueue({ text: 'one' });
    await openai.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'first' }],
    });
    await openai.models.list();

    expect(fake.requests.map((r) => [r.method, r.path])).toEqual([
      ['POST', '/v1/chat/completions'],
      ['GET', '/v1/models'],
    ]);
    expect(fake.requests[0]?.body.messages).toEqual([{ role: 'user', content: 'first' }]);
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer k');
  });

  it('lists its models', async () => {
    const page = await openai.models.list();
    expect(page.data.map((m) => m.id)).toEqual(['fake-model', 'other-model']);
  });

  it('answers with a clear 500 when nothing is scripted, and with the fallback when one is set', async () => {
    const missing = await ask();
    expect(missing.status).toBe(500);
    expect(await missing.text()).toContain('fake provider: no scripted response');

    fake.setFallback({ text: 'always' });
    expect(
      ((await (await ask()).json()) as { choices: Array<{ message: { content: string } }> }).choices[0]
        ?.message.content,
    ).toBe('always');
    expect(fake.pending()).toBe(0);
  });

  it('lets a step be a function of the request, sync or async', async () => {
    fake.enqueue(
      (request) => ({ text: `echo ${String(request.body.model)}` }),
      async () => Promise.resolve({ status: 418, headers: { 'x-why': 'teapot' } }),
    );
    const echoed = (await (await ask()).json()) as { choices: Array<{ message: { content: string } }> };
    expect(echoed.choices[0]?.message.content).toBe('echo fake-model');
    const teapot = await ask();
    expect([teapot.status, teapot.headers.get('x-why')]).toEqual([418, 'teapot']);
  });

  it('refuses a body that is not JSON with a 400', async () => {
    const response = await fetch(`${fake.url}/chat/completions`, { method: 'POST', body: '{nope' });
    expect(response.status).toBe(400);
    expect(fake.requests[0]?.bodyError).toMatch(/not JSON/);
  });

  it('keeps serving after a client hangs up in the middle of a slow stream', async () => {
    fake.enqueue({ text: ['a', 'b', 'c'], chunkDelayMs: 20 }, { text: 'next' });
    const controller = new AbortController();
    const first = await fetch(`${fake.url}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', stream: true, messages: [] }),
      signal: controller.signal,
    });
    await first.body?.getReader().read();
    controller.abort();
    const second = (await (await ask()).json()) as { choices: Array<{ message: { content: string } }> };
    expect(second.choices[0]?.message.content).toBe('next');
  });

  it('closes promptly even with a hanging request and a stalled stream open', async () => {
    fake.enqueue({ hang: true }, { text: ['a', 'b'], stallAfter: 1 });
    const hanging = ask().then(
      () => 'answered',
      () => 'dropped',
    );
    const stalled = await ask(true);
    const body = stalled.text();
    await fake.close();
    expect(await hanging).toBe('dropped');
    await expect(body).rejects.toThrow();
    fake = await startFakeProvider();
  });
});
