/** Small formatters shared by the human-readable outputs. */
import type { SessionSummary, Usage } from '../../core/api.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Beyond a month a date reads better than "45d ago". */
const DATE_AFTER = 30 * DAY;

/** Below this a four-decimal amount would read $0.0000. */
const SMALLEST_SHOWN = 0.0001;

/** An unknown price shows as "?", never as $0; no request yet shows as "-". */
export function formatCost(cost: number | null | undefined, incomplete = false): string {
  if (cost === undefined) return '-';
  if (cost === null) return incomplete ? '?' : '-';
  // A known but tiny cost must not read as free.
  const tiny = cost > 0 && cost < SMALLEST_SHOWN;
  const amount = tiny ? `<$${SMALLEST_SHOWN}` : cost < 1 ? `$${cost.toFixed(4)}` : `$${cost.toFixed(2)}`;
  return incomplete ? `${amount}+?` : amount;
}

export function sessionCost(summary: Pick<SessionSummary, 'cost' | 'costIncomplete'>): string {
  return formatCost(summary.cost, summary.costIncomplete);
}

/** 1234 → "1.2k", 2_500_000 → "2.5M": lists need magnitude, not digits. */
export function formatCount(count: number): string {
  if (count < 1000) return String(count);
  if (count < 1_000_000) return `${(count / 1000).toFixed(count < 10_000 ? 1 : 0)}k`;
  return `${(count / 1_000_000).toFixed(1)}M`;
}

export function totalTokens(usage: Usage): number {
  return usage.input + usage.output;
}

export function describeUsage(usage: Usage): string {
  const parts = [`${usage.input} in`, `${usage.output} out`];
  if (usage.cacheRead > 0) parts.push(`${usage.cacheRead} cached`);
  if (usage.cacheWrite > 0) parts.push(`${usage.cacheWrite} cache-write`);
  if (usage.reasoning > 0) parts.push(`${usage.reasoning} reasoning`);
  return parts.join(' / ');
}

/** A turn's tokens: "usage unknown" when no request reported any, "+ unreported" when some did not. */
export function describeTurnUsage(usage: Usage | null, unreported: number): string {
  if (usage === null) return 'usage unknown';
  return unreported > 0 ? `${describeUsage(usage)} + unreported` : describeUsage(usage);
}

/** "just now", "5m ago", "3h ago", "2d ago", or the date; a clock that went backwards reads "just now". */
export function relativeAge(iso: string, now: number): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return '?';
  const age = now - then;
  if (age < MINUTE) return 'just now';
  if (age < HOUR) return `${Math.floor(age / MINUTE)}m ago`;
  if (age < DAY) return `${Math.floor(age / HOUR)}h ago`;
  if (age < DATE_AFTER) return `${Math.floor(age / DAY)}d ago`;
  return iso.slice(0, 10);
}

/** Left-aligned columns separated by two spaces; `right` columns are right-aligned (numbers). */
export function table(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  right: ReadonlySet<number>,
): string[] {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const render = (row: readonly string[]): string =>
    row
      .map((cell, i) => (right.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [render(header), ...rows.map(render)];
}
