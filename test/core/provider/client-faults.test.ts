/** Rows 13 to 16 of docs/faults.md: what the provider client does when the provider misbehaves. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isOctoError, type OctoError } from '../../../src/core/errors.js';
import { startFakeProvider, type FakeProvider } from '../../support/fake-provider.js';
import { failureOf, makeHarness, SECRET_KEY } from './harness.js';

let fake: FakeProvider;

beforeEach(async () => {
  fake = await startFakeProvider();
});

afterEach(async () => {
  await fake.close();
});

async function octoFailure(promise: Promise<unknown>): Promise<OctoError> {
  const error = await failureOf(promise);
  if (!isOctoError(error)) throw new Error(`expected an OctoError, got ${String(error)}`);
  return error;
}

describe('row 13: the provider rejects the key', () => {
  it('names the provider and the key variable, never the key, and does not retry', async () => {
    const h = makeHarness(fake);
    fake.enqueue({ status: 401, body: { error: { message: `Incorrect API key provided: ${SECRET_KEY}` } } });

    const error = await octoFailure(h.complete());

    expect(error.code).toBe('provider_auth');
    expect(error.message).toBe('test rejected the API key (HTTP 401). Check TEST_API_KEY.');
    const everything = [
      error.message,
      JSON.stringify(error.details),
      String(error.cause),
      JSON.stringify(error.cause),
      String(error.stack),
    ];
    expect(everything.join('\n')).not.toContain(SECRET_KEY);
    expect(fake.requests).toHaveLength(1);
  });
});

describe('row 14: rate limiting', () => {
  it('waits as long as Retry-After says, then returns the usage of the successful answer only', async () => {
    const h = makeHarness(fake);
    fake.enqueue(
      { status: 429, headers: { 'retry-after': '7' } },
      { status: 429, headers: { 'retry-after-ms': '1500' } },
      { text: 'finally', usage: { prompt: 50, completion: 5 } },
    );

    const result = await h.complete();

    expect(h.sleeps).toEqual([7_000, 1_500]);
    expect(h.events.filter((e) => e.type === 'retry')).toEqual([
      { type: 'retry', attempt: 1, delayMs: 7_000, reason: 'HTTP 429' },
      { type: 'retry', attempt: 2, delayMs: 1_500, reason: 'HTTP 429' },
    ]);
    expect(result.usage).toEqual({ input: 50, output: 5, cacheRead: 0, cacheWrite: 0, reasoning: 0 });
    expect(fake.requests).toHaveLength(3);
  });

  it("returns only the successful attempt's usage when a failed attempt had already reported some", async () => {
    const h = makeHarness(fake);
    const usage = { prompt_tokens: 999, completion_tokens: 0 };
    fake.enqueue(
      { rawChunks: [{ choices: [], usage: { ...usage, cost: 0.5 } }], closeAfter: 1 },
      { text: 'ok', usage: { prompt: 10, completion: 1 } },
    );

    const result = await h.complete();

    expect(result.usage).toEqual({ input: 10, output: 1, cacheRead: 0, cacheWrite: 0, reasoning: 0 });
    expect(result.providerCost).toBeNull();
  });

  it('reads Retry-After as an HTTP date and caps any wait at max_retry_delay_ms', async () => {
    const h = makeHarness(fake, { request: { max_retry_delay_ms: 10_000 } });
    const inAnHour = new Date(Date.now() + 3_600_000).toUTCString();
    fake.enqueue({ status: 429, headers: { 'retry-after': inAnHour } }, { text: 'ok' });
    await h.complete();
    expect(h.sleeps).toEqual([10_000]);
  });

  it('gives up after max_retries with provider_rate_limit and the status', async () => {
    const h = makeHarness(fake, { request: { max_retries: 2 } });
    fake.setFallback({
      status: 429,
      headers: { 'retry-after': '1' },
      body: { error: { message: 'Slow down' } },
    });

    const error = await octoFailure(h.complete());

    expect(error.code).toBe('provider_rate_limit');
    expect(error.message).toBe(
      'test is rate limiting requests (HTTP 429): Slow down. Gave up after 3 attempts.',
    );
    expect(error.details).toMatchObject({ status: 429, attempts: 3, provider: 'test' });
    expect(fake.requests).toHaveLength(3);
    expect(h.sleeps).toEqual([1_000, 1_000]);
  });
});

describe('row 15: server errors and stalls', () => {
  it('retries 500 and 503 with growing, jittered backoff, then succeeds', async () => {
    const h = makeHarness(fake, { random: () => 1 });
    fake.enqueue({ status: 500 }, { status: 503 }, { text: 'recovered' });

    const result = await h.complete();

    expect(result.content).toBe('recovered');
    expect(h.sleeps).toEqual([1_000, 2_000]);
  });

  it('keeps half of each backoff step fixed whatever the jitter draws', async () => {
    const h = makeHarness(fake, { random: () => 0 });
    fake.enqueue({ status: 502 }, { status: 504 }, { text: 'ok' });
    await h.complete();
    expect(h.sleeps).toEqual([500, 1_000]);
  });

  it('fails with provider_server and the status when every attempt fails', async () => {
    const h = makeHarness(fake, { request: { max_retries: 1 } });
    fake.setFallback({ status: 503, body: { error: { message: 'overloaded' } } });

    const error = await octoFailure(h.complete());

    expect(error.code).toBe('provider_server');
    expect(error.details).toMatchObject({ status: 503, attempts: 2 });
    expect(error.details).not.toHaveProperty('partial');
  });

  it('does not retry a 400 and quotes the provider, without control characters', async () => {
    const h = makeHarness(fake);
    fake.enqueue({
      status: 400,
      body: { error: { message: `bad \u001b[31mmodel\u001b[0m ${'x'.repeat(1000)}` } },
    });

    const error = await octoFailure(h.complete());

    expect(error.code).toBe('provider_bad_request');
    expect(error.message).toMatch(/^test refused the request \(HTTP 400\): bad \[31mmodel \[0m x+…$/);
    expect(error.message.length).toBeLessThan(400);
    expect(fake.requests).toHaveLength(1);
  });

  it('times out a stream that stalls before any delta, retries, and returns the retry', async () => {
    const h = makeHarness(fake, { request: { idle_timeout_ms: 200 } });
    fake.enqueue({ text: 'never', stallAfter: 0 }, { text: 'second try' });

    const result = await h.complete();

    expect(result.content).toBe('second try');
    expect(h.events[0]).toEqual({ type: 'retry', attempt: 1, delayMs: 750, reason: 'no data for 200 ms' });
  });

  it('times out while waiting for response headers', async () => {
    const h = makeHarness(fake, { request: { first_byte_timeout_ms: 50, max_retries: 0 } });
    fake.enqueue({ hang: true });
    const error = await octoFailure(h.complete());
    expect(error.code).toBe('provider_timeout');
    expect(error.details).not.toHaveProperty('partial');
  });

  it('fails with provider_timeout carrying the partial when a stream stalls mid-reply', async () => {
    const h = makeHarness(fake, { request: { idle_timeout_ms: 200 } });
    fake.enqueue({ reasoning: ['hmm'], text: ['Part one. ', 'Part two.'], stallAfter: 2 });

    const error = await octoFailure(h.complete());

    expect(error.code).toBe('provider_timeout');
    expect(error.details.partial).toEqual({ content: 'Part one. ', reasoning: 'hmm' });
    expect(fake.requests).toHaveLength(1);
  });
});

describe('row 16: broken streams', () => {
  it('fails once, cleanly, with provider_malformed and the partial on an invalid JSON line', async () => {
    const h = makeHarness(fake);
    fake.enqueue({ text: ['Hello ', 'world'], malformedAfter: 1 });

    const error = await octoFailure(h.complete());

    expect(error.code).toBe('provider_malformed');
    expect(error.details.partial).toEqual({ content: 'Hello ', reasoning: '' });
    expect(fake.requests).toHaveLength(1);
  });

  it('fails with provider_malformed when the stream ends without [DONE] or a finish reason', async () => {
    const h = makeHarness(fake);
    fake.enqueue({ text: ['Half ', 'a reply'], omitDone: true, finishReason: null });

    const error = await octoFailure(h.complete());

    expect(error.code).toBe('provider_malformed');
    expect(error.message).toContain('without [DONE]');
    expect(error.details.partial).toEqual({ content: 'Half a reply', reasoning: '' });
  });

  it('skips a field of the wrong shape with one warning naming the provider and the field, and goes on', async () => {
    const h = makeHarness(fake);
    fake.enqueue({
      rawChunks: [
        { choices: [{ delta: { content: 'Fine ' } }] },
        { choices: [{ delta: { content: 42 } }] },
        { choices: [{ delta: { content: 7 } }] },
        { choices: [{ delta: { content: 'and well.' }, finish_reason: 'stop' }] },
      ],
    });

    const result = await h.complete();

    expect(result.content).toBe('Fine and well.');
    expect(result.finishReason).toBe('stop');
    expect(h.events.filter((e) => e.type === 'warning')).toEqual([
      {
        type: 'warning',
        message: 'test sent choices[0].delta.content (a number) of an unknown shape; it was skipped.',
      },
    ]);
  });

  it('says in one message that a 200 answer was empty, or a web page, not a stream', async () => {
    const h = makeHarness(fake, { request: { max_retries: 0 } });
    fake.enqueue({ rawChunks: [], omitDone: true });
    fake.enqueue({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>Welcome</html>' });

    const empty = await octoFailure(h.complete());
    const page = await octoFailure(h.complete());

    expect(empty.code).toBe('provider_malformed');
    expect(empty.message).toBe(
      'test answered with an empty body (text/event-stream): no reply at all. Check base_url in [providers.test].',
    );
    expect(page.code).toBe('provider_malformed');
    expect(page.message).toBe(
      'test answered with a web page (text/html), not a streamed reply: <html>Welcome</html> Check base_url in [providers.test] (it usually ends in /v1).',
    );
  });

  it('turns an error object inside the stream into provider_server with the partial', async () => {
    const h = makeHarness(fake);
    fake.enqueue({
      rawChunks: [
        { choices: [{ delta: { content: 'Hi' } }] },
        { error: { message: 'upstream model failed' } },
      ],
    });

    const error = await octoFailure(h.complete());

    expect(error.code).toBe('provider_server');
    expect(error.message).toBe('test reported an error mid-stream: upstream model failed');
    expect(error.details.partial).toEqual({ content: 'Hi', reasoning: '' });
  });

  it('reports a connection dropped mid-reply as provider_network with the partial, without retrying', async () => {
    const h = makeHarness(fake);
    fake.enqueue({ text: ['one ', 'two ', 'three'], closeAfter: 2 });

    const error = await octoFailure(h.complete());

    expect(error.code).toBe('provider_network');
    expect(error.message).toContain('the connection closed before the reply ended');
    expect(error.details.partial).toEqual({ content: 'one two ', reasoning: '' });
    expect(fake.requests).toHaveLength(1);
  });

  it('retries a connection dropped before anything was delivered', async () => {
    const h = makeHarness(fake);
    fake.enqueue({ text: 'lost', closeAfter: 0 }, { text: 'kept' });
    const result = await h.complete();
    expect(result.content).toBe('kept');
    expect(h.events[0]).toMatchObject({ type: 'retry', reason: 'connection failed' });
  });
});

describe('cancellation and unreachable servers', () => {
  it('turns an abort mid-stream into `aborted` with the partial reply', async () => {
    const h = makeHarness(fake);
    const controller = new AbortController();
    fake.enqueue({ text: ['First words ', 'never seen'], stallAfter: 1 });

    const error = await octoFailure(
      h.complete({
        signal: controller.signal,
        onEvent: (event) => event.type === 'text' && controller.abort(),
      }),
    );

    expect(error.code).toBe('aborted');
    expect(error.details.partial).toEqual({ content: 'First words ', reasoning: '' });
  });

  it('stops waiting to retry when aborted during the backoff', async () => {
    const h = makeHarness(fake);
    const controller = new AbortController();
    fake.enqueue({ status: 503 }, { text: 'not requested' });

    const error = await octoFailure(
      h.complete({
        signal: controller.signal,
        onEvent: (event) => event.type === 'retry' && controller.abort(),
      }),
    );

    expect(error.code).toBe('aborted');
    expect(fake.requests).toHaveLength(1);
  });

  it('answers a refused connection to a server on this machine at once, asking whether it runs', async () => {
    const h = makeHarness(fake, { request: { max_retries: 3 } });
    await fake.close();
    fake = await startFakeProvider();

    const error = await octoFailure(h.complete());

    expect(error.code).toBe('provider_network');
    expect(error.message).toMatch(
      /^Nothing is listening on 127\.0\.0\.1:(\d+) \(test\): is the server for test running on 127\.0\.0\.1:\1\?$/,
    );
    expect(h.sleeps).toEqual([]);
  });
});
