import OpenAI from 'openai';
import type {
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { systemClock, type Clock } from '../deps.js';
import { OctoError } from '../errors.js';
import { CompletionAssembler } from './assembler.js';
import { realSleep, retryDelay } from './backoff.js';
import type { OctoConfig } from '../config/index.js';
import { ExchangeWatch, type WatchLimits } from './exchange-watch.js';
import { httpFetch } from './http-fetch.js';
import { classifyFailure, quoteProviderText, type Failure } from './failure.js';
import { apiKeyFor, unconfiguredMessage } from './resolve.js';
import { wireMessages } from './round-trip.js';
import { SseParser, type SseEvent } from './sse.js';
import type {
  ChatClient,
  ChatClientOptions,
  ChatRequest,
  CompletionResult,
  PartialCompletion,
  ProviderInfo,
  ResponseFormat,
  Sleep,
  StreamEvent,
} from './types.js';

/** The SDK refuses to start without a key; keyless local servers ignore whatever is sent. */
const NO_KEY_PLACEHOLDER = 'octo-no-key';
/**
 * A server that lets a whole first-byte wait pass twice is down: retrying it more only stretches the
 * wait (15 s + backoff + 15 s is about 30 s in all), while 429 and 5xx answers get max_retries.
 */
const TIMEOUT_RETRIES = 1;

interface ClientDeps {
  options: ChatClientOptions;
  fetch: typeof fetch;
  sleep: Sleep;
  random: () => number;
  now: () => number;
  clock: Clock;
}

type Outcome =
  | { kind: 'done'; result: Omit<CompletionResult, 'durationMs'> }
  | { kind: 'failed'; failure: Failure; partial: PartialCompletion | null };

/** A streaming chat client for any OpenAI-compatible endpoint, with octo's own retries and timeouts. */
export function createChatClient(options: ChatClientOptions): ChatClient {
  const deps: ClientDeps = {
    options,
    fetch: options.fetch ?? httpFetch(),
    sleep: options.sleep ?? realSleep,
    random: options.random ?? Math.random,
    now: options.now ?? (() => performance.now()),
    clock: options.clock ?? systemClock,
  };
  return { complete: (request, onEvent) => complete(deps, request, onEvent) };
}

/**
 * Retries only while nothing reached the caller: once a delta was shown, a second attempt would
 * repeat or contradict it, so the failure goes up with the partial reply instead. Usage comes from
 * the successful attempt alone, so a retried 429 is never counted twice.
 */
async function complete(
  deps: ClientDeps,
  request: ChatRequest,
  onEvent: (event: StreamEvent) => void,
): Promise<CompletionResult> {
  const started = deps.now();
  const { provider } = request.model;
  const apiKey = apiKeyFor(request.model, deps.options.env);
  if (provider.requiresKey && apiKey === null) {
    throw new OctoError('provider_unconfigured', unconfiguredMessage(provider), {
      details: { provider: provider.name },
    });
  }
  const { max_retries: maxRetries, max_retry_delay_ms: maxDelay } = deps.options.config.request;
  let timeouts = 0;
  for (let attempt = 1; ; attempt += 1) {
    const outcome = await attemptOnce(deps, request, apiKey, onEvent);
    if (outcome.kind === 'done') return { ...outcome.result, durationMs: Math.max(0, deps.now() - started) };
    const { failure, partial } = outcome;
    if (failure.code === 'provider_timeout') timeouts += 1;
    const givenUp = attempt > maxRetries || timeouts > TIMEOUT_RETRIES;
    if (!failure.retryable || partial !== null || givenUp) {
      throw finalError(request, failure, attempt, partial);
    }
    const delayMs = retryDelay(attempt, failure.retryAfterMs, maxDelay, deps.random);
    onEvent({ type: 'retry', attempt, delayMs, reason: failure.reason });
    await waitToRetry(deps.sleep, delayMs, request.signal);
  }
}

async function attemptOnce(
  deps: ClientDeps,
  request: ChatRequest,
  apiKey: string | null,
  onEvent: (event: StreamEvent) => void,
): Promise<Outcome> {
  const { provider } = request.model;
  const limits = watchLimits(deps.options.config, provider);
  const watch = new ExchangeWatch(limits);
  const assembler = new CompletionAssembler(provider.name, onEvent);
  const signal = request.signal
    ? AbortSignal.any([request.signal, watch.controller.signal])
    : watch.controller.signal;
  try {
    const client = new OpenAI({
      apiKey: apiKey ?? NO_KEY_PLACEHOLDER,
      baseURL: provider.baseUrl,
      fetch: watch.wrap(deps.fetch),
      maxRetries: 0,
      defaultHeaders: provider.headers ?? {},
      // The SDK would otherwise read OPENAI_* from process.env and log to the console; core does neither.
      organization: null,
      project: null,
      adminAPIKey: null,
      webhookSecret: null,
      logLevel: 'off',
    });
    // The raw response: octo reads the event stream itself (sse.ts); error statuses still throw.
    const response = await client.chat.completions.create(requestBody(request), { signal }).asResponse();
    const ended = await readStream(response, watch, assembler, signal);
    if (request.signal?.aborted === true) throw request.signal.reason;
    if (watch.timedOut !== null) throw watch.controller.signal.reason;
    if (!ended.sawDone && assembler.finishWord === null)
      throw unfinishedStream(provider.name, watch.contentType, ended, apiKey);
    return { kind: 'done', result: assembler.result() };
  } catch (error) {
    const partial = assembler.delivered ? assembler.partial() : null;
    if (request.signal?.aborted === true) {
      throw new OctoError('aborted', 'The request was cancelled.', {
        cause: error,
        details: partial ? { partial } : {},
      });
    }
    const context = { provider, apiKey, limits, timedOut: watch.timedOut, nowMs: deps.clock.now() };
    return { kind: 'failed', failure: classifyFailure(error, context), partial };
  } finally {
    watch.stop();
  }
}

/** The provider's own first-byte wait (local servers load a model first), else the configured one. */
function watchLimits(config: OctoConfig, provider: ProviderInfo): WatchLimits {
  return {
    firstByteMs: provider.firstByteTimeoutMs ?? config.request.first_byte_timeout_ms,
    idleMs: config.request.idle_timeout_ms,
  };
}

/** What the body held, for telling a stream that was cut from one that never was. */
interface StreamEnd {
  sawDone: boolean;
  events: number;
  /** Lines that are no part of an event stream, and the first of them. */
  strayLines: number;
  firstStray: string;
}

/** Feeds every event of the body to the assembler until `[DONE]` or the end of the body. */
async function readStream(
  response: Response,
  watch: ExchangeWatch,
  assembler: CompletionAssembler,
  signal: AbortSignal,
): Promise<StreamEnd> {
  const parser = new SseParser();
  let sawDone = false;
  let events = 0;
  const take = (batch: readonly SseEvent[]): void => {
    for (const event of batch) {
      if (sawDone) return;
      events += 1;
      if (event.data.trim() === '[DONE]') sawDone = true;
      else assembler.push(JSON.parse(event.data) as unknown);
    }
  };
  const reader = (response.body as ReadableStream<Uint8Array> | null)?.getReader();
  if (reader !== undefined) {
    // An abort must end a read that waits for bytes that never come.
    const cancel = (): void => void reader.cancel(signal.reason).catch(() => undefined);
    signal.addEventListener('abort', cancel, { once: true });
    try {
      while (!sawDone && !signal.aborted) {
        const { done, value } = await reader.read();
        if (done) break;
        watch.alive();
        take(parser.push(value));
      }
    } finally {
      signal.removeEventListener('abort', cancel);
      if (sawDone) void reader.cancel().catch(() => undefined);
    }
  }
  if (!sawDone && !signal.aborted) take(parser.end());
  return { sawDone, events, strayLines: parser.strayLines, firstStray: parser.firstStray };
}

function requestBody(request: ChatRequest): ChatCompletionCreateParamsStreaming {
  return {
    model: request.model.modelId,
    // The wire format, with each stored reply's round-trip facts turned into the fields its own model
    // needs (or dropped); the video_url part is a gateway extension the SDK's types lack.
    messages: wireMessages(request.messages, request.model.modelString) as ChatCompletionMessageParam[],
    stream: true,
    stream_options: { include_usage: true },
    ...(request.tools.length === 0
      ? {}
      : {
          tools: request.tools.map((tool) => ({
            type: 'function' as const,
            function: { name: tool.name, description: tool.description, parameters: tool.parameters },
          })),
        }),
    ...(request.responseFormat === undefined
      ? {}
      : { response_format: responseFormat(request.responseFormat) }),
  };
}

function responseFormat(format: ResponseFormat): ChatCompletionCreateParamsStreaming['response_format'] {
  if (format.type === 'json_object') return { type: 'json_object' };
  const { name, schema, strict } = format;
  return { type: 'json_schema', json_schema: { name, schema, strict } };
}

/** Header text is untrusted: printable ASCII only, and short. */
const MAX_CONTENT_TYPE_CHARS = 60;

/**
 * One clear message for a body that is not a finished stream: empty, a web page or other text (a
 * wrong base_url, a proxy's error page), or a stream cut before it said it was done.
 */
function unfinishedStream(
  name: string,
  contentType: string,
  end: StreamEnd,
  apiKey: string | null,
): OctoError {
  const type = contentType.replace(/[^\x20-\x7e]/g, '').slice(0, MAX_CONTENT_TYPE_CHARS) || 'no content type';
  const isStream = contentType.includes('text/event-stream');
  if (end.events > 0) {
    const hint = isStream ? '' : ` (it answered with ${type}, not an event stream)`;
    return new OctoError(
      'provider_malformed',
      `${name} ended the stream without [DONE] or a finish reason${hint}.`,
    );
  }
  if (end.strayLines === 0) {
    return new OctoError(
      'provider_malformed',
      `${name} answered with an empty body (${type}): no reply at all. Check base_url in [providers.${name}].`,
    );
  }
  const what =
    /html/i.test(contentType) || /^\s*</.test(end.firstStray)
      ? 'a web page'
      : 'text that is not an event stream';
  return new OctoError(
    'provider_malformed',
    `${name} answered with ${what} (${type}), not a streamed reply: ${quoteProviderText(end.firstStray, apiKey)} Check base_url in [providers.${name}] (it usually ends in /v1).`,
  );
}

function finalError(
  request: ChatRequest,
  failure: Failure,
  attempts: number,
  partial: PartialCompletion | null,
): OctoError {
  const stop = /[.!?…]$/.test(failure.message) ? '' : '.';
  const tries = attempts > 1 ? `${stop} Gave up after ${attempts} attempts.` : '';
  return new OctoError(failure.code, `${failure.message}${tries}`, {
    cause: failure.cause,
    details: {
      provider: request.model.provider.name,
      model: request.model.modelString,
      attempts,
      ...(failure.status === null ? {} : { status: failure.status }),
      ...(partial === null ? {} : { partial }),
    },
  });
}

async function waitToRetry(sleep: Sleep, delayMs: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(delayMs, signal);
  } catch (error) {
    if (signal?.aborted !== true) throw error;
    throw new OctoError('aborted', 'The request was cancelled while waiting to retry.', { cause: error });
  }
  if (signal?.aborted === true) {
    throw new OctoError('aborted', 'The request was cancelled while waiting to retry.', {
      cause: signal.reason,
    });
  }
}
