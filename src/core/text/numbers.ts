/** Numbers as every front end writes them (the TUI's panes, the CLI's lines, exports): one rule each. */

/**
 * 12,345 — by hand: the first toLocaleString of a process sets up ICU's number formatting, 20-30 ms
 * of a resume that draws one such figure.
 */
export function withThousands(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+$)/g, ',');
}

/** 999 → "999", 1234 → "1.2k", 56_000 → "56k", 2_500_000 → "2.5M": magnitude, not digits. */
export function compactNumber(n: number): string {
  const r = Math.round(n);
  if (r < 1000) return String(r);
  // The bounds are where rounding would carry over: 9,960 is "10k", not "10.0k"; 999,600 is "1.0M".
  if (r < 999_500) return `${(r / 1000).toFixed(r < 9_950 ? 1 : 0)}k`;
  return `${(r / 1_000_000).toFixed(r < 9_950_000 ? 1 : 0)}M`;
}

export interface CostFormat {
  /** Some requests' prices were unknown: a known amount is a lower bound ("$0.42+?"). */
  incomplete?: boolean;
  /**
   * Two significant digits under a dollar ("$0.42", "$0.0013", "$0.000042"), for the panes: as short as
   * cents where cents say enough, and a small cost is shown as what it is, never "<$0.01". Else four
   * decimals under a dollar (the command line's lines and exports).
   */
  significant?: boolean;
}

/** Digits that tell two amounts apart without a column of zeros. */
const SIGNIFICANT_DIGITS = 2;

/**
 * A cost in USD. `undefined`: no request was made ("-"). `null`: the price is unknown ("?", never
 * "$0", which would make a paid request look free). A known cost too small for four decimals is
 * "<$0.0001", never "$0.0000".
 */
export function formatCost(cost: number | null | undefined, format: CostFormat = {}): string {
  if (cost === undefined) return '-';
  if (cost === null) return '?';
  const amount = format.significant === true ? significantAmount(cost) : fixedAmount(cost);
  return format.incomplete === true ? `${amount}+?` : amount;
}

function fixedAmount(cost: number): string {
  const smallest = 0.0001;
  if (cost > 0 && cost < smallest) return `<$${smallest}`;
  return `$${cost.toFixed(cost >= 1 ? 2 : 4)}`;
}

/** "$12.35", "$0.42", "$0.0013", "$0.00": at least cents, and up to two significant digits under a dollar. */
function significantAmount(cost: number): string {
  if (cost <= 0) return `$${(0).toFixed(2)}`;
  const rounded = Number(cost.toPrecision(SIGNIFICANT_DIGITS));
  if (rounded >= 1) return `$${cost.toFixed(2)}`;
  const decimals = Math.max(2, SIGNIFICANT_DIGITS - 1 - Math.floor(Math.log10(rounded)));
  // A zero past the cents says nothing: $0.060 is $0.06, $0.0010 is $0.001.
  return `$${rounded.toFixed(decimals).replace(/(\.\d\d\d*?)0+$/, '$1')}`;
}

/**
 * A sum of request costs as the store keeps it (a session's, a turn's): `null` is "nothing known",
 * which means no request yet ("-") unless some request's price was unknown ("?").
 */
export function formatTotalCost(total: number | null, incomplete: boolean, format: CostFormat = {}): string {
  if (total === null) return incomplete ? '?' : '-';
  return formatCost(total, { ...format, incomplete });
}
