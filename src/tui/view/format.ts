/** Formats of the panes; numbers and costs follow the rules every front end shares (core/text). */
import { compactNumber } from '../../core/text/index.js';

/** Age of a time relative to now: "now", "5m", "3h", "2d", "7w". */
export function formatAge(iso: string, now: number): string {
  const ms = now - Date.parse(iso);
  if (!Number.isFinite(ms) || ms < 60_000) return 'now';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  return days < 14 ? `${days}d` : `${Math.floor(days / 7)}w`;
}

/** A character count as a size: "532 chars", "12.3k chars". */
export function formatChars(n: number): string {
  return n < 1000 ? `${n} chars` : `${compactNumber(n)} chars`;
}

export { compactNumber, formatCost, formatTotalCost, withThousands } from '../../core/text/index.js';
