/**
 * Server-sent events as OpenAI-compatible providers send them, read from raw bytes: octo reads the
 * body itself (not through the SDK's stream) to see what the SDK hides — the `[DONE]` terminator,
 * comment lines (`: OPENROUTER PROCESSING`), a last event without its blank line, when bytes arrive.
 */

/** One dispatched event: its data lines joined by "\n" (the SSE rule), and its `event:` name if any. */
export interface SseEvent {
  data: string;
  event: string | null;
}

/** A line longer than this is not an event stream (a minified page, a binary blob): stop buffering it. */
const MAX_LINE_CHARS = 8 * 1024 * 1024;

/** Enough of a stray line to say what it was. */
const STRAY_SAMPLE_CHARS = 200;

export class SseLineTooLong extends Error {
  constructor() {
    super(`an event-stream line longer than ${MAX_LINE_CHARS} characters`);
    this.name = 'SseLineTooLong';
  }
}

/** Splits decoded text into SSE events; feed it chunks, then `end()`. */
export class SseParser {
  /** Comment lines seen (keep-alives); they prove the server is alive but carry no data. */
  comments = 0;
  /** Non-empty lines that are neither fields nor comments (an HTML page, plain text). */
  strayLines = 0;
  /** The first of them, cut short: enough to recognise a web page or an error text. */
  firstStray = '';
  private readonly decoder = new TextDecoder();
  private pending = '';
  private data: string[] = [];
  private event: string | null = null;

  push(bytes: Uint8Array): SseEvent[] {
    return this.lines(this.decoder.decode(bytes, { stream: true }), false);
  }

  /** Dispatches what is left: a stream may end without the blank line after its last event. */
  end(): SseEvent[] {
    return this.lines(`${this.decoder.decode()}\n\n`, true);
  }

  private lines(text: string, final: boolean): SseEvent[] {
    const combined = this.pending + text;
    // A "\r" at the very end may be half of "\r\n": keep it for the next chunk.
    const cut = !final && combined.endsWith('\r') ? combined.length - 1 : combined.length;
    const parts = combined.slice(0, cut).split(/\r\n|\r|\n/);
    this.pending = final ? '' : (parts.pop() ?? '') + combined.slice(cut);
    if (this.pending.length > MAX_LINE_CHARS) throw new SseLineTooLong();
    const events: SseEvent[] = [];
    for (const line of parts) {
      const event = this.line(line);
      if (event !== null) events.push(event);
    }
    return events;
  }

  private line(line: string): SseEvent | null {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) {
      this.comments += 1;
      return null;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field !== 'id' && field !== 'retry') this.stray(line);
    return null;
  }

  private stray(line: string): void {
    if (line.trim() === '') return;
    this.strayLines += 1;
    if (this.firstStray === '') this.firstStray = line.slice(0, STRAY_SAMPLE_CHARS);
  }

  private dispatch(): SseEvent | null {
    if (this.data.length === 0) {
      this.event = null;
      return null;
    }
    const event = { data: this.data.join('\n'), event: this.event };
    this.data = [];
    this.event = null;
    return event;
  }
}
