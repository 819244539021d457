/** Number formats shared by the panes. */

/** 1234 → "1.2k", 1234567 → "1.2M". */
export function compactNumber(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(n < 10_000_000 ? 1 : 0)}M`;
}

/** Cost in USD; null (unknown) is "?", never $0 (a free-looking session that is not). */
export function formatCost(cost: number | null, incomplete = false): string {
  if (cost === null) return '?';
  // Sub-cent costs are real but a row has no room for four decimals.
  const text = cost < 0.01 && cost > 0 ? '<$0.01' : `$${cost.toFixed(2)}`;
  return incomplete ? `${text}+?` : text;
}

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

export { withThousands } from '../../core/text/index.js';
