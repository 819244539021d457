/**
 * The provider's own count of the prompt. Once a reply reported its prompt tokens, that figure is the
 * size of the context as the model sees it (its tokenizer, its chat template, images as it bills
 * them); octo's count only adds what was appended since. A report stops standing when the context
 * changed in another way (a compression, a knowledge change, a model switch, an undone compression).
 */
import type { SessionRecord } from '../store/index.js';
import type { Measured } from './measure.js';

export interface ReportedAnchor {
  /** The reply that carried the report; it and the messages after it were appended since. */
  seq: number;
  tokens: number;
}

export interface ContextFigure {
  /** What the pressure levels and the context pane use. */
  total: number;
  /** octo's own count. */
  counted: number;
  reported: { tokens: number; since: number } | null;
}

/**
 * The latest reply of `model` that reported prompt tokens, when nothing but messages (and failed
 * compression attempts, which change nothing) came after it.
 */
export function reportedAnchor(records: readonly SessionRecord[], model: string): ReportedAnchor | null {
  for (let i = records.length - 1; i >= 0; i -= 1) {
    const record = records[i];
    if (record === undefined) continue;
    if (record.kind === 'attachment') continue;
    if (record.kind === 'compaction' && record.failed !== undefined) continue;
    if (record.kind !== 'message') return null;
    const main = record.costSource === undefined || record.costSource === 'main';
    if (record.role !== 'assistant' || !main || record.interrupted === true || record.usage == null) continue;
    const tokens = record.usage.input;
    if (record.model !== model || !Number.isFinite(tokens) || tokens <= 0) return null;
    const undone = records.some(
      (r) => r.kind === 'compaction' && r.undone === true && (r.undoneAfter ?? Infinity) >= record.seq,
    );
    return undone ? null : { seq: record.seq, tokens };
  }
  return null;
}

/**
 * The context's size: the report plus octo's count of what came after it, when the report is
 * plausible; else octo's own count. A report under half of octo's count of the same request is taken
 * for a server that counts only the uncached part (some local servers do), and one over the window
 * for a wrong window or a wrong report: neither may make octo send more than fits.
 */
export function contextFigure(
  measured: Measured,
  anchor: ReportedAnchor | null,
  window: number | null,
): ContextFigure {
  const counted = measured.total;
  if (anchor === null) return { total: counted, counted, reported: null };
  let since = 0;
  for (const [seq, tokens] of measured.perMessage) if (seq >= anchor.seq) since += tokens;
  const atReport = counted - since;
  const plausible = anchor.tokens * 2 >= atReport && (window === null || anchor.tokens <= window);
  if (!plausible) return { total: counted, counted, reported: null };
  return { total: anchor.tokens + since, counted, reported: { tokens: anchor.tokens, since } };
}
