/**
 * The streaming reply, rendered incrementally: finished lines are rendered and wrapped once, only the
 * line still growing is redone per frame, so a long reply at 500 chunks a second stays cheap to draw.
 */
import { sanitizeText } from '../../core/text/index.js';
import { renderLines, type FenceState } from '../text/markdown.js';
import { seg, type Segment, type StyledLine } from '../text/styled.js';
import { liveHeader, liveLines, SCREEN_CAP, wrapMd } from './conversation-lines.js';

export class LiveLines {
  private prefix = '';
  private width = -1;
  private fence: FenceState = null;
  private done: Segment[][] = [];

  lines(text: string, reasoning: string, width: number): StyledLine[] {
    // Thinking-only and capped replies are small or rare: the plain renderer is fine for them.
    if (text === '' || text.length > SCREEN_CAP) return liveLines(text, reasoning, width);
    const cut = text.lastIndexOf('\n') + 1;
    const complete = text.slice(0, cut);
    if (width !== this.width || !complete.startsWith(this.prefix)) this.reset(width);
    if (complete.length > this.prefix.length) {
      const fresh = complete.slice(this.prefix.length, -1).split('\n').map(sanitizeText);
      const { out, fence } = renderLines(fresh, this.fence);
      this.done.push(...wrapMd(out, width));
      this.fence = fence;
      this.prefix = complete;
    }
    const tail = text.slice(cut);
    // After a newline the growing line is empty, and is drawn as one (as a full render would).
    const growing = renderLines([sanitizeText(tail)], this.fence);
    const closing = growing.fence === null ? [] : [[seg('  '), seg('╰─', 'dim')]];
    return [liveHeader(), ...this.done, ...wrapMd(growing.out, width), ...closing];
  }

  private reset(width: number): void {
    this.prefix = '';
    this.width = width;
    this.fence = null;
    this.done = [];
  }
}
