import type { SearchIndex } from './search-index.js';
import type { SessionWriter } from './types.js';

/**
 * A session writer that feeds the search index as records are appended, and lets the index tidy up
 * (tail into a segment) when the session closes, which is when the user is not waiting on it.
 */
export function indexedWriter(inner: SessionWriter, index: SearchIndex): SessionWriter {
  return {
    id: inner.id,
    records: () => inner.records(),
    append: async (record) => {
      const stored = await inner.append(record);
      await index.add(inner.id, stored);
      return stored;
    },
    update: (seq, patch) => inner.update(seq, patch),
    updateMany: (seqs, patch) => inner.updateMany(seqs, patch),
    mediaDir: () => inner.mediaDir(),
    loadedFrom: () => inner.loadedFrom(),
    loadEarlier: () => inner.loadEarlier(),
    tookOverFrom: () => inner.tookOverFrom(),
    close: async () => {
      await inner.close();
      await index.flushIfLarge();
    },
    closedState: () => inner.closedState(),
    closedTailDigest: (seq) => inner.closedTailDigest(seq),
  };
}
