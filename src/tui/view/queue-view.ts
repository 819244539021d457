/** Messages typed ahead, drawn above the input line they came from (app/queue.ts). Pure. */
import { sanitizeLine } from '../../core/text/index.js';
import { seg, type StyledLine } from '../text/styled.js';
import { truncate } from '../text/width.js';

/** Rows the queue takes at most; more are counted on the last. */
const QUEUE_ROWS = 3;

export function queuedLines(items: ReadonlyArray<{ text: string }>, width: number): StyledLine[] {
  const w = Math.max(10, width);
  const shown = items.length > QUEUE_ROWS ? items.slice(0, QUEUE_ROWS - 1) : items;
  const lines: StyledLine[] = shown.map(({ text }) => {
    const [first = '', ...rest] = text.trim().split('\n');
    const more = rest.length > 0 ? ` (+${rest.length} ${rest.length === 1 ? 'line' : 'lines'})` : '';
    const head = truncate(sanitizeLine(first), Math.max(1, w - 11 - more.length));
    return [seg('⧗ ', 'marker'), seg('queued ', 'dim'), seg(head), seg(more, 'dim')];
  });
  if (shown.length < items.length)
    lines.push([seg('⧗ ', 'marker'), seg(`… and ${items.length - shown.length} more queued`, 'dim')]);
  return lines;
}
