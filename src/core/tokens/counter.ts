import { hash } from 'node:crypto';
import { getErrorMessage, isAbortError } from '../errors.js';
import { LruCache } from '../lru-cache.js';
import type { TokenEncoding } from './encoding.js';
import { estimateTokens, tokenUpperBound } from './estimate.js';
import type { Tokenizer } from './tokenizer.js';

/** A text to count, under the key its count is cached by. */
export interface CountItem {
  key: string;
  text: string;
}

/** Texts per message to the tokenizer thread: small enough that a foreground job never waits long behind one. */
const BATCH_TEXTS = 128;
/** ...and bounded in characters, so one batch of huge tool outputs does not hold the thread for long. */
const BATCH_CHARS = 256_000;
/**
 * Counts kept in memory: the texts of several long open sessions (a 20,000-message session has about
 * that many), at some 150 bytes each; past it the least recently used are counted again when needed.
 */
const MAX_COUNTS = 200_000;

export interface TokenCounterOptions {
  /** Counts (and stand-in estimates) kept, each; the least recently used go first. */
  maxCounts?: number;
}

/**
 * The cache key of a text under an encoding: a count is a pure function of the two. SHA-1 is not
 * here for security, only as a fast native digest; the one-shot form avoids a hasher per text.
 */
export function countKey(encoding: TokenEncoding, text: string): string {
  return `${encoding}:${hash('sha1', text, 'base64url')}`;
}

export function countItem(encoding: TokenEncoding, text: string): CountItem {
  return { key: countKey(encoding, text), text };
}

/**
 * Exact counts by key, filled by the tokenizer thread, with the estimate standing in until then. The
 * provider's usage stays the truth for billing; these counts only predict the next request.
 */
export class TokenCounter {
  private readonly counts: LruCache<string, number>;
  /** Estimates standing in for counts the tokenizer could not make; never persisted as exact. */
  private readonly fallbacks: LruCache<string, number>;
  private readonly waiting = new Map<string, { encoding: TokenEncoding; text: string }>();
  private readonly listeners = new Set<() => void>();
  private pumping = false;
  private unavailable: string | null = null;

  constructor(
    private readonly tokenizer: Tokenizer,
    options: TokenCounterOptions = {},
  ) {
    const maxEntries = options.maxCounts ?? MAX_COUNTS;
    this.counts = new LruCache({ maxEntries });
    this.fallbacks = new LruCache({ maxEntries });
  }

  /** Why exact counting is off (the tokenizer failed to load), or null while it works. */
  failure(): string | null {
    return this.unavailable;
  }

  known(key: string): number | undefined {
    return this.counts.get(key);
  }

  /** The exact count when known, else the estimate; never waits. */
  peek(item: CountItem): { tokens: number; exact: boolean } {
    const known = this.counts.get(item.key);
    if (known !== undefined) return { tokens: known, exact: true };
    return { tokens: this.fallbacks.get(item.key) ?? estimateTokens(item.text), exact: false };
  }

  /** The exact count when known, else a bound the exact count cannot exceed. */
  bound(item: CountItem): number {
    return this.counts.get(item.key) ?? this.fallbacks.get(item.key) ?? tokenUpperBound(item.text);
  }

  /** Exact counts of these keys, for the session's cache file. */
  exactOf(keys: Iterable<string>): Array<[string, number]> {
    const found: Array<[string, number]> = [];
    for (const key of keys) {
      const count = this.counts.get(key);
      if (count !== undefined) found.push([key, count]);
    }
    return found;
  }

  /** Counts in the background (the thread, in batches); listeners hear when each batch lands. */
  schedule(encoding: TokenEncoding, items: readonly CountItem[]): void {
    if (this.unavailable !== null) return;
    for (const item of items) {
      if (!this.counts.has(item.key)) this.waiting.set(item.key, { encoding, text: item.text });
    }
    if (!this.pumping && this.waiting.size > 0) void this.pumpBackground();
  }

  /**
   * Makes every count exact, waiting for the tokenizer. When it cannot load, the estimate is cached
   * instead, so that later decisions stay consistent within this process.
   */
  async ensure(encoding: TokenEncoding, items: readonly CountItem[]): Promise<void> {
    const missing = uniqueMissing(items, this.counts, this.fallbacks);
    for (const item of missing) this.waiting.delete(item.key);
    for (const batch of batches(missing)) {
      const counts = this.unavailable === null ? await this.countNow(encoding, batch) : null;
      if (counts !== null) this.store(batch, counts);
      else for (const item of batch) this.fallbacks.set(item.key, estimateTokens(item.text));
    }
  }

  /** Copies exact counts in (a cache file read at open). */
  seed(entries: Iterable<[string, number]>): void {
    for (const [key, count] of entries) if (!this.counts.has(key)) this.counts.set(key, count);
  }

  onCounted(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): Promise<void> {
    this.waiting.clear();
    return this.tokenizer.close();
  }

  private async countNow(encoding: TokenEncoding, batch: readonly CountItem[]): Promise<number[] | null> {
    try {
      return await this.tokenizer.count(
        encoding,
        batch.map((i) => i.text),
        'now',
      );
    } catch (error) {
      if (isAbortError(error)) throw error;
      this.unavailable ??= getErrorMessage(error);
      return null;
    }
  }

  private async pumpBackground(): Promise<void> {
    this.pumping = true;
    try {
      while (this.waiting.size > 0 && this.unavailable === null) {
        const [first] = this.waiting.values();
        if (first === undefined) break;
        const batch = takeBatch(this.waiting, first.encoding);
        const counts = await this.tokenizer.count(
          first.encoding,
          batch.map((i) => i.text),
          'background',
        );
        this.store(batch, counts);
        for (const listener of this.listeners) listener();
      }
    } catch (error) {
      // Closing aborts background work on purpose; any other failure turns exact counting off, visibly (/info).
      if (!isAbortError(error)) this.unavailable = getErrorMessage(error);
      this.waiting.clear();
    } finally {
      this.pumping = false;
    }
  }

  private store(items: readonly CountItem[], counts: readonly number[]): void {
    items.forEach((item, i) => this.counts.set(item.key, counts[i] ?? estimateTokens(item.text)));
  }
}

function uniqueMissing(
  items: readonly CountItem[],
  counts: Pick<LruCache<string, number>, 'has'>,
  fallbacks: Pick<LruCache<string, number>, 'has'>,
): CountItem[] {
  const seen = new Map<string, CountItem>();
  for (const item of items) {
    if (!counts.has(item.key) && !fallbacks.has(item.key) && !seen.has(item.key)) seen.set(item.key, item);
  }
  return [...seen.values()];
}

function* batches(items: readonly CountItem[]): Generator<CountItem[]> {
  let batch: CountItem[] = [];
  let chars = 0;
  for (const item of items) {
    if (batch.length > 0 && (batch.length >= BATCH_TEXTS || chars + item.text.length > BATCH_CHARS)) {
      yield batch;
      batch = [];
      chars = 0;
    }
    batch.push(item);
    chars += item.text.length;
  }
  if (batch.length > 0) yield batch;
}

function takeBatch(
  waiting: Map<string, { encoding: TokenEncoding; text: string }>,
  encoding: TokenEncoding,
): CountItem[] {
  const batch: CountItem[] = [];
  let chars = 0;
  for (const [key, entry] of waiting) {
    if (entry.encoding !== encoding) continue;
    if (batch.length > 0 && (batch.length >= BATCH_TEXTS || chars + entry.text.length > BATCH_CHARS)) break;
    batch.push({ key, text: entry.text });
    chars += entry.text.length;
  }
  for (const item of batch) waiting.delete(item.key);
  return batch;
}
