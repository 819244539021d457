/**
 * Back-off after a failed compression: automatic compression is not tried again on every turn (each
 * try is a paid request that would fail the same way), but once the context has grown by what that
 * level's compression would have taken out. The state is read from the records, so a resumed session
 * (and each `octo run -p` of a session) decides as an unbroken one would.
 */
import type { CompressionPause } from '../events.js';
import type { CompactionRecord, SessionRecord } from '../store/index.js';
import { levelPassed, type PressureLevel } from './levels.js';

/** The newest compaction record when it is a failed attempt: a later success ends the pause. */
export function latestFailure(records: readonly SessionRecord[]): CompactionRecord | null {
  for (let i = records.length - 1; i >= 0; i -= 1) {
    const record = records[i];
    if (record?.kind === 'compaction') return record.failed === undefined ? null : record;
  }
  return null;
}

/**
 * Where automatic compression tries the model again after failing at `failedAt`: grown by the share
 * the level would have removed (half of it at ratio 2). Null when that lies at or past `ceiling` (the
 * usable window), where octo compresses without the model instead.
 */
export function retryPoint(
  failedAt: number,
  levels: readonly PressureLevel[],
  ceiling: number | null,
): number | null {
  const level = levelPassed(levels, failedAt) ?? levels[0];
  if (level === undefined) return null;
  const at = Math.ceil(failedAt * (2 - 1 / level.targetRatio));
  return ceiling !== null && at >= ceiling ? null : at;
}

/** The pause in force for this summariser, or null (none failed, a later one succeeded, another model). */
export function compressionPause(
  records: readonly SessionRecord[],
  summariser: string,
  levels: readonly PressureLevel[],
  ceiling: number | null,
): CompressionPause | null {
  const failure = latestFailure(records);
  if (failure === null || failure.model !== summariser) return null;
  return {
    failedAt: failure.tokensBefore,
    reason: failure.failed ?? '',
    retryAt: retryPoint(failure.tokensBefore, levels, ceiling),
  };
}

/** True while the pause holds at `tokens`. */
export function isPaused(pause: CompressionPause | null, tokens: number): boolean {
  return pause !== null && (pause.retryAt === null || tokens < pause.retryAt);
}
