/** Restores the terminal on signals; runTui installs the handlers and removes them when it returns. */
import type { Screen } from './blessed.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type GuardedSignal = (typeof SIGNALS)[number];

/** Exit codes by the shell convention 128 + signal number. */
export const SIGNAL_EXIT: Record<GuardedSignal, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/** Leaves the alternate screen, shows the cursor, disables the mouse, leaves raw mode. Idempotent. */
export function restoreTerminal(screen: Screen): void {
  if (screen.destroyed === true) return;
  screen.destroy();
}

export function guardSignals(screen: Screen, onSignal: (signal: GuardedSignal) => void): () => void {
  const handlers = SIGNALS.map((signal) => {
    const handler = (): void => {
      restoreTerminal(screen);
      onSignal(signal);
    };
    process.on(signal, handler);
    return () => process.removeListener(signal, handler);
  });
  return () => handlers.forEach((remove) => remove());
}
