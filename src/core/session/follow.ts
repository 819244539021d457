import { getErrorMessage } from '../errors.js';
import type { EventBus } from '../events.js';
import type { SessionStore } from '../store/index.js';
import type { OpenSession } from './handle.js';

/**
 * A read-only view (a second terminal, docs/faults.md row 9) follows the writer: each change of the file is
 * read again without writing (invariant 4 in docs/architecture.md) and arrives as 'session.updated'. Reads run one after
 * another, so an older read never overwrites a newer one. When the writer lets the session go (its lock
 * and owner note change, and nobody live holds it), `onFree` is called so the view can take it over
 * (docs/faults.md row 9); it is not awaited here, since taking over closes this handle, which waits for
 * these reads. A writer that died without letting go (kill -9) is noticed by asking every
 * HOLDER_POLL_MS. Stops when the handle closes.
 */
/** How often a view asks whether its writer still lives, for one that died without a word. */
const HOLDER_POLL_MS = 2_000;

export async function followWriter(
  store: SessionStore,
  bus: EventBus,
  handle: OpenSession,
  onFree: () => Promise<void>,
): Promise<void> {
  let queue = Promise.resolve();
  const warn = (what: string, error: unknown): void =>
    bus.emit('store.warning', {
      warning: { kind: 'storeIssue', path: handle.id, message: `${what}: ${getErrorMessage(error)}` },
    });
  const freed = (): void => {
    onFree().catch((error: unknown) => warn('The read-only view could not take the session over', error));
  };
  const refresh = async (): Promise<void> => {
    try {
      const view = await store.openReadOnly(handle.id);
      handle.refreshReadOnly(view.records, view.holder);
      if (view.holder === null) freed();
    } catch (error) {
      warn('The read-only view stopped following', error);
    }
  };
  const checkHolder = async (): Promise<void> => {
    try {
      if ((await store.holder(handle.id)) === null) freed();
    } catch (error) {
      warn('The read-only view could not tell who writes the session', error);
    }
  };
  const watch = await store.watchSession(handle.id, () => {
    queue = queue.then(refresh);
  });
  const holderWatch = await store.watchHolder(handle.id, () => {
    queue = queue.then(checkHolder);
  });
  // A writer killed outright (kill -9) leaves its lock and owner note as they were: no change to see.
  const poll = setInterval(() => {
    queue = queue.then(checkHolder);
  }, HOLDER_POLL_MS);
  poll.unref();
  handle.onClose(async () => {
    clearInterval(poll);
    watch.close();
    holderWatch.close();
    await queue;
  });
  // A write between the first read and the start of the watch would otherwise go unseen.
  queue = queue.then(refresh);
}
