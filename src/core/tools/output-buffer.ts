import { decodeContent, formatBytes } from '../text/index.js';

/**
 * Collects a process's output within a fixed budget, keeping its beginning and its end (where errors
 * usually are), and remembering how much was dropped in between (FAULTS.md row 21).
 */
export class OutputBuffer {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer = Buffer.alloc(0);
  private total = 0;

  constructor(private readonly maxBytes: number) {}

  append(chunk: Buffer): void {
    this.total += chunk.length;
    const headRoom = Math.floor(this.maxBytes / 2) - this.headBytes;
    if (headRoom > 0) {
      const part = chunk.subarray(0, headRoom);
      this.head.push(part);
      this.headBytes += part.length;
      chunk = chunk.subarray(part.length);
    }
    if (chunk.length === 0) return;
    const keep = this.maxBytes - Math.floor(this.maxBytes / 2);
    this.tail = Buffer.concat([this.tail, chunk]);
    if (this.tail.length > keep) this.tail = this.tail.subarray(this.tail.length - keep);
  }

  get bytes(): number {
    return this.total;
  }

  /** Decoded text; binary output is described by size; a cut is stated where it happened. */
  text(): string {
    const head = Buffer.concat(this.head);
    const omitted = this.total - head.length - this.tail.length;
    const whole = decodeContent(Buffer.concat([head, this.tail]));
    if (whole.binary) return `[binary output, ${formatBytes(this.total)}]`;
    if (omitted === 0) return whole.text;
    const first = decodeContent(head);
    const last = decodeContent(this.tail);
    const text = (part: typeof first): string => (part.binary ? '' : part.text);
    return `${text(first)}\n[output capped at ${formatBytes(this.maxBytes)}: ${formatBytes(omitted)} omitted from the middle of ${formatBytes(this.total)}]\n${text(last)}`;
  }
}
