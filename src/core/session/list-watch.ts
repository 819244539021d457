import { getErrorMessage } from '../errors.js';
import type { EventBus } from '../events.js';
import type { FileWatch, SessionStore, SessionSummary } from '../store/index.js';

/**
 * Other terminals' sessions: index.db is watched, and when it holds a summary newer than any this
 * workspace wrote or listed (the store-wide `order`), or a different number of them, the list changed
 * elsewhere: 'session.listChanged' { reason: 'external' }. Started on demand: a one-shot command never
 * pays for a watch. Once the watch is up the index is checked once, so a change made while it was
 * starting is not missed.
 */
/** How long after the first subscriber the watch starts. */
const START_DELAY_MS = 150;

export class IndexWatch {
  private watch: FileWatch | null = null;
  private starting: Promise<void> | null = null;
  private highest = 0;
  private count = -1;
  private queue = Promise.resolve();
  private closed = false;
  private delay: NodeJS.Timeout | null = null;
  private cancelDelay: (() => void) | null = null;

  constructor(
    private readonly store: SessionStore,
    private readonly bus: EventBus,
  ) {
    bus.on('session.updated', ({ summary }) => {
      this.highest = Math.max(this.highest, summary.order);
    });
  }

  /**
   * Starts the watch a moment after the first subscriber asks (the screen, as it starts): setting up a
   * watch costs more than drawing the screen, and the check once it is up catches what happened since.
   */
  start(): void {
    this.starting ??= new Promise<void>((resolve) => {
      this.delay = setTimeout(resolve, START_DELAY_MS);
      this.delay.unref();
      this.cancelDelay = resolve;
    })
      .then(() => this.begin())
      .catch((error: unknown) => this.warn(error));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.delay !== null) clearTimeout(this.delay);
    this.cancelDelay?.();
    await this.starting;
    this.watch?.close();
    await this.queue;
  }

  /** What the workspace listed is not news to it. */
  listed(summaries: readonly SessionSummary[]): void {
    this.seen(summaries);
  }

  private async begin(): Promise<void> {
    if (this.closed) return;
    const watch = await this.store.watchIndex(() => {
      this.queue = this.queue.then(() => this.check());
    });
    if (this.closed) {
      watch.close();
      return;
    }
    this.watch = watch;
    this.queue = this.queue.then(() => this.check());
  }

  private async check(): Promise<void> {
    try {
      if (this.seen(await this.store.list())) this.bus.emit('session.listChanged', { reason: 'external' });
    } catch (error) {
      this.warn(error);
    }
  }

  /** Records what the index holds; true when that is news. */
  private seen(summaries: readonly SessionSummary[]): boolean {
    const highest = summaries.reduce((max, s) => Math.max(max, s.order), 0);
    const news = highest > this.highest || (this.count >= 0 && summaries.length !== this.count);
    this.highest = Math.max(this.highest, highest);
    this.count = summaries.length;
    return news;
  }

  private warn(error: unknown): void {
    this.bus.emit('store.warning', {
      warning: {
        kind: 'storeIssue',
        path: 'index.db',
        message: `Sessions of other terminals may not show: ${getErrorMessage(error)}`,
      },
    });
  }
}
