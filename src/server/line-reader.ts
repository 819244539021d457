/**
 * Splits a byte stream into lines (JSON lines on a daemon's socket) without holding more than one
 * line's limit: a longer line is skipped to its end and reported by its size, the stream goes on.
 */
const NEWLINE = 0x0a;

export type Line = { ok: true; data: Buffer } | { ok: false; bytes: number };

export class LineReader {
  private parts: Buffer[] = [];
  private length = 0;
  /** Bytes of an over-long line being skipped, or -1 when none is. */
  private skipping = -1;

  constructor(private readonly maxBytes: number) {}

  /** The complete lines in this chunk (with the bytes kept from before), in order. */
  push(chunk: Buffer): Line[] {
    const lines: Line[] = [];
    let rest = chunk;
    for (;;) {
      const end = rest.indexOf(NEWLINE);
      if (end === -1) {
        this.hold(rest);
        return lines;
      }
      this.hold(rest.subarray(0, end));
      lines.push(this.take());
      rest = rest.subarray(end + 1);
    }
  }

  private hold(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.skipping >= 0) {
      this.skipping += piece.length;
      return;
    }
    this.parts.push(piece);
    this.length += piece.length;
    if (this.length > this.maxBytes) {
      this.skipping = this.length;
      this.parts = [];
      this.length = 0;
    }
  }

  private take(): Line {
    if (this.skipping >= 0) {
      const bytes = this.skipping;
      this.skipping = -1;
      return { ok: false, bytes };
    }
    const data = Buffer.concat(this.parts, this.length);
    this.parts = [];
    this.length = 0;
    return { ok: true, data };
  }
}
