import { sanitizeLine } from '../text/index.js';
import type { QueryWord } from './query.js';

/** Characters of context before the first match. */
const LEAD_CHARS = 60;
/** Characters of a snippet at most. */
const SNIPPET_CHARS = 160;

export interface Snippet {
  snippet: string;
  matches: Array<[start: number, end: number]>;
}

/**
 * One terminal-safe line of `text` around the first place a search word occurs, with the ranges of
 * every occurrence in it. Whitespace runs become one space before the window is cut.
 */
export function snippetOf(text: string, words: readonly QueryWord[]): Snippet {
  const flat = sanitizeLine(text).replace(/\s+/g, ' ').trim();
  const lower = flat.toLowerCase();
  const first = Math.min(...words.map((w) => lower.indexOf(w.term)).filter((at) => at >= 0), flat.length);
  const start = first === flat.length || first <= LEAD_CHARS ? 0 : wordStart(flat, first - LEAD_CHARS);
  const window = flat.slice(start, start + SNIPPET_CHARS);
  const snippet = `${start > 0 ? '…' : ''}${window}${start + SNIPPET_CHARS < flat.length ? '…' : ''}`;
  return { snippet, matches: occurrences(snippet.toLowerCase(), words) };
}

/** Where words start after `from`, so a snippet does not begin mid-word. */
function wordStart(text: string, from: number): number {
  const space = text.indexOf(' ', from);
  return space < 0 || space - from > LEAD_CHARS / 2 ? from : space + 1;
}

function occurrences(lower: string, words: readonly QueryWord[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const { term } of words) {
    for (let at = lower.indexOf(term); at >= 0; at = lower.indexOf(term, at + term.length)) {
      ranges.push([at, at + term.length]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  return ranges.filter((range, i) => i === 0 || range[0] >= (ranges[i - 1]?.[1] ?? 0));
}
