/** The Context pane: what the next request carries, against the model's window, and what the session spent. */
import type { ContextBreakdown } from '../../core/events.js';
import type { Usage } from '../../core/api.js';
import { sanitizeLine } from '../../core/text/index.js';
import { seg, type StyledLine, type StyleKey } from '../text/styled.js';
import { fit, strWidth } from '../text/width.js';
import { compactNumber, formatCost, formatTotalCost } from './format.js';

/** Share of the window (or budget) at which the bar turns to warning, then danger colours. */
const WARN_SHARE = 0.7;
const DANGER_SHARE = 0.9;
/** Rough characters per token, for the estimate of a reply still streaming. */
const CHARS_PER_TOKEN = 4;

export interface ContextInput {
  breakdown: ContextBreakdown | null;
  tokens: Usage;
  cost: number | null;
  costIncomplete: boolean;
  /** config limits.max_session_spending, USD. */
  spendingLimit: number | undefined;
  /** Characters of the reply streaming now (0 when idle). */
  streamingChars: number;
  /** Files the model read that changed on disk since (relative to the project). */
  stale: readonly string[];
  width: number;
}

function shareStyle(share: number): StyleKey {
  if (share >= DANGER_SHARE) return 'barDanger';
  return share >= WARN_SHARE ? 'barWarn' : 'barFill';
}

/** A bar of `width` cells filled to `share` (0..1, clamped). */
export function bar(share: number, width: number): StyledLine {
  const clamped = Math.max(0, Math.min(1, share));
  const filled = Math.round(clamped * width);
  return [
    seg('█'.repeat(filled), shareStyle(clamped)),
    seg('░'.repeat(Math.max(0, width - filled)), 'barEmpty'),
  ];
}

function row(label: string, value: string, width: number): StyledLine {
  const valueWidth = Math.max(5, Math.min(8, width - 12));
  return [
    seg(fit(` ${label}`, Math.max(1, width - valueWidth)), 'dim'),
    seg(fit(value, valueWidth, 'right')),
  ];
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** A token figure, marked "~" while the tokenizer has not counted it yet (breakdown.exact false). */
function tokens(n: number, b: ContextBreakdown): string {
  return `${b.exact === false ? '~' : ''}${compactNumber(n)}`;
}

/** "76.8k": where the next compression happens deserves one decimal more than the rows. */
export function threshold(n: number): string {
  return n >= 1000 && n < 1_000_000 ? `${(n / 1000).toFixed(1)}k` : compactNumber(n);
}

/**
 * The provider's report of the last prompt plus octo's count of what came since, when the total comes
 * from it ("125.0k reported +312 new"); short enough for the pane's usual 26 columns.
 */
function sourceLines(b: ContextBreakdown, width: number): StyledLine[] {
  if (b.reported === undefined) return [];
  const since = b.reported.since === 0 ? '' : ` +${tokens(b.reported.since, b)} new`;
  const text = ` ${threshold(b.reported.tokens)} reported${since}`;
  return [[seg(fit(text, width), 'dim')]];
}

function windowLines(b: ContextBreakdown, streamed: number, width: number): StyledLine[] {
  const total = b.total + streamed;
  if (b.window === null) {
    const words = `${tokens(total, b)} tokens · window unknown`;
    // A narrow pane cut it to "~1.4k tokens · window", which reads as a label: say it the short way.
    const head: StyledLine =
      strWidth(words) <= width
        ? [seg(`${tokens(total, b)} tokens`, 'strong'), seg(' · window unknown', 'dim')]
        : [seg(`${tokens(total, b)} / ? tokens`, 'strong')];
    return [head, ...sourceLines(b, width)];
  }
  const share = total / b.window;
  return [
    [
      seg(`${tokens(total, b)} / ${compactNumber(b.window)} tokens`, 'strong'),
      seg(` (${percent(share)})`, 'dim'),
    ],
    bar(share, Math.max(4, width)),
    ...sourceLines(b, width),
  ];
}

/** A failed compression pauses the automatic ones: say so, and when they resume. */
function pauseLines(b: ContextBreakdown, width: number): StyledLine[] {
  const pause = b.compression;
  if (pause === undefined) return [];
  // /summarize tries at once; past the window octo compresses without the model.
  const next = pause.retryAt === null ? ' next try: /summarize' : ` next try at ${threshold(pause.retryAt)}`;
  return [
    [seg(fit(` compression failed at ${threshold(pause.failedAt)}:`, width), 'warning')],
    [seg(fit(` ${sanitizeLine(pause.reason)}`, width), 'warning')],
    [seg(fit(next, width), 'dim')],
  ];
}

export function contextView(input: ContextInput): StyledLine[] {
  const w = Math.max(10, input.width);
  const lines: StyledLine[] = [];
  const streamed = Math.ceil(input.streamingChars / CHARS_PER_TOKEN);
  const b = input.breakdown;
  if (b === null) lines.push([seg('No session open', 'dim')]);
  else {
    lines.push(...windowLines(b, streamed, w));
    lines.push(row('system', tokens(b.system, b), w));
    lines.push(row('tools', tokens(b.tools, b), w));
    lines.push(row(w >= 26 ? 'knowledge+summary' : 'knowledge', tokens(b.knowledge, b), w));
    if ((b.summary ?? 0) > 0) lines.push(row(' of which summary', tokens(b.summary ?? 0, b), w));
    lines.push(row('messages', tokens(b.messages, b), w));
    lines.push(row('attachments', tokens(b.attachments, b), w));
    if (streamed > 0) lines.push(row('streaming (est.)', `+${compactNumber(streamed)}`, w));
    // A pause says itself when the next try comes.
    if (b.nextCompactionAt !== null && b.compression === undefined) {
      // At 80 columns the pane is 22 wide: "next compression at …" hid the one figure that matters.
      const at = threshold(b.nextCompactionAt);
      const words = ` next compression at ${at}`;
      lines.push([seg(fit(strWidth(words) <= w ? words : ` compresses at ${at}`, w), 'dim')]);
    }
    lines.push(...pauseLines(b, w));
  }
  const t = input.tokens;
  lines.push([seg('Session tokens', 'strong')]);
  lines.push(row('input', compactNumber(t.input), w));
  lines.push(row('output', compactNumber(t.output), w));
  lines.push(row('cached', compactNumber(t.cacheRead), w));
  lines.push(row('reasoning', compactNumber(t.reasoning), w));
  lines.push(...costLines(input, w));
  if (input.stale.length > 0) {
    lines.push([seg(`Stale files (${input.stale.length})`, 'warning')]);
    for (const file of input.stale) lines.push([seg(fit(` ${sanitizeLine(file)}`, w), 'dim')]);
  }
  return lines;
}

function costLines(input: ContextInput, w: number): StyledLine[] {
  const cost = formatTotalCost(input.cost, input.costIncomplete, { significant: true });
  if (input.spendingLimit === undefined)
    return [[seg('Cost ', 'strong'), seg(cost), seg(' · no limit set', 'dim')]];
  const limit = formatCost(input.spendingLimit, { significant: true });
  const head: StyledLine = [seg('Cost ', 'strong'), seg(`${cost} of ${limit}`)];
  if (input.cost === null && input.costIncomplete)
    return [head, [seg(' unknown price: limit cannot be checked', 'warning')]];
  const share = (input.cost ?? 0) / input.spendingLimit;
  return [[...head, seg(` (${percent(share)})`, 'dim')], bar(share, Math.max(4, w))];
}
