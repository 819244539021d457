import type { CompressionConfig } from '../config/index.js';

export interface PressureLevel {
  /** Tokens of the assembled context above which the level compresses. */
  threshold: number;
  /** The context shrinks by this factor. */
  targetRatio: number;
}

/** Where the built-in levels sit, as shares of the usable window (window minus the reply reserve). */
const DEFAULT_LEVELS = [
  { share: 0.6, targetRatio: 2 },
  { share: 0.85, targetRatio: 4 },
] as const;
/** The window assumed for the built-in levels when the model's is unknown: today's common size. */
export const ASSUMED_WINDOW = 128_000;
/** A reserve larger than this share of the window would leave no room to work in. */
const MAX_RESERVE_SHARE = 0.5;

/** The usable window: the model's window minus the room kept for the reply. */
export function usableWindow(window: number | null, replyReserve: number): number | null {
  if (window === null) return null;
  return Math.max(window - replyReserve, Math.floor(window * (1 - MAX_RESERVE_SHARE)));
}

/**
 * The levels in force for a window, lowest first. Configured levels above the usable window are
 * lowered to it (a request past it would be refused by the provider); levels that then coincide keep
 * the stronger ratio.
 */
export function pressureLevels(config: CompressionConfig, window: number | null): PressureLevel[] {
  if (!config.enabled) return [];
  const ceiling = usableWindow(window, config.reply_reserve);
  const raw =
    config.pressure_levels?.map((l) => ({ threshold: l.threshold, targetRatio: l.target_ratio })) ??
    DEFAULT_LEVELS.map((l) => ({
      threshold: Math.floor((ceiling ?? ASSUMED_WINDOW) * l.share),
      targetRatio: l.targetRatio,
    }));
  const byThreshold = new Map<number, number>();
  for (const level of raw) {
    const threshold = ceiling === null ? level.threshold : Math.min(level.threshold, ceiling);
    byThreshold.set(threshold, Math.max(byThreshold.get(threshold) ?? 0, level.targetRatio));
  }
  return [...byThreshold]
    .map(([threshold, targetRatio]) => ({ threshold, targetRatio }))
    .sort((a, b) => a.threshold - b.threshold);
}

/** The highest level the context has passed, or null. */
export function levelPassed(levels: readonly PressureLevel[], tokens: number): PressureLevel | null {
  return levels.filter((l) => tokens > l.threshold).at(-1) ?? null;
}

/** Compression starts once the context passes the lowest level. */
export function nextCompactionAt(levels: readonly PressureLevel[]): number | null {
  return levels[0]?.threshold ?? null;
}
