import { getErrorMessage } from '../errors.js';
import type { EventBus } from '../events.js';
import type { SessionStore } from '../store/index.js';
import type { OpenSession } from './handle.js';

/**
 * A read-only view (a second terminal, docs/faults.md row 9) follows the writer: each change of the file is
 * read again without writing (invariant 4 in docs/architecture.md) and arrives as 'session.updated'. Reads run one after
 * another, so an older read never overwrites a newer one. Stops when the handle closes.
 */
export async function followWriter(store: SessionStore, bus: EventBus, handle: OpenSession): Promise<void> {
  let queue = Promise.resolve();
  const refresh = async (): Promise<void> => {
    try {
      const view = await store.openReadOnly(handle.id);
      handle.refreshReadOnly(view.records, view.holder);
    } catch (error) {
      bus.emit('store.warning', {
        warning: {
          kind: 'storeIssue',
          path: handle.id,
          message: `The read-only view stopped following: ${getErrorMessage(error)}`,
        },
      });
    }
  };
  const watch = await store.watchSession(handle.id, () => {
    queue = queue.then(refresh);
  });
  handle.onClose(async () => {
    watch.close();
    await queue;
  });
  // A write between the first read and the start of the watch would otherwise go unseen.
  queue = queue.then(refresh);
}
