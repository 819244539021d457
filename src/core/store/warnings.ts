import type { StoreWarning } from './types.js';

/** Warnings gathered by the store until the workspace drains them into `store.warning` events. */
export class WarningSink {
  private pending: StoreWarning[] = [];

  push(warning: StoreWarning): void {
    this.pending.push(warning);
  }

  drain(): StoreWarning[] {
    const drained = this.pending;
    this.pending = [];
    return drained;
  }
}
