import { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import { errnoCode, getErrorMessage, isOctoError, type ErrorCode } from '../errors.js';
import { parseRetryAfterMs } from './backoff.js';
import type { TimeoutKind, WatchLimits } from './exchange-watch.js';
import { SseLineTooLong } from './sse.js';
import type { ProviderInfo } from './types.js';

/** Provider text quoted in a message; enough to diagnose, short enough for one status line. */
const MAX_QUOTED_CHARS = 300;
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const AUTH_STATUS = new Set([401, 403]);
/** Errors fetch raises when a connection breaks before or during the body. */
const NETWORK_MESSAGES = new Set(['terminated', 'fetch failed']);
const NETWORK_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'ERR_CONNECTION_CLOSED',
]);

/** One failed attempt, classified: what the user is told and whether trying again may help. */
export interface Failure {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  /** Short cause for a retry notice ("HTTP 429", "no data for 30000 ms"). */
  reason: string;
  status: number | null;
  retryAfterMs: number | null;
  cause: unknown;
}

export interface FailureContext {
  provider: ProviderInfo;
  apiKey: string | null;
  limits: WatchLimits;
  timedOut: TimeoutKind | null;
  nowMs: number;
}

/** An error the provider put into a stream that had begun (HTTP 200): `{"error": {...}}`. */
export class ProviderStreamError extends Error {
  constructor(readonly providerMessage: string) {
    super(providerMessage);
    this.name = 'ProviderStreamError';
  }
}

/** "200 ms", "15 s": what a person reads in a retry notice. */
export function formatWait(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

export function classifyFailure(error: unknown, context: FailureContext): Failure {
  const { provider } = context;
  const base = { status: null, retryAfterMs: null, cause: error };
  if (context.timedOut !== null) return timeoutFailure(context, context.timedOut, error);
  if (isOctoError(error))
    return { ...base, code: error.code, message: error.message, retryable: false, reason: error.code };
  if (error instanceof ProviderStreamError) {
    const message = `${provider.name} reported an error mid-stream: ${quote(error.providerMessage, context.apiKey)}`;
    return { ...base, code: 'provider_server', message, retryable: true, reason: 'error in stream' };
  }
  if (error instanceof SseLineTooLong) {
    const message = `${provider.name} sent ${getErrorMessage(error)}: that is not a reply stream.`;
    return { ...base, code: 'provider_malformed', message, retryable: false, reason: 'malformed stream' };
  }
  if (error instanceof SyntaxError) {
    const message = `${provider.name} sent a malformed stream chunk (invalid JSON).`;
    return { ...base, code: 'provider_malformed', message, retryable: false, reason: 'malformed chunk' };
  }
  if (isNetworkError(error)) {
    const refusedHere = localRefusal(provider, error);
    if (refusedHere !== null)
      return { ...base, code: 'provider_network', message: refusedHere, retryable: false, reason: 'refused' };
    const message = `The connection to ${provider.name} at ${provider.baseUrl} failed: ${networkDetail(error)}.`;
    return { ...base, code: 'provider_network', message, retryable: true, reason: 'connection failed' };
  }
  if (error instanceof APIError && !(error instanceof APIUserAbortError)) {
    // instanceof on a generic class infers `any` type arguments; pin them to the defaults.
    const apiError = error as APIError;
    redactInPlace(apiError, context.apiKey);
    return classifyApiError(apiError, context);
  }
  const message = `Unexpected failure talking to ${provider.name}: ${quote(getErrorMessage(error), context.apiKey)}`;
  return { ...base, code: 'internal', message, retryable: false, reason: 'unexpected error' };
}

function timeoutFailure(context: FailureContext, kind: TimeoutKind, cause: unknown): Failure {
  const { name } = context.provider;
  const base = {
    status: null,
    retryAfterMs: null,
    cause,
    code: 'provider_timeout' as const,
    retryable: true,
  };
  if (kind === 'idle') {
    const wait = formatWait(context.limits.idleMs);
    return {
      ...base,
      message: `${name} sent nothing for ${wait} (request.idle_timeout_ms).`,
      reason: `no data for ${wait}`,
    };
  }
  const wait = formatWait(context.limits.firstByteMs);
  return {
    ...base,
    message: `${name} did not answer within ${wait} (first_byte_timeout_ms).`,
    reason: `no answer within ${wait}`,
  };
}

/** Loopback hosts: a refusal there means the local server is not running, which waiting will not fix. */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|::1)$/i;

/** How to start the local servers octo knows by name. */
const LOCAL_SERVERS: Readonly<Record<string, string>> = {
  ollama: 'is Ollama running on HOST? Start it with `ollama serve`.',
  lmstudio:
    "is LM Studio's local server running on HOST? Start it in LM Studio (Developer tab) or with `lms server start`.",
};

/** "nothing is listening on 127.0.0.1:11434: is Ollama running…", or null when it is not that case. */
function localRefusal(provider: ProviderInfo, error: unknown): string | null {
  if (!causeCodes(error).includes('ECONNREFUSED')) return null;
  let url: URL;
  try {
    url = new URL(provider.baseUrl);
  } catch {
    return null;
  }
  if (!LOOPBACK.test(url.hostname)) return null;
  const port = url.port === '' ? (url.protocol === 'https:' ? '443' : '80') : url.port;
  const host = `${url.hostname}:${port}`;
  const hint = Object.hasOwn(LOCAL_SERVERS, provider.name)
    ? (LOCAL_SERVERS[provider.name] ?? '').replace('HOST', host)
    : `is the server for ${provider.name} running on ${host}?`;
  return `Nothing is listening on ${host} (${provider.name}): ${hint}`;
}

function classifyApiError(error: APIError, context: FailureContext): Failure {
  const { name } = context.provider;
  const said = quote(providerText(error), context.apiKey);
  const status = error.status ?? null;
  const base = { status, retryAfterMs: parseRetryAfterMs(error.headers, context.nowMs), cause: error };
  if (status === null) {
    // An error object inside the stream (OpenRouter does this when the upstream model fails).
    const message = `${name} reported an error mid-stream: ${said}`;
    return { ...base, code: 'provider_server', message, retryable: true, reason: 'error in stream' };
  }
  const reason = `HTTP ${status}`;
  if (AUTH_STATUS.has(status))
    return {
      ...base,
      code: 'provider_auth',
      message: authMessage(context, status, said),
      retryable: false,
      reason,
    };
  if (status === 429) {
    return {
      ...base,
      code: 'provider_rate_limit',
      message: `${name} is rate limiting requests (HTTP 429): ${said}`,
      retryable: true,
      reason,
    };
  }
  if (status >= 500) {
    const message = `${name} failed with HTTP ${status}: ${said}`;
    return { ...base, code: 'provider_server', message, retryable: RETRYABLE_STATUS.has(status), reason };
  }
  return {
    ...base,
    code: 'provider_bad_request',
    message: `${name} refused the request (HTTP ${status}): ${said}`,
    retryable: false,
    reason,
  };
}

/** Never quotes a 401 body: some providers echo part of the key back. */
function authMessage(context: FailureContext, status: number, said: string): string {
  const { name, apiKeyEnv } = context.provider;
  const extra = status === 403 ? ` The provider said: ${said}` : '';
  if (apiKeyEnv === undefined) {
    return `${name} refused the request without an API key (HTTP ${status}). Set api_key_env in [providers.${name}] to the variable that holds one.${extra}`;
  }
  return `${name} rejected the API key (HTTP ${status}). Check ${apiKeyEnv}.${extra}`;
}

function providerText(error: APIError): string {
  const body: unknown = error.error;
  if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string')
    return body.message;
  return error.message.replace(/^\d{3}\s+/, '');
}

/** Untrusted text from a provider, made safe for a one-line message. */
export function quoteProviderText(text: string, apiKey: string | null): string {
  return quote(text, apiKey);
}

/** Untrusted text made safe for a one-line message: no control bytes, no key, bounded length. */
function quote(text: string, apiKey: string | null): string {
  const clean = redact(text, apiKey)
    .replace(/[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (clean === '') return '(no message)';
  return clean.length > MAX_QUOTED_CHARS ? `${clean.slice(0, MAX_QUOTED_CHARS)}…` : clean;
}

function redact(text: string, apiKey: string | null): string {
  return apiKey === null || apiKey === '' ? text : text.split(apiKey).join('[redacted]');
}

/** The SDK's error becomes our cause; a provider that echoed the key must not leak it through there. */
function redactInPlace(error: APIError, apiKey: string | null): void {
  if (apiKey === null || apiKey === '') return;
  error.message = redact(error.message, apiKey);
  const body = JSON.stringify(error.error);
  if (body !== undefined && body.includes(apiKey)) {
    Object.assign(error, { error: JSON.parse(redact(body, apiKey)) as unknown });
  }
}

function isNetworkError(error: unknown): boolean {
  if (error instanceof APIConnectionError) return true;
  if (error instanceof TypeError && NETWORK_MESSAGES.has(error.message)) return true;
  const code = errnoCode(error) ?? errnoCode(error instanceof Error ? error.cause : undefined);
  return code !== undefined && NETWORK_ERRNOS.has(code);
}

/** Plain words for the errno codes people meet talking to a model server. */
const NETWORK_WORDS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'nothing is listening there (ECONNREFUSED)',
  ECONNRESET: 'the connection was reset (ECONNRESET)',
  UND_ERR_SOCKET: 'the connection closed before the reply ended',
  ERR_CONNECTION_CLOSED: 'the connection closed before the reply ended',
  EPIPE: 'the connection closed while sending (EPIPE)',
  ETIMEDOUT: 'the connection timed out (ETIMEDOUT)',
  ENOTFOUND: 'the host name does not resolve (ENOTFOUND)',
  EAI_AGAIN: 'the host name could not be resolved right now (EAI_AGAIN)',
};

function causeChain(error: unknown): Error[] {
  const chain: Error[] = [];
  for (let current: unknown = error; current instanceof Error && chain.length < 5; current = current.cause) {
    chain.push(current);
  }
  return chain;
}

function causeCodes(error: unknown): string[] {
  return causeChain(error).flatMap((e) => errnoCode(e) ?? []);
}

/** fetch hides the useful part ("ECONNREFUSED", a socket error) deep in the cause chain. */
function networkDetail(error: unknown): string {
  const code = causeCodes(error).at(-1);
  if (code !== undefined) return NETWORK_WORDS[code] ?? code;
  return causeChain(error).at(-1)?.message ?? getErrorMessage(error);
}
