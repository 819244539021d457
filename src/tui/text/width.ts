/**
 * Terminal cell widths. The same function measures for wrapping and, patched into neo-blessed, for
 * drawing, so a line we wrap to N columns is drawn in N columns (emoji included).
 */

// East Asian Wide and Fullwidth blocks (Unicode EastAsianWidth.txt, condensed to the ranges in use).
const WIDE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1b000, 0x1b2ff],
  [0x1f200, 0x1f2ff],
  [0x20000, 0x3fffd],
];

const EMOJI = /\p{Emoji_Presentation}/u;
const ZERO_WIDTH = /\p{Mn}|\p{Me}|[\u200b-\u200f]|[\ufe00-\ufe0f]/u;

function inWideRange(point: number): boolean {
  return WIDE_RANGES.some(([from, to]) => point >= from && point <= to);
}

/**
 * Widths of the code points above the Latin range seen so far: borders and symbols repeat on every
 * render, and each would otherwise go through two regular expressions and a range search.
 */
const knownWidths = new Map<number, number>();
/** Distinct code points remembered at most; a text of many rare ones just measures them each time. */
const MAX_KNOWN_WIDTHS = 4096;

/** Columns one code point takes in a terminal: 0, 1 or 2. */
export function pointWidth(point: number): number {
  if (point < 0x20 || (point >= 0x7f && point < 0xa0)) return 0;
  if (point < 0x300) return 1;
  const known = knownWidths.get(point);
  if (known !== undefined) return known;
  const width = measurePoint(point);
  if (knownWidths.size < MAX_KNOWN_WIDTHS) knownWidths.set(point, width);
  return width;
}

function measurePoint(point: number): number {
  const char = String.fromCodePoint(point);
  if (ZERO_WIDTH.test(char)) return 0;
  if (EMOJI.test(char)) return 2;
  return inWideRange(point) ? 2 : 1;
}

/** Columns a string takes. */
export function strWidth(text: string): number {
  let width = 0;
  for (const char of text) width += pointWidth(char.codePointAt(0) ?? 0);
  return width;
}

/** The longest prefix of `text` that fits in `width` columns. */
export function sliceToWidth(text: string, width: number): string {
  let used = 0;
  let end = 0;
  for (const char of text) {
    const w = pointWidth(char.codePointAt(0) ?? 0);
    if (used + w > width) break;
    used += w;
    end += char.length;
  }
  return text.slice(0, end);
}

/** Cuts to `width` columns, marking a cut with an ellipsis. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (strWidth(text) <= width) return text;
  return `${sliceToWidth(text, width - 1)}…`;
}

/** Pads (or cuts) to exactly `width` columns. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const cut = truncate(text, width);
  const pad = ' '.repeat(Math.max(0, width - strWidth(cut)));
  return align === 'left' ? cut + pad : pad + cut;
}
