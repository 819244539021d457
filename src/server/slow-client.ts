/**
 * When a client that does not read is dropped. Frames a client has not read wait in the server's memory,
 * so they are bounded; but one frame may be larger than the bound (a long reply, an attach snapshot),
 * and a client reading it at once must not be taken for one that never reads. So a client is dropped
 * when more than the limit waits and it read less than MIN_DRAIN_BYTES in the GRACE_MS since it went
 * over (a client that never reads: after GRACE_MS), or at once when HARD_FACTOR times the limit more is
 * queued for it meanwhile: memory stays bounded however fast frames come.
 */

/** How long a client over the limit has to show that it reads. */
const GRACE_MS = 1000;
/** Reading less than this in GRACE_MS while over the limit is not keeping up. */
const MIN_DRAIN_BYTES = 64 * 1024;
/** Queued while over the limit, this many times the limit is too much to wait for. */
const HARD_FACTOR = 8;

export class SlowClientGuard {
  private timer: NodeJS.Timeout | null = null;
  /** Bytes handed to the transport since the clock started, to tell reading from queuing. */
  private queued = 0;
  private dropped = false;

  constructor(
    private readonly limit: number,
    /** Bytes handed to the transport and not yet written to the client's connection. */
    private readonly waiting: () => number,
    /** Cuts the client off, saying why. */
    private readonly drop: (reason: string) => void,
  ) {}

  /** After a frame of `bytes` was handed to the transport. */
  sent(bytes: number): void {
    if (this.dropped) return;
    const waiting = this.waiting();
    if (this.timer === null) {
      if (waiting > this.limit) this.watch(waiting);
      return;
    }
    this.queued += bytes;
    if (this.queued > this.limit * HARD_FACTOR) {
      this.cut(
        `${waiting} bytes unsent, ${this.queued} of them queued while over the ${this.limit}-byte limit (it does not read)`,
      );
    }
  }

  private cut(reason: string): void {
    this.stop();
    this.dropped = true;
    this.drop(reason);
  }

  private watch(from: number): void {
    this.queued = 0;
    this.timer = setTimeout(() => {
      this.timer = null;
      const waiting = this.waiting();
      if (waiting <= this.limit) return;
      const read = from + this.queued - waiting;
      if (read < MIN_DRAIN_BYTES) {
        this.cut(
          `${waiting} bytes unsent, over the ${this.limit}-byte limit, and ${Math.max(0, read)} read in ${GRACE_MS} ms (it does not read)`,
        );
        return;
      }
      this.watch(waiting);
    }, GRACE_MS);
    this.timer.unref();
  }

  /** The connection is gone: no more checks. */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
