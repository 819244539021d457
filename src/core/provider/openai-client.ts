import OpenAI from 'openai';
import type {
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { systemClock, type Clock } from '../deps.js';
import { OctoError } from '../errors.js';
import { CompletionAssembler } from './assembler.js';
import { realSleep, retryDelay } from './backoff.js';
import { ExchangeWatch } from './exchange-watch.js';
import { classifyFailure, type Failure } from './failure.js';
import { apiKeyFor, unconfiguredMessage } from './resolve.js';
import type {
  ChatClient,
  ChatClientOptions,
  ChatRequest,
  CompletionResult,
  PartialCompletion,
  Sleep,
  StreamEvent,
} from './types.js';

/** The SDK refuses to start without a key; keyless local servers ignore whatever is sent. */
const NO_KEY_PLACEHOLDER = 'octo-no-key';

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
    fetch: options.fetch ?? globalThis.fetch,
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
  for (let attempt = 1; ; attempt += 1) {
    const outcome = await attemptOnce(deps, request, apiKey, onEvent);
    if (outcome.kind === 'done') return { ...outcome.result, durationMs: Math.max(0, deps.now() - started) };
    const { failure, partial } = outcome;
    if (!failure.retryable || partial !== null || attempt > maxRetries) {
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
  const idleMs = deps.options.config.request.idle_timeout_ms;
  const watch = new ExchangeWatch(idleMs);
  const assembler = new CompletionAssembler(onEvent);
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
    const stream = await client.chat.completions.create(requestBody(request), { signal });
    for await (const chunk of stream) assembler.push(chunk);
    // The SDK ends iteration quietly when aborted, and also when the body just stops without [DONE].
    if (request.signal?.aborted === true) throw request.signal.reason;
    if (watch.timedOut) throw watch.controller.signal.reason;
    if (!watch.sawDone && assembler.finishReason === null)
      throw unfinishedStream(provider.name, watch.contentType);
    return { kind: 'done', result: assembler.result() };
  } catch (error) {
    const partial = assembler.delivered ? assembler.partial() : null;
    if (request.signal?.aborted === true) {
      throw new OctoError('aborted', 'The request was cancelled.', {
        cause: error,
        details: partial ? { partial } : {},
      });
    }
    const context = { provider, apiKey, idleMs, timedOut: watch.timedOut, nowMs: deps.clock.now() };
    return { kind: 'failed', failure: classifyFailure(error, context), partial };
  } finally {
    watch.stop();
  }
}

function requestBody(request: ChatRequest): ChatCompletionCreateParamsStreaming {
  return {
    model: request.model.modelId,
    // Our message type is the wire format; its video_url part is a gateway extension the SDK's types lack.
    messages: request.messages as ChatCompletionMessageParam[],
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
  };
}

/** Header text is untrusted: printable ASCII only, and short. */
const MAX_CONTENT_TYPE_CHARS = 60;

function unfinishedStream(name: string, contentType: string): OctoError {
  const shown =
    contentType.replace(/[^\x20-\x7e]/g, '').slice(0, MAX_CONTENT_TYPE_CHARS) || 'no content type';
  const notAStream = contentType.includes('text/event-stream')
    ? ''
    : ` (it answered with ${shown}, not an event stream)`;
  return new OctoError(
    'provider_malformed',
    `${name} ended the stream without [DONE] or a finish reason${notAStream}.`,
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
