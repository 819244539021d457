import { setTimeout as delay } from 'node:timers/promises';
import type { Sleep } from './types.js';

/** First backoff step; doubles per retry (1 s, 2 s, 4 s, ...) before jitter and the cap. */
const BASE_DELAY_MS = 1_000;

/**
 * How long to wait before retry number `attempt` (1-based). A server's Retry-After wins over the
 * exponential schedule; either is capped by `capMs` so one answer cannot stall a turn for an hour.
 * Jitter keeps half of the step fixed and randomises the rest, so clients that failed together do
 * not all come back at the same instant.
 */
export function retryDelay(
  attempt: number,
  retryAfterMs: number | null,
  capMs: number,
  random: () => number,
): number {
  if (retryAfterMs !== null) return Math.min(Math.max(0, Math.ceil(retryAfterMs)), capMs);
  const step = BASE_DELAY_MS * 2 ** (attempt - 1);
  return Math.min(capMs, Math.round(step / 2 + (step / 2) * random()));
}

const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * The server's requested wait in milliseconds: `retry-after-ms` (OpenAI's precise variant), else
 * `Retry-After` as seconds or as an HTTP date; null when absent or unreadable.
 */
export function parseRetryAfterMs(headers: Headers | undefined, nowMs: number): number | null {
  const precise = headers?.get('retry-after-ms')?.trim() ?? '';
  if (DECIMAL.test(precise)) return Number(precise);
  const value = headers?.get('retry-after')?.trim() ?? '';
  if (value === '') return null;
  if (DECIMAL.test(value)) return Number(value) * 1_000;
  // An HTTP date names its month; without a letter, Date.parse would read "-5" as a year.
  const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

/** The real wait: a timer that rejects with an AbortError as soon as `signal` aborts. */
export const realSleep: Sleep = (ms, signal) => delay(ms, undefined, signal === undefined ? {} : { signal });
