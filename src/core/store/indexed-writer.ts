import type { RecordSink, SessionWriter } from './types.js';

/**
 * A session writer that feeds the record sink (the search index) as records are appended, and lets it
 * tidy up when the session closes, which is when the user is not waiting on it.
 */
export function indexedWriter(inner: SessionWriter, sink: RecordSink): SessionWriter {
  return {
    id: inner.id,
    records: () => inner.records(),
    append: async (record) => {
      const stored = await inner.append(record);
      await sink.add(inner.id, stored);
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
      await sink.sessionClosed();
    },
    closedState: () => inner.closedState(),
    closedTailDigest: (seq) => inner.closedTailDigest(seq),
  };
}
