/**
 * What a screen looks like beyond its text: every cell's colours and emphasis as a letter, with a legend,
 * so a theme's snapshot shows where each look is drawn (and a look drawn as plain text stands out).
 */
import type { Screen } from '../../../src/tui/blessed.js';

/** Blessed's "no colour set" (the terminal's default). */
const DEFAULT_COLOUR = 0x1ff;
const FLAGS = ['bold', 'underline', 'blink', 'inverse', 'invisible'] as const;
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function describeAttr(attr: number): string {
  const flags = attr >> 18;
  const fg = (attr >> 9) & 0x1ff;
  const bg = attr & 0x1ff;
  const colour = (c: number): string => (c === DEFAULT_COLOUR ? 'default' : String(c));
  const emphasis = FLAGS.filter((_, i) => (flags & (1 << i)) !== 0);
  return [`fg ${colour(fg)}`, `bg ${colour(bg)}`, ...emphasis].join(' ');
}

/** One letter per cell (the same letter: the same look), then the legend. */
export function styleMap(screen: Screen): string {
  const letters = new Map<number, string>();
  const rows = screen.lines.slice(0, screen.height).map((row) =>
    row
      .slice(0, screen.width)
      .map(([attr]) => {
        let letter = letters.get(attr);
        if (letter === undefined) {
          letter = LETTERS[letters.size] ?? '?';
          letters.set(attr, letter);
        }
        return letter;
      })
      .join(''),
  );
  const legend = [...letters].map(([attr, letter]) => `${letter}: ${describeAttr(attr)}`);
  return [...rows, '', ...legend].join('\n');
}
