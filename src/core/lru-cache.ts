/**
 * A cache that forgets the least recently used entries past a bound: a number of entries, a total
 * weight (bytes), or both. For what octo keeps only to avoid redoing work (token counts, attachments as
 * data URLs): a long-running workspace must not grow without end. A module of the core's root, outside
 * the domains, so that any of them can use it.
 */
export interface LruLimits<V> {
  /** At most this many entries. */
  maxEntries?: number;
  /** At most this total weight; an entry heavier than this alone is not kept at all. */
  maxWeight?: number;
  /** An entry's weight (required with maxWeight). */
  weigh?: (value: V) => number;
}

export class LruCache<K, V> {
  /** In use order: a Map iterates in insertion order, and a use re-inserts, so the first is the oldest. */
  private readonly entries = new Map<K, V>();
  private readonly weights = new Map<K, number>();
  private totalWeight = 0;

  constructor(private readonly limits: LruLimits<V>) {}

  get size(): number {
    return this.entries.size;
  }

  /** The total weight kept (0 without a `weigh`). */
  get weight(): number {
    return this.totalWeight;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** The value, now the most recently used. */
  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** Keeps the value as the most recently used, forgetting the oldest past the bounds. False if too heavy to keep. */
  set(key: K, value: V): boolean {
    this.delete(key);
    const weight = this.limits.weigh?.(value) ?? 0;
    if (weight > (this.limits.maxWeight ?? Infinity)) return false;
    this.entries.set(key, value);
    if (weight > 0) {
      this.weights.set(key, weight);
      this.totalWeight += weight;
    }
    this.evict();
    return true;
  }

  delete(key: K): void {
    if (!this.entries.delete(key)) return;
    this.totalWeight -= this.weights.get(key) ?? 0;
    this.weights.delete(key);
  }

  clear(): void {
    this.entries.clear();
    this.weights.clear();
    this.totalWeight = 0;
  }

  private evict(): void {
    const maxEntries = this.limits.maxEntries ?? Infinity;
    const maxWeight = this.limits.maxWeight ?? Infinity;
    for (const key of this.entries.keys()) {
      if (this.entries.size <= maxEntries && this.totalWeight <= maxWeight) return;
      this.delete(key);
    }
  }
}
