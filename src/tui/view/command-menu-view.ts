/** The list of slash commands over the input while a command name is typed (app/command-menu.ts). Pure. */
import type { CommandHelp } from '../../core/api.js';
import { sanitizeLine } from '../../core/text/index.js';
import type { Rect } from '../layout.js';
import { clipLine, seg, type StyledLine } from '../text/styled.js';
import { fit } from '../text/width.js';
import type { OverlayView } from './overlay-view.js';

/** Rows of commands shown at once; the list scrolls with the choice. */
const MENU_ROWS = 10;
/** The box is no wider than this: a description, not a page. */
const MENU_WIDTH = 96;
/** Columns the usage takes at most before the description. */
const USAGE_WIDTH = 28;

/** Where the box goes: just above the input, as tall as its rows (and the panes) allow. */
export function menuBox(input: Rect, count: number): Rect {
  const rows = Math.max(1, Math.min(count, MENU_ROWS, input.top - 2));
  const height = rows + 2;
  return {
    top: Math.max(0, input.top - height),
    left: input.left,
    width: Math.min(input.width, MENU_WIDTH),
    height,
  };
}

export function commandMenuView(
  matches: readonly CommandHelp[],
  index: number,
  box: { width: number; height: number },
): OverlayView {
  const w = Math.max(10, box.width);
  const rows = Math.max(1, box.height);
  const first = Math.max(0, Math.min(index - rows + 1, matches.length - rows));
  const usageWidth = Math.min(USAGE_WIDTH, Math.max(...matches.map((c) => c.usage.length)) + 2);
  const lines: StyledLine[] = matches.slice(first, first + rows).map((command, i) => {
    const chosen = first + i === index;
    const style = chosen ? 'selected' : 'text';
    return clipLine(
      [
        seg(chosen ? '▶ ' : '  ', chosen ? 'selected' : 'marker'),
        // A usage cut short keeps a space before the description ("[all|user|assistan…what" ran on).
        seg(`${fit(sanitizeLine(command.usage), usageWidth - 1)} `, chosen ? 'selected' : 'strong'),
        seg(fit(sanitizeLine(command.summary), Math.max(0, w - usageWidth - 2)), chosen ? style : 'dim'),
      ],
      w,
    );
  });
  const position = matches.length > rows ? ` ${index + 1}/${matches.length}` : '';
  return { title: ` Commands${position} — ↑↓ choose · Tab completes · Enter runs · Esc closes `, lines };
}
