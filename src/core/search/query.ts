import type { IndexedDoc } from './build.js';
import type { SegmentReader, TermEntry } from './segment.js';
import { decodePostings } from './varint.js';

export interface QueryWord {
  term: string;
  prefix: boolean;
}

export interface IndexHit {
  sessionId: string;
  seq: number;
  score: number;
}

/** BM25's usual constants: term frequency saturation and length normalisation. */
const K1 = 1.2;
const B = 0.75;
/** Terms a prefix stands for at most: "a" would otherwise mean the whole dictionary. */
const MAX_EXPANSIONS = 64;

interface Scorer {
  idf: number[];
  avgLength: number;
}

/**
 * Documents holding every word (the last one possibly as a prefix), ranked by BM25 over all segments
 * and the tail; `allowed` filters sessions before ranking (trash, other projects).
 */
export async function runQuery(
  segments: readonly SegmentReader[],
  tail: readonly IndexedDoc[],
  words: readonly QueryWord[],
  allowed: (sessionId: string) => boolean,
  limit: number,
): Promise<IndexHit[]> {
  const entries = await Promise.all(
    segments.map((segment) =>
      Promise.all(words.map((w) => segment.lookup(w.term, w.prefix, MAX_EXPANSIONS))),
    ),
  );
  const tailTfs = tail.map((doc) => words.map((w) => tailFrequency(doc, w)));
  const docs = segments.reduce((sum, s) => sum + s.docCount, 0) + tail.length;
  const tokens =
    segments.reduce((sum, s) => sum + s.header.totalTokens, 0) + tail.reduce((sum, d) => sum + d.n, 0);
  const df = words.map(
    (_, w) =>
      entries.reduce((sum, perWord) => sum + (perWord[w] ?? []).reduce((n, e) => n + e.df, 0), 0) +
      tailTfs.filter((tfs) => (tfs[w] ?? 0) > 0).length,
  );
  const scorer: Scorer = {
    idf: df.map((n) => Math.log(1 + (docs - n + 0.5) / (n + 0.5))),
    avgLength: docs === 0 ? 1 : tokens / docs,
  };
  const top = new TopHits(limit * 2 + 10);
  for (const [i, segment] of segments.entries()) {
    await scoreSegment(segment, entries[i] ?? [], scorer, allowed, top);
  }
  tail.forEach((doc, i) => {
    const tfs = tailTfs[i] ?? [];
    if (!allowed(doc.s) || tfs.some((tf) => tf === 0)) return;
    top.offer({ sessionId: doc.s, seq: doc.q, score: bm25(tfs, doc.n, scorer) });
  });
  return dedupe(top.sorted()).slice(0, limit);
}

async function scoreSegment(
  segment: SegmentReader,
  perWord: ReadonlyArray<readonly TermEntry[]>,
  scorer: Scorer,
  allowed: (sessionId: string) => boolean,
  top: TopHits,
): Promise<void> {
  if (perWord.some((entries) => entries.length === 0)) return;
  const permitted = segment.header.sessions.map(allowed);
  // Rarest word first: the candidate set only shrinks from there.
  const order = perWord
    .map((entries, w) => ({ w, df: entries.reduce((n, e) => n + e.df, 0) }))
    .sort((a, b) => a.df - b.df);
  let candidates: Map<number, number[]> | null = null;
  for (const { w } of order) {
    const next = new Map<number, number[]>();
    for (const entry of perWord[w] ?? []) {
      decodePostings(await segment.postings(entry), (doc, tf) => {
        const known =
          candidates === null
            ? permitted[segment.docSession(doc)] === true
              ? []
              : undefined
            : candidates.get(doc);
        if (known === undefined) return;
        const tfs = next.get(doc) ?? [...known];
        tfs[w] = (tfs[w] ?? 0) + tf;
        next.set(doc, tfs);
      });
    }
    candidates = next;
    if (candidates.size === 0) return;
  }
  for (const [doc, tfs] of candidates ?? []) {
    const sessionId = segment.header.sessions[segment.docSession(doc)] ?? '';
    top.offer({ sessionId, seq: segment.docSeq(doc), score: bm25(tfs, segment.docLength(doc), scorer) });
  }
}

function bm25(tfs: readonly number[], length: number, scorer: Scorer): number {
  const norm = K1 * (1 - B + (B * length) / scorer.avgLength);
  return tfs.reduce((sum, tf, w) => sum + (scorer.idf[w] ?? 0) * ((tf * (K1 + 1)) / (tf + norm)), 0);
}

function tailFrequency(doc: IndexedDoc, word: QueryWord): number {
  if (!word.prefix) return doc.t[word.term] ?? 0;
  let tf = 0;
  for (const [term, count] of Object.entries(doc.t)) if (term.startsWith(word.term)) tf += count;
  return tf;
}

/** A record indexed twice (a flush racing a rebuild) counts once, with its best score. */
function dedupe(hits: readonly IndexHit[]): IndexHit[] {
  const seen = new Set<string>();
  return hits.filter((hit) => {
    const key = `${hit.sessionId}\0${hit.seq}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The best `size` hits by score, in a binary min-heap: ranking 100,000 matches never sorts them all. */
class TopHits {
  private readonly heap: IndexHit[] = [];

  constructor(private readonly size: number) {}

  offer(hit: IndexHit): void {
    if (this.heap.length < this.size) {
      this.heap.push(hit);
      this.up(this.heap.length - 1);
    } else if (hit.score > (this.heap[0]?.score ?? -Infinity)) {
      this.heap[0] = hit;
      this.down(0);
    }
  }

  sorted(): IndexHit[] {
    return [...this.heap].sort((a, b) => b.score - a.score || b.seq - a.seq);
  }

  private up(start: number): void {
    for (let i = start; i > 0;) {
      const parent = (i - 1) >> 1;
      if (this.score(parent) <= this.score(i)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(start: number): void {
    for (let i = start; ;) {
      const [left, right] = [2 * i + 1, 2 * i + 2];
      let smallest = i;
      if (left < this.heap.length && this.score(left) < this.score(smallest)) smallest = left;
      if (right < this.heap.length && this.score(right) < this.score(smallest)) smallest = right;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }

  private score(i: number): number {
    return this.heap[i]?.score ?? 0;
  }

  private swap(a: number, b: number): void {
    const held = this.heap[a] as IndexHit;
    this.heap[a] = this.heap[b] as IndexHit;
    this.heap[b] = held;
  }
}
