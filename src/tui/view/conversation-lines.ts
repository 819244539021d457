/** Conversation items to styled screen lines at a given width (the expensive step, hence cached). */
import { parseJson, sanitizeLine, sanitizeText } from '../../core/text/index.js';
import { renderMarkdown, type MdLine } from '../text/markdown.js';
import { layoutTable } from '../text/md-table.js';
import {
  clipLine,
  lineWidth,
  seg,
  wrapLine,
  type Segment,
  type StyledLine,
  type StyleKey,
} from '../text/styled.js';
import { truncate } from '../text/width.js';
import type { ConversationItem, MessageSpend } from './conversation-items.js';
import { reasoningLines, finishLines } from './reasoning-lines.js';
import { compactNumber, formatChars, formatCost, withThousands } from './format.js';

/** Characters of one message or tool output drawn on screen; the rest is stated, not drawn (docs/faults.md row 21). */
export const SCREEN_CAP = 20_000;
const INDENT = '  ';

export interface LineOptions {
  expanded: boolean;
  selected: boolean;
  /** The session's turn is running: a call without a result is still running. */
  busy: boolean;
  /** Each reply's tokens and cost in its header (a key toggles them); off when not said. */
  costs?: boolean;
}

/** "1.2k in · 40 out · $0.0013": what one reply's request spent. */
export function spendText(spend: MessageSpend): string {
  const tokens =
    spend.input === null || spend.output === null
      ? 'tokens unknown'
      : `${compactNumber(spend.input)} in · ${compactNumber(spend.output)} out`;
  return `${tokens} · ${formatCost(spend.cost, { significant: true })}`;
}

function capped(text: string): { text: string; note: string | null } {
  if (text.length <= SCREEN_CAP) return { text: sanitizeText(text), note: null };
  const note = `… showing the first ${withThousands(SCREEN_CAP)} of ${withThousands(text.length)} characters (screen cap)`;
  return { text: sanitizeText(text.slice(0, SCREEN_CAP)), note };
}

/** Logical markdown lines wrapped to the pane, indented under their header. */
export function wrapMd(logical: readonly MdLine[], width: number): Segment[][] {
  const out: Segment[][] = [];
  for (const line of logical) {
    const first = [seg(INDENT), ...(line.first ?? [])];
    const rest = [seg(INDENT), ...(line.rest ?? line.first ?? [])];
    if (line.rule === true) {
      const room = Math.max(1, width - lineWidth(first));
      out.push([...first, seg('─'.repeat(Math.min(room, 40)), 'dim')]);
    } else if (line.table !== undefined) {
      const rows = layoutTable(line.table, Math.max(1, width - lineWidth(rest)));
      rows.forEach((row, i) => out.push([...(i === 0 ? first : rest), ...row]));
    } else out.push(...wrapLine(line.segments, width, { first, rest }));
  }
  return out;
}

/** Text as lines of `width`: rendered as markdown (replies) or kept verbatim (tool arguments and output). */
function body(text: string, width: number, as: { markdown: boolean; style: StyleKey }): Segment[][] {
  const base = as.style;
  const { text: safe, note } = capped(text);
  const logical: MdLine[] = as.markdown
    ? renderMarkdown(safe, base)
    : safe.split('\n').map((l) => ({ segments: [seg(l, base)] }));
  const out = wrapMd(logical, width);
  if (note !== null) out.push(...wrapLine([seg(note, 'warning')], width, { first: [seg(INDENT)] }));
  return out;
}

const ROLE: Record<string, { label: string; style: StyleKey }> = {
  user: { label: '● You', style: 'user' },
  assistant: { label: '◆ Assistant', style: 'assistant' },
  system: { label: '■ System', style: 'system' },
  tool: { label: '⚙ Tool result', style: 'tool' },
};

function header(role: string, extra: Segment[]): Segment[] {
  const look = ROLE[role] ?? { label: role, style: 'text' as const };
  return [seg(look.label, look.style), ...extra];
}

/** A one-line summary of tool arguments: `path: src/a.ts, limit: 20`. */
export function argumentsLine(raw: string): string {
  const parsed = parseJson(raw);
  // Models send half-formed JSON; show it as text rather than hide it.
  if (parsed === undefined) return sanitizeLine(raw);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    return sanitizeLine(JSON.stringify(parsed));
  return Object.entries(parsed as Record<string, unknown>)
    .map(
      ([k, v]) =>
        `${sanitizeLine(k)}: ${truncate(sanitizeLine(typeof v === 'string' ? v : (JSON.stringify(v) ?? '')), 40)}`,
    )
    .join(', ');
}

function sanitizeDeep(value: unknown): unknown {
  if (typeof value === 'string') return sanitizeText(value);
  if (Array.isArray(value)) return value.map(sanitizeDeep);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [sanitizeLine(k), sanitizeDeep(v)]));
  }
  return value;
}

/** Arguments for the expanded view: indented JSON of sanitised values (JSON would re-escape them as \u001b). */
export function prettyArguments(raw: string): string {
  try {
    return JSON.stringify(sanitizeDeep(JSON.parse(raw)), null, 2);
  } catch (error) {
    if (error instanceof SyntaxError) return raw;
    throw error;
  }
}

function resultFacts(item: Extract<ConversationItem, { kind: 'tool' }>, busy: boolean): Segment {
  const result = item.result;
  if (result === null) return busy ? seg('running…', 'busy') : seg('no result', 'warning');
  if (result.synthetic) return seg('interrupted', 'interrupted');
  const failed = result.content.startsWith('Error: ');
  return seg(
    `${failed ? 'failed, ' : ''}${formatChars(result.content.length)}`,
    failed ? 'toolError' : 'dim',
  );
}

function toolLines(
  item: Extract<ConversationItem, { kind: 'tool' }>,
  width: number,
  o: LineOptions,
): Segment[][] {
  const name = sanitizeLine(item.call.name);
  const mark = o.expanded ? '▾' : '▸';
  const headStyle: StyleKey = o.selected ? 'selected' : 'tool';
  const head: Segment[] = [
    seg(`${INDENT}${mark} ⚙ ${name}`, headStyle),
    seg(' '),
    seg(argumentsLine(item.call.arguments), 'dim'),
  ];
  const facts = resultFacts(item, o.busy);
  // A reply that only called tools shows what its request spent on its first call's line (F3).
  const spend = o.costs === true && item.spend != null ? ` · ${spendText(item.spend)}` : '';
  const room = Math.max(1, width - facts.text.length - spend.length - 3);
  const clipped = lineWidth(head) > room ? [...clipLine(head, room - 1), seg('…', 'dim')] : head;
  const first = [...clipped, seg(' → ', 'dim'), facts];
  if (spend !== '') first.push(seg(spend, 'dim'));
  if (!item.inContext) first.push(seg(' (compacted)', 'compacted'));
  if (!o.expanded) return [first];
  const out: Segment[][] = [first, [seg(`${INDENT}${INDENT}arguments:`, 'dim')]];
  out.push(
    ...body(prettyArguments(item.call.arguments), width - 2, { markdown: false, style: 'codeBlock' }).map(
      (l) => [seg(INDENT), ...l],
    ),
  );
  if (item.result !== null) {
    out.push([seg(`${INDENT}${INDENT}result:`, 'dim')]);
    out.push(
      ...body(item.result.content, width - 2, { markdown: false, style: 'codeBlock' }).map((l) => [
        seg(INDENT),
        ...l,
      ]),
    );
  }
  return out;
}

/** "──── text ────" across the pane (or just the text, when it is wider). */
function dividerText(text: string, width: number): string {
  const side = Math.max(2, Math.floor((width - text.length - 2) / 2));
  return `${'─'.repeat(side)} ${text} ${'─'.repeat(side)}`;
}

const NOTE_STYLE: Record<Extract<ConversationItem, { kind: 'note' }>['tone'], StyleKey> = {
  info: 'info',
  compacted: 'compacted',
  warning: 'warning',
  error: 'error',
};

/**
 * A note's text keeps its lines (a usage list, an error with the steps to fix it): each is wrapped
 * under the first, its own indentation kept.
 */
function noteTextLines(text: string, width: number, style: StyleKey): Segment[][] {
  const [head = '', ...rest] = sanitizeText(text).replace(/\t/g, '  ').trimEnd().split('\n');
  const lines = wrapLine([seg(`— ${head}`, style)], width, { rest: [seg(INDENT)] });
  for (const line of rest) lines.push(...wrapLine([seg(line, style)], width, { first: [seg(INDENT)] }));
  return lines;
}

/** Screen lines of one item, without the blank line that separates items. */
export function itemLines(item: ConversationItem, width: number, o: LineOptions): StyledLine[] {
  switch (item.kind) {
    case 'message': {
      const extra: Segment[] = [];
      if (item.role === 'assistant' && item.model !== null)
        extra.push(seg(` · ${sanitizeLine(item.model)}`, 'dim'));
      if (o.costs === true && item.spend !== null) extra.push(seg(` · ${spendText(item.spend)}`, 'dim'));
      if (item.interrupted) extra.push(seg(' · interrupted', 'interrupted'));
      if (!item.inContext) extra.push(seg(' · compacted (not in context)', 'compacted'));
      const lines: Segment[][] = [header(item.role, extra)];
      for (const name of item.attachments) lines.push([seg(`${INDENT}📎 ${sanitizeLine(name)}`, 'dim')]);
      if (item.content !== '')
        lines.push(
          ...body(item.content, width, {
            markdown: item.role === 'assistant',
            style: item.role === 'system' ? 'dim' : 'text',
          }),
        );
      if (item.reasoning !== '') lines.push(...reasoningLines(item.reasoning, width, o.expanded, o.selected));
      lines.push(...finishLines(item, width));
      return lines;
    }
    case 'tool':
      return toolLines(item, width, o);
    case 'note': {
      const style: StyleKey = o.selected ? 'selected' : NOTE_STYLE[item.tone];
      const lines: Segment[][] =
        item.divider === true
          ? wrapLine([seg(dividerText(sanitizeLine(item.text), width), style)], width)
          : noteTextLines(item.text, width, style);
      // Table rows keep their columns: cut at the edge rather than wrapped.
      for (const row of item.body ?? []) lines.push([seg(truncate(`  ${sanitizeLine(row)}`, width))]);
      if ((o.expanded || item.divider === true) && item.detail !== '')
        lines.push(...body(item.detail, width, { markdown: true, style: 'dim' }));
      return lines;
    }
  }
}

/**
 * The header of the reply that is streaming in (not yet a record); until its first text or reasoning
 * arrives it says it waits, not that something streams (a provider may take its first-byte timeout).
 */
export function liveHeader(waiting = false): Segment[] {
  return header('assistant', [seg(waiting ? ' · waiting for the answer…' : ' · streaming…', 'busy')]);
}

export function liveLines(text: string, reasoning: string, width: number): StyledLine[] {
  const lines: Segment[][] = [liveHeader(text === '' && reasoning === '')];
  if (reasoning !== '' && text === '') {
    const tail = sanitizeLine(reasoning).slice(-Math.max(40, width * 2));
    lines.push(
      ...wrapLine([seg(tail, 'reasoning')], width, {
        first: [seg(`${INDENT}thinking: `, 'dim')],
        rest: [seg(INDENT)],
      }),
    );
  } else if (reasoning !== '') lines.push(...reasoningLines(reasoning, width, false, false));
  if (text.length > SCREEN_CAP) {
    // While streaming the newest text matters: show the tail, and say what is left out.
    lines.push([
      seg(`${INDENT}… ${withThousands(text.length - SCREEN_CAP)} earlier characters not shown`, 'warning'),
    ]);
    lines.push(...body(text.slice(-SCREEN_CAP), width, { markdown: true, style: 'text' }));
  } else if (text !== '') lines.push(...body(text, width, { markdown: true, style: 'text' }));
  return lines;
}
