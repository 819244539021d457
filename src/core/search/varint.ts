/** Postings are varints: small numbers (doc gaps, frequencies) take one byte. */

/** A growing byte buffer with unsigned LEB128 varints. */
export class ByteWriter {
  private buffer = Buffer.alloc(1024);
  length = 0;

  varint(value: number): void {
    this.reserve(5);
    let rest = value;
    while (rest >= 0x80) {
      this.buffer[this.length++] = (rest & 0x7f) | 0x80;
      rest >>>= 7;
    }
    this.buffer[this.length++] = rest;
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  toBuffer(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = Buffer.alloc(Math.max(this.buffer.length * 2, this.length + extra));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}

/** Reads a varint at `at`: the value and where the next one starts. */
export function readVarint(data: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  let pos = at;
  for (;;) {
    const byte = data[pos++] ?? 0;
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, pos];
    shift += 7;
  }
}

/** Calls `visit` for each (doc number, term frequency) of a term's postings. */
export function decodePostings(data: Uint8Array, visit: (doc: number, tf: number) => void): void {
  let doc = 0;
  for (let pos = 0; pos < data.length;) {
    const [delta, afterDelta] = readVarint(data, pos);
    const [tf, next] = readVarint(data, afterDelta);
    doc += delta;
    visit(doc, tf);
    pos = next;
  }
}
