/**
 * The streaming reply, rendered incrementally: blocks that later text can no longer change, and the
 * finished lines of a code fence still open, are rendered and wrapped once; only the last block (a
 * paragraph, a list, a table, a fence's last line) is redone per frame, so a long reply at 500 chunks a
 * second stays cheap to draw.
 */
import { sanitizeText } from '../../core/text/index.js';
import { markdownEpoch, renderGrowing } from '../text/markdown.js';
import type { Segment, StyledLine } from '../text/styled.js';
import { liveHeader, liveLines, SCREEN_CAP, wrapMd } from './conversation-lines.js';

/** Offset just past the `count`-th newline of `text`. */
function afterLines(text: string, count: number): number {
  let at = 0;
  for (let i = 0; i < count; i++) at = text.indexOf('\n', at) + 1;
  return at;
}

export class LiveLines {
  /** The part of the reply whose blocks are final, rendered in `done`. */
  private prefix = '';
  private width = -1;
  private epoch = -1;
  /** The opening line of a code fence the prefix ends inside. */
  private fence: string | null = null;
  private done: Segment[][] = [];
  /** The last lines made, for a frame drawn with the reply unchanged (a key typed between chunks). */
  private last: {
    text: string;
    reasoning: string;
    width: number;
    epoch: number;
    lines: StyledLine[];
  } | null = null;

  lines(text: string, reasoning: string, width: number): StyledLine[] {
    const last = this.last;
    const epoch = markdownEpoch();
    if (
      last !== null &&
      last.text === text &&
      last.reasoning === reasoning &&
      last.width === width &&
      last.epoch === epoch
    )
      return last.lines;
    const lines = this.make(text, reasoning, width);
    this.last = { text, reasoning, width, epoch, lines };
    return lines;
  }

  private make(text: string, reasoning: string, width: number): StyledLine[] {
    // Thinking-only and capped replies are small or rare: the plain renderer is fine for them.
    if (text === '' || text.length > SCREEN_CAP) return liveLines(text, reasoning, width);
    if (width !== this.width || markdownEpoch() !== this.epoch || !text.startsWith(this.prefix))
      this.reset(width);
    const rest = text.slice(this.prefix.length);
    // Sanitised line by line: line N of the safe text is line N of the reply, so a cut maps back.
    const cut = renderGrowing(rest.split('\n').map(sanitizeText).join('\n'), 'text', this.fence);
    if (cut.finalLines > 0) {
      this.done.push(...wrapMd(cut.final, width));
      this.prefix += rest.slice(0, afterLines(rest, cut.finalLines));
      this.fence = cut.fence;
    }
    return [liveHeader(), ...this.done, ...wrapMd(cut.growing, width)];
  }

  private reset(width: number): void {
    this.prefix = '';
    this.width = width;
    this.epoch = markdownEpoch();
    this.fence = null;
    this.done = [];
  }
}
