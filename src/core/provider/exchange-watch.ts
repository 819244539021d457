/** Which wait ran out: for the answer to begin (headers), or between bytes once it streams. */
export type TimeoutKind = 'first_byte' | 'idle';

export interface WatchLimits {
  /** From sending the request until the response headers arrive. */
  firstByteMs: number;
  /** Between two pieces of the body (a keep-alive comment counts: the server is alive). */
  idleMs: number;
}

/**
 * Times one HTTP exchange underneath the openai SDK. A server that never answers is given up after
 * the first-byte wait (short: a dead provider should not look like a hang), a stream that goes
 * silent after the idle wait (longer: reasoning models think between bytes).
 */
export class ExchangeWatch {
  /** Aborted when a wait ran out; combine it with the caller's signal. */
  readonly controller = new AbortController();
  timedOut: TimeoutKind | null = null;
  /** Of the successful response, for telling an HTML error page from a broken stream. */
  contentType = '';
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly limits: WatchLimits) {
    this.arm('first_byte', limits.firstByteMs);
  }

  /** A fetch that reports the arrival of the response headers to this watch. */
  wrap(base: typeof fetch): typeof fetch {
    return async (input, init) => {
      const response = await base(input, init);
      this.contentType = response.headers.get('content-type') ?? '';
      this.alive();
      return response;
    };
  }

  /** Bytes arrived: the idle wait starts again. */
  alive(): void {
    this.arm('idle', this.limits.idleMs);
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private arm(kind: TimeoutKind, ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = kind;
      this.controller.abort(new Error(`${kind === 'idle' ? 'no data' : 'no answer'} for ${ms} ms`));
    }, ms);
  }
}
