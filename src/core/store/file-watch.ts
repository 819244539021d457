import { watch, type FSWatcher } from 'node:fs';
import type { FileWatch } from './types.js';

/** A burst of writes (appends, a compaction's rename over) reaches the listener once. */
const SETTLE_MS = 30;

/**
 * Calls `onChange` when one of `names` in `dir` changes. The folder is watched, not the file: files
 * replaced by a rename (index.db, a compacted session) would leave a watch on the file itself behind.
 */
export function watchNames(
  dir: string,
  names: readonly string[],
  onChange: () => void,
  onError: (error: Error) => void,
): FileWatch {
  let timer: NodeJS.Timeout | null = null;
  let watcher: FSWatcher | null = watch(dir, { persistent: false }, (_event, name) => {
    // Some platforms do not say which file changed: then any change may be ours.
    if (name !== null && !names.includes(name)) return;
    timer ??= setTimeout(() => {
      timer = null;
      onChange();
    }, SETTLE_MS);
  });
  watcher.on('error', onError);
  return {
    close: () => {
      if (timer !== null) clearTimeout(timer);
      watcher?.close();
      watcher = null;
    },
  };
}
