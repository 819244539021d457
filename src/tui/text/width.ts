/**
 * Terminal cell widths. The same function measures for wrapping and, patched into neo-blessed, for
 * drawing, so a line we wrap to N columns is drawn in N columns. Wide and fullwidth characters come
 * from get-east-asian-width (Unicode's EastAsianWidth.txt, emoji presentation included), not from a
 * table of our own: neo-blessed's and ours both missed ranges.
 */
import { eastAsianWidth } from 'get-east-asian-width';

/**
 * Drawn in no cell of their own: combining and enclosing marks (on the character before), and the
 * invisible format characters (zero-width joiner and space, variation selectors, bidi marks).
 */
const ZERO_WIDTH = /^(?:\p{Mn}|\p{Me}|\p{Default_Ignorable_Code_Point})$/u;

/**
 * Widths of the code points above the Latin range seen so far: borders and symbols repeat on every
 * render, and each would otherwise go through a regular expression and a table lookup.
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
  if (point > 0x10ffff) return 1;
  if (ZERO_WIDTH.test(String.fromCodePoint(point))) return 0;
  return eastAsianWidth(point);
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
