/** Styled text: what view models produce and panes turn into neo-blessed tags. */
import { sliceToWidth, strWidth } from './width.js';

/** Every look the theme defines; view models name looks, themes give them colours. */
export const STYLE_KEYS = [
  'text',
  'dim',
  'user',
  'assistant',
  'system',
  'tool',
  'toolError',
  'reasoning',
  'heading',
  'strong',
  'emphasis',
  'code',
  'codeBlock',
  'quote',
  'link',
  'bullet',
  'compacted',
  'interrupted',
  'error',
  'warning',
  'info',
  'selected',
  'marker',
  'busy',
  'group',
  'barFill',
  'barWarn',
  'barDanger',
  'barEmpty',
  'status',
  'statusKey',
  'notice',
  'cursor',
] as const;

export type StyleKey = (typeof STYLE_KEYS)[number];

export interface Segment {
  text: string;
  style: StyleKey;
}

export type StyledLine = readonly Segment[];

export const seg = (text: string, style: StyleKey = 'text'): Segment => ({ text, style });

export function lineText(line: StyledLine): string {
  return line.map((s) => s.text).join('');
}

export function lineWidth(line: StyledLine): number {
  return line.reduce((sum, s) => sum + strWidth(s.text), 0);
}

/** Cuts a styled line to `width` columns. */
export function clipLine(line: StyledLine, width: number): Segment[] {
  const out: Segment[] = [];
  let left = width;
  for (const s of line) {
    if (left <= 0) break;
    const text = sliceToWidth(s.text, left);
    if (text !== '') out.push({ text, style: s.style });
    left -= strWidth(text);
  }
  return out;
}

export interface WrapOptions {
  /** Segments before the first line (a bullet, a role label). */
  first?: StyledLine;
  /** Segments before every following line; defaults to blanks as wide as `first`. */
  rest?: StyledLine;
}

interface Token {
  text: string;
  style: StyleKey;
  space: boolean;
}

function tokenize(segments: StyledLine): Token[] {
  const tokens: Token[] = [];
  for (const s of segments) {
    for (const part of s.text.match(/\s+|\S+/g) ?? []) {
      tokens.push({ text: part, style: s.style, space: /^\s/.test(part) });
    }
  }
  return tokens;
}

function pushSeg(line: Segment[], text: string, style: StyleKey): void {
  const last = line[line.length - 1];
  if (last !== undefined && last.style === style) last.text += text;
  else line.push({ text, style });
}

/** Word-wraps one logical line to `width` columns; words longer than a line are broken. */
export function wrapLine(segments: StyledLine, width: number, options: WrapOptions = {}): Segment[][] {
  const first = options.first ?? [];
  const rest = options.rest ?? [seg(' '.repeat(lineWidth(first)))];
  const lines: Segment[][] = [];
  let line: Segment[] = first.map((s) => ({ ...s }));
  let used = lineWidth(first);
  let hasText = false;
  const breakLine = (): void => {
    lines.push(line);
    line = rest.map((s) => ({ ...s }));
    used = lineWidth(rest);
    hasText = false;
  };
  const room = Math.max(1, width);
  for (const token of tokenize(segments)) {
    let text = token.text;
    let w = strWidth(text);
    if (token.space) {
      if (used + w > room) breakLine();
      else if (hasText || lines.length === 0) {
        pushSeg(line, text, token.style);
        used += w;
      }
      continue;
    }
    if (used + w > room && hasText) breakLine();
    // `text !== ''`: a prefix wider than the line (a deep indent in a narrow pane) would loop forever.
    while (text !== '' && used + w > room) {
      const fits = sliceToWidth(text, Math.max(1, room - used)) || [...text][0] || '';
      pushSeg(line, fits, token.style);
      text = text.slice(fits.length);
      w = strWidth(text);
      breakLine();
    }
    if (text !== '') {
      pushSeg(line, text, token.style);
      used += w;
      hasText = true;
    }
  }
  lines.push(line);
  return lines;
}
