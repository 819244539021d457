/** Small formatters shared by the human-readable outputs. */
import type { SessionSummary, Usage } from '../../core/api.js';
import { formatTotalCost } from '../../core/text/index.js';

export { compactNumber, formatCost } from '../../core/text/index.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Beyond a month a date reads better than "45d ago". */
const DATE_AFTER = 30 * DAY;

export function sessionCost(summary: Pick<SessionSummary, 'cost' | 'costIncomplete'>): string {
  return formatTotalCost(summary.cost, summary.costIncomplete);
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
