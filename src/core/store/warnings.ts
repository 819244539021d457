import type { StoreWarning } from './types.js';

/**
 * Where the store's warnings go: to `onWarning` as they happen (the workspace turns them into
 * `store.warning` events at once), or, without one, kept until drained (tests of the store alone).
 */
export class WarningSink {
  private pending: StoreWarning[] = [];

  constructor(private readonly onWarning?: (warning: StoreWarning) => void) {}

  push(warning: StoreWarning): void {
    if (this.onWarning === undefined) this.pending.push(warning);
    else this.onWarning(warning);
  }

  drain(): StoreWarning[] {
    const drained = this.pending;
    this.pending = [];
    return drained;
  }
}
