import { capShares, decodeContent, formatBytes, headOf, tailOf, withThousands } from '../text/index.js';

/**
 * Collects a process's output within a fixed budget, keeping its beginning and its end (where errors
 * usually are), and remembering how much was dropped in between (docs/faults.md row 21).
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

  /**
   * Decoded text of at most `maxChars` kept characters: binary output is described by size; a cut
   * keeps the beginning and the end and states, in bytes, exactly how much of the real output is not
   * there (what the buffer dropped and what the character cap dropped, counted once).
   */
  text(maxChars = Number.POSITIVE_INFINITY): string {
    const head = Buffer.concat(this.head);
    const dropped = this.total - head.length - this.tail.length;
    const whole = decodeContent(Buffer.concat([head, this.tail]));
    if (whole.binary) return `[binary output, ${formatBytes(this.total)}]`;
    if (dropped === 0 && whole.text.length <= maxChars) return whole.text;
    const budget = Math.min(maxChars, whole.text.length);
    const [first, last] = dropped === 0 ? [whole.text, whole.text] : [decoded(head), decoded(this.tail)];
    // A side shorter than its share gives the rest to the other, so the budget is used whole.
    const tail = tailOf(last, budget - Math.min(first.length, capShares(budget).head));
    const kept = { head: headOf(first, budget - tail.length), tail };
    const omitted = this.total - Buffer.byteLength(kept.head) - Buffer.byteLength(kept.tail);
    return `${kept.head}\n[… ${describeBytes(omitted)} omitted from the middle of ${describeBytes(this.total)} of output …]\n${kept.tail}`;
  }
}

function decoded(bytes: Buffer): string {
  const part = decodeContent(bytes);
  return part.binary ? '' : part.text;
}

/** "1,234 bytes" below a KiB; "22,949,951 bytes (21.9 MiB)" above. */
function describeBytes(bytes: number): string {
  return bytes < 1024
    ? `${withThousands(bytes)} bytes`
    : `${withThousands(bytes)} bytes (${formatBytes(bytes)})`;
}
