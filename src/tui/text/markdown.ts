/**
 * A small markdown renderer to styled logical lines: enough for model replies (headings, lists,
 * emphasis, inline code, links, quotes, fenced code) without pulling a parser into start-up.
 */
import { seg, type Segment, type StyleKey, type StyledLine } from './styled.js';

/** One logical line; the conversation wraps it to the pane width with these prefixes. */
export interface MdLine {
  segments: Segment[];
  first?: StyledLine;
  rest?: StyledLine;
  /** A horizontal rule, drawn across the width. */
  rule?: boolean;
}

// Inline spans, earliest match wins: code, strong, emphasis, links.
const INLINE =
  /`([^`]+)`|\*\*([^*]+)\*\*|__([^_]+)__|\*([^*\s][^*]*)\*|(?<![\w])_([^_\s][^_]*)_(?![\w])|\[([^\]]+)\]\(([^)\s]+)\)/g;

export function renderInline(text: string, base: StyleKey): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    const at = m.index;
    if (at > last) out.push(seg(text.slice(last, at), base));
    const [, code, strong1, strong2, em1, em2, linkText, url] = m;
    if (code !== undefined) out.push(seg(code, 'code'));
    else if (strong1 !== undefined || strong2 !== undefined)
      out.push(seg(strong1 ?? strong2 ?? '', 'strong'));
    else if (em1 !== undefined || em2 !== undefined) out.push(seg(em1 ?? em2 ?? '', 'emphasis'));
    else if (linkText !== undefined) out.push(seg(linkText, 'link'), seg(` (${url ?? ''})`, 'dim'));
    last = at + m[0].length;
  }
  if (last < text.length) out.push(seg(text.slice(last), base));
  return out;
}

const FENCE = /^\s*(```|~~~)\s*([\w+.#-]*)/;
const HEADING = /^(#{1,6})\s+(.*)$/;
const BULLET = /^(\s*)([-*+])\s+(.*)$/;
const ORDERED = /^(\s*)(\d{1,9}[.)])\s+(.*)$/;
const QUOTE = /^\s*>\s?(.*)$/;
const RULE = /^\s*([-*_])(\s*\1){2,}\s*$/;

const codeLine = (line: string): MdLine => ({
  segments: [seg(line.replace(/\t/g, '    '), 'codeBlock')],
  first: [seg('│ ', 'dim')],
  // A line of code wrapped by the pane is marked so: with the same frame it read as two lines of code.
  rest: [seg('┆ ', 'dim')],
});

const FENCE_END: MdLine = { segments: [seg('╰─', 'dim')] };

function listLine(indent: string, marker: string, body: string, base: StyleKey): MdLine {
  const pad = ' '.repeat(Math.min(indent.length, 8));
  const first = [seg(pad), seg(`${marker} `, 'bullet')];
  return {
    segments: renderInline(body, base),
    first,
    rest: [seg(' '.repeat(pad.length + marker.length + 1))],
  };
}

/** The open code fence at the end of some lines (`null` outside code): lets rendering resume there. */
export type FenceState = string | null;

/** Renders whole lines, starting in `fence`; returns the lines and the fence state after them. */
export function renderLines(
  lines: readonly string[],
  fence: FenceState,
  base: StyleKey = 'text',
): { out: MdLine[]; fence: FenceState } {
  const out: MdLine[] = [];
  let open = fence;
  for (const line of lines) {
    if (open !== null) {
      if (line.trim().startsWith(open)) {
        out.push(FENCE_END);
        open = null;
      } else out.push(codeLine(line));
      continue;
    }
    const start = FENCE.exec(line);
    if (start !== null) {
      out.push({ segments: [seg(`╭─ ${start[2] || 'code'}`, 'dim')] });
      open = start[1] ?? '```';
    } else out.push(blockLine(line, base));
  }
  return { out, fence: open };
}

/** Renders markdown text to logical lines with styles; a fence left open (still streaming) is closed. */
export function renderMarkdown(text: string, base: StyleKey = 'text'): MdLine[] {
  const { out, fence } = renderLines(text.split('\n'), null, base);
  return fence === null ? out : [...out, FENCE_END];
}

function blockLine(line: string, base: StyleKey): MdLine {
  const heading = HEADING.exec(line);
  if (heading !== null) return { segments: [seg(heading[2] ?? '', 'heading')] };
  if (RULE.test(line)) return { segments: [], rule: true };
  const bullet = BULLET.exec(line);
  if (bullet !== null) return listLine(bullet[1] ?? '', '•', bullet[3] ?? '', base);
  const ordered = ORDERED.exec(line);
  if (ordered !== null) return listLine(ordered[1] ?? '', ordered[2] ?? '', ordered[3] ?? '', base);
  const quote = QUOTE.exec(line);
  if (quote !== null)
    return {
      segments: renderInline(quote[1] ?? '', 'quote'),
      first: [seg('▌ ', 'quote')],
      rest: [seg('▌ ', 'quote')],
    };
  return { segments: renderInline(line, base) };
}
