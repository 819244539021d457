import { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import { errnoCode, getErrorMessage, isOctoError, type ErrorCode } from '../errors.js';
import { parseRetryAfterMs } from './backoff.js';
import type { ProviderInfo } from './types.js';

/** Provider text quoted in a message; enough to diagnose, short enough for one status line. */
const MAX_QUOTED_CHARS = 300;
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const AUTH_STATUS = new Set([401, 403]);
/** Errors undici raises when a connection breaks before or during the body. */
const NETWORK_MESSAGES = new Set(['terminated', 'fetch failed']);
const NETWORK_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
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
  idleMs: number;
  timedOut: boolean;
  nowMs: number;
}

export function classifyFailure(error: unknown, context: FailureContext): Failure {
  const { provider } = context;
  const base = { status: null, retryAfterMs: null, cause: error };
  if (context.timedOut) {
    const message = `${provider.name} sent nothing for ${context.idleMs} ms (request.idle_timeout_ms).`;
    return {
      ...base,
      code: 'provider_timeout',
      message,
      retryable: true,
      reason: `no data for ${context.idleMs} ms`,
    };
  }
  if (isOctoError(error))
    return { ...base, code: error.code, message: error.message, retryable: false, reason: error.code };
  if (error instanceof SyntaxError) {
    const message = `${provider.name} sent a malformed stream chunk (invalid JSON).`;
    return { ...base, code: 'provider_malformed', message, retryable: false, reason: 'malformed chunk' };
  }
  if (isNetworkError(error)) {
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
  EPIPE: 'the connection closed while sending (EPIPE)',
  ETIMEDOUT: 'the connection timed out (ETIMEDOUT)',
  ENOTFOUND: 'the host name does not resolve (ENOTFOUND)',
  EAI_AGAIN: 'the host name could not be resolved right now (EAI_AGAIN)',
};

/** undici hides the useful part ("ECONNREFUSED", a socket error) deep in the cause chain. */
function networkDetail(error: unknown): string {
  const chain: Error[] = [];
  for (let current: unknown = error; current instanceof Error && chain.length < 5; current = current.cause) {
    chain.push(current);
  }
  const code = chain.map((e) => errnoCode(e)).findLast((c) => c !== undefined);
  if (code !== undefined) return NETWORK_WORDS[code] ?? code;
  return chain.at(-1)?.message ?? getErrorMessage(error);
}
