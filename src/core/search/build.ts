import { encodeDocs, writeSegmentFile, type EncodedTerm, type SegmentReader } from './segment.js';
import { ByteWriter, readVarint } from './varint.js';

/** One indexed record as the tail file holds it: session, seq, length in words, word counts. */
export interface IndexedDoc {
  s: string;
  q: number;
  n: number;
  t: Record<string, number>;
}

/** Collects documents in memory and writes them as one segment. */
export class SegmentBuilder {
  private readonly sessions = new Map<string, number>();
  private readonly docs: Array<{ session: number; seq: number; length: number }> = [];
  /** Term -> doc number, frequency, doc number, frequency, ... */
  private readonly postings = new Map<string, number[]>();
  private totalTokens = 0;

  get size(): number {
    return this.docs.length;
  }

  add(doc: IndexedDoc): void {
    const session = this.sessions.get(doc.s) ?? this.sessions.size;
    this.sessions.set(doc.s, session);
    const number = this.docs.length;
    this.docs.push({ session, seq: doc.q, length: doc.n });
    this.totalTokens += doc.n;
    for (const [term, tf] of Object.entries(doc.t)) {
      const list = this.postings.get(term);
      if (list === undefined) this.postings.set(term, [number, tf]);
      else list.push(number, tf);
    }
  }

  async write(file: string): Promise<number> {
    const terms = [...this.postings.keys()].sort();
    const postings = this.postings;
    function* encoded(): Generator<EncodedTerm> {
      for (const term of terms) {
        const list = postings.get(term) ?? [];
        const writer = new ByteWriter();
        let previous = 0;
        for (let i = 0; i < list.length; i += 2) {
          const doc = list[i] ?? 0;
          writer.varint(doc - previous);
          writer.varint(list[i + 1] ?? 0);
          previous = doc;
        }
        yield { term, bytes: writer.toBuffer(), df: list.length / 2, last: previous };
      }
    }
    return writeSegmentFile(file, {
      sessions: [...this.sessions.keys()],
      docs: encodeDocs(this.docs),
      totalTokens: this.totalTokens,
      terms: encoded(),
    });
  }
}

/**
 * Merges two segments into one: the newer one's documents follow the older one's, so each term's
 * postings are the older bytes, then the newer bytes with only their first (absolute) doc number
 * rewritten. Nothing is decoded beyond that one varint per term.
 */
export async function mergeSegments(
  older: SegmentReader,
  newer: SegmentReader,
  file: string,
): Promise<number> {
  const sessions = [...new Set([...older.header.sessions, ...newer.header.sessions])];
  const index = new Map(sessions.map((id, i) => [id, i]));
  const offset = older.docCount;
  const docs = Buffer.concat([remapDocs(older, index), remapDocs(newer, index)]);
  const olderEntries = older.entries();
  const newerEntries = newer.entries();
  let a = await olderEntries.next();
  let b = await newerEntries.next();
  const terms: EncodedTerm[] = [];
  while (!a.done || !b.done) {
    if (!a.done && (b.done || a.value.entry.term < b.value.entry.term)) {
      const { entry, bytes } = a.value;
      terms.push({ term: entry.term, bytes, df: entry.df, last: entry.last });
      a = await olderEntries.next();
    } else if (!b.done && (a.done || b.value.entry.term < a.value.entry.term)) {
      const { entry, bytes } = b.value;
      terms.push({
        term: entry.term,
        bytes: shiftFirst(bytes, offset),
        df: entry.df,
        last: entry.last + offset,
      });
      b = await newerEntries.next();
    } else if (!a.done && !b.done) {
      const [left, right] = [a.value, b.value];
      terms.push({
        term: left.entry.term,
        bytes: Buffer.concat([left.bytes, shiftFirst(right.bytes, offset - left.entry.last)]),
        df: left.entry.df + right.entry.df,
        last: right.entry.last + offset,
      });
      a = await olderEntries.next();
      b = await newerEntries.next();
    }
  }
  return writeSegmentFile(file, {
    sessions,
    docs,
    totalTokens: older.header.totalTokens + newer.header.totalTokens,
    terms,
  });
}

function remapDocs(segment: SegmentReader, index: ReadonlyMap<string, number>): Buffer {
  const table = Buffer.from(segment.docTable());
  for (let doc = 0; doc < segment.docCount; doc += 1) {
    const id = segment.header.sessions[segment.docSession(doc)] ?? '';
    table.writeUInt32LE(index.get(id) ?? 0, doc * 12);
  }
  return table;
}

function shiftFirst(bytes: Uint8Array, by: number): Buffer {
  const [first, next] = readVarint(bytes, 0);
  const head = new ByteWriter();
  head.varint(first + by);
  return Buffer.concat([head.toBuffer(), bytes.subarray(next)]);
}
