import { describe, expect, it } from 'vitest';
import { parseRetryAfterMs, realSleep, retryDelay } from '../../../src/core/provider/backoff.js';

const headers = (fields: Record<string, string>) => new Headers(fields);
const NOW = Date.parse('2025-06-01T12:00:00Z');

describe('retryDelay', () => {
  it('doubles per attempt, jitters the upper half, and respects the cap', () => {
    expect([1, 2, 3, 4].map((n) => retryDelay(n, null, 60_000, () => 0))).toEqual([500, 1_000, 2_000, 4_000]);
    expect([1, 2, 3, 4].map((n) => retryDelay(n, null, 60_000, () => 0.999))).toEqual([
      1_000, 1_999, 3_998, 7_996,
    ]);
    expect(retryDelay(10, null, 5_000, () => 0.5)).toBe(5_000);
  });

  it('uses the server-requested wait as is, capped', () => {
    expect(retryDelay(1, 12_345, 60_000, () => 0.9)).toBe(12_345);
    expect(retryDelay(1, 120_000, 60_000, () => 0.9)).toBe(60_000);
  });
});

describe('parseRetryAfterMs', () => {
  it('reads seconds, fractional seconds, and the precise retry-after-ms first', () => {
    expect(parseRetryAfterMs(headers({ 'retry-after': '3' }), NOW)).toBe(3_000);
    expect(parseRetryAfterMs(headers({ 'retry-after': '0.5' }), NOW)).toBe(500);
    expect(parseRetryAfterMs(headers({ 'retry-after': '3', 'retry-after-ms': '250' }), NOW)).toBe(250);
  });

  it('reads an HTTP date relative to the clock, never negative', () => {
    expect(parseRetryAfterMs(headers({ 'retry-after': 'Sun, 01 Jun 2025 12:00:30 GMT' }), NOW)).toBe(30_000);
    expect(parseRetryAfterMs(headers({ 'retry-after': 'Sun, 01 Jun 2025 11:00:00 GMT' }), NOW)).toBe(0);
  });

  it('ignores absent, empty and unreadable values', () => {
    expect(parseRetryAfterMs(undefined, NOW)).toBeNull();
    expect(parseRetryAfterMs(headers({}), NOW)).toBeNull();
    expect(parseRetryAfterMs(headers({ 'retry-after': 'soon', 'retry-after-ms': '' }), NOW)).toBeNull();
    expect(parseRetryAfterMs(headers({ 'retry-after': '-5' }), NOW)).toBeNull();
  });
});

describe('realSleep', () => {
  it('rejects at once when its signal is aborted', async () => {
    const controller = new AbortController();
    const waiting = realSleep(60_000, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  });
});
