/** Enough of a line's start to recognise the terminator, however long the line grows. */
const LINE_PREFIX_KEPT = 32;
const DONE_LINE = /^data: ?\[DONE\]/;

/**
 * Watches one HTTP exchange underneath the openai SDK, at the byte level, for two facts the SDK hides:
 * when bytes last arrived (the idle timeout, which also covers the wait for headers), and whether the
 * SSE `[DONE]` terminator came (the SDK drops it and treats a stream that just closes as finished).
 */
export class ExchangeWatch {
  /** Aborted when the exchange has been idle too long; combine it with the caller's signal. */
  readonly controller = new AbortController();
  sawDone = false;
  timedOut = false;
  /** Of the successful response, for telling an HTML error page from a broken stream. */
  contentType = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly decoder = new TextDecoder();
  private line = '';

  constructor(private readonly idleMs: number) {
    this.touch();
  }

  /** A fetch that reports headers and body bytes to this watch. */
  wrap(base: typeof fetch): typeof fetch {
    return async (input, init) => {
      const response = await base(input, init);
      this.touch();
      if (!response.ok || response.body === null) return response;
      this.contentType = response.headers.get('content-type') ?? '';
      const body = response.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform: (chunk, controller) => {
            this.onBytes(chunk);
            controller.enqueue(chunk);
          },
        }),
      );
      return new Response(body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    };
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new Error(`no data for ${this.idleMs} ms`));
    }, this.idleMs);
  }

  private onBytes(chunk: Uint8Array): void {
    this.touch();
    const lines = (this.line + this.decoder.decode(chunk, { stream: true })).split(/\r\n|\r|\n/);
    const rest = lines.pop() ?? '';
    if (lines.some((line) => DONE_LINE.test(line))) this.sawDone = true;
    this.line = rest.slice(0, LINE_PREFIX_KEPT);
  }
}
