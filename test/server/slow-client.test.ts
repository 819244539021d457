import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SlowClientGuard } from '../../src/server/slow-client.js';

const LIMIT = 1024 * 1024;

/** A transport whose unsent bytes the test sets, and the reasons the guard dropped it for. */
function client(): { guard: SlowClientGuard; waiting: { bytes: number }; drops: string[] } {
  const waiting = { bytes: 0 };
  const drops: string[] = [];
  const guard = new SlowClientGuard(
    LIMIT,
    () => waiting.bytes,
    (reason) => drops.push(reason),
  );
  return { guard, waiting, drops };
}

/** Queues a frame of `bytes` that the client has not read yet. */
function send(c: ReturnType<typeof client>, bytes: number): void {
  c.waiting.bytes += bytes;
  c.guard.sent(bytes);
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('SlowClientGuard', () => {
  it('drops a client that reads nothing once it is over the limit, a second later', () => {
    const c = client();
    for (let i = 0; i < 20; i += 1) send(c, 100_000);
    expect(c.drops).toEqual([]);
    vi.advanceTimersByTime(999);
    expect(c.drops).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(c.drops).toEqual([
      '2000000 bytes unsent, over the 1048576-byte limit, and 0 read in 1000 ms (it does not read)',
    ]);
  });

  it('keeps a client that reads a frame larger than the limit, and one that catches up', () => {
    const c = client();
    send(c, 5 * LIMIT);
    c.waiting.bytes -= 2 * LIMIT;
    send(c, 1000);
    vi.advanceTimersByTime(1000);
    // Still over the limit, but it read 2 MiB: it is given another second, and reads the rest.
    c.waiting.bytes = 0;
    vi.advanceTimersByTime(5000);
    expect(c.drops).toEqual([]);
    send(c, 100);
    vi.advanceTimersByTime(5000);
    expect(c.drops).toEqual([]);
  });

  it('drops a client that reads too little to keep up', () => {
    const c = client();
    send(c, 2 * LIMIT);
    c.waiting.bytes -= 10_000;
    vi.advanceTimersByTime(1000);
    expect(c.drops).toHaveLength(1);
    expect(c.drops[0]).toMatch(/10000 read in 1000 ms/);
  });

  it('drops at once when eight times the limit more is queued while it is over, without waiting', () => {
    const c = client();
    send(c, 2 * LIMIT);
    send(c, 8 * LIMIT);
    expect(c.drops).toEqual([]);
    send(c, 1);
    expect(c.drops).toEqual([
      '10485761 bytes unsent, 8388609 of them queued while over the 1048576-byte limit (it does not read)',
    ]);
    vi.advanceTimersByTime(5000);
    expect(c.drops).toHaveLength(1);
  });

  it('stops checking a connection that is gone', () => {
    const c = client();
    send(c, 2 * LIMIT);
    c.guard.stop();
    vi.advanceTimersByTime(5000);
    expect(c.drops).toEqual([]);
  });
});
