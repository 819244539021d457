import { describe, expect, it } from 'vitest';
import { LruCache } from '../../src/core/lru-cache.js';

describe('LruCache', () => {
  it('forgets the least recently used entry past its number of entries', () => {
    const cache = new LruCache<string, number>({ maxEntries: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true]);
    expect(cache.size).toBe(2);
  });

  it('keeps its total weight under the bound, and does not keep an entry heavier than the bound', () => {
    const cache = new LruCache<string, string>({ maxWeight: 10, weigh: (v) => v.length });
    expect(cache.set('a', 'xxxx')).toBe(true);
    expect(cache.set('b', 'yyyy')).toBe(true);
    expect(cache.set('c', 'zzzz')).toBe(true);
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([false, true, true]);
    expect(cache.weight).toBe(8);
    expect(cache.set('huge', 'w'.repeat(11))).toBe(false);
    expect([cache.has('huge'), cache.has('b'), cache.has('c')]).toEqual([false, true, true]);
    cache.set('b', 'y');
    expect(cache.weight).toBe(5);
    cache.delete('c');
    expect(cache.weight).toBe(1);
  });
});
