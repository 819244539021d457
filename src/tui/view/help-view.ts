/**
 * The help over the panes (F1, `?`, /help): the keys from the keymap table, then every slash command
 * with its line, in a window that scrolls. Pure: the screen view places the box.
 */
import type { CommandHelp } from '../../core/api.js';
import { sanitizeLine } from '../../core/text/index.js';
import { helpLines } from '../keymap.js';
import { seg, wrapLine, type StyledLine } from '../text/styled.js';
import { fit } from '../text/width.js';
import type { OverlayView } from './overlay-view.js';

/** Columns the usage of a command takes at most before its description. */
const USAGE_WIDTH = 30;

/** Every line of the help, keys then commands. */
export function helpScreenLines(width: number, commands: readonly CommandHelp[]): StyledLine[] {
  const w = Math.max(10, width);
  const usageWidth = Math.min(USAGE_WIDTH, Math.max(...commands.map((c) => c.usage.length), 0) + 2);
  const lines: StyledLine[] = [...helpLines(w), [seg('Slash commands', 'heading')]];
  for (const command of [...commands].sort((a, b) => a.name.localeCompare(b.name))) {
    lines.push(
      ...wrapLine([seg(sanitizeLine(command.summary))], w, {
        // A usage cut short keeps a space before the description.
        first: [seg(`${fit(`  ${sanitizeLine(command.usage)}`, usageWidth + 1)} `, 'statusKey')],
      }),
    );
  }
  lines.push(
    [],
    ...wrapLine(
      [
        seg(
          'Type / in the input to pick a command from a list; // sends text that starts with a slash.',
          'dim',
        ),
      ],
      w,
    ),
  );
  return lines;
}

/** The first line shown for `scroll`, clamped so the last page is full. */
export function clampHelpScroll(scroll: number, lineCount: number, height: number): number {
  return Math.max(0, Math.min(scroll, lineCount - height));
}

/** The window of the help `scroll` lines down, titled with where it is and how to move. */
export function helpWindow(lines: readonly StyledLine[], height: number, scroll: number): OverlayView {
  const top = clampHelpScroll(scroll, lines.length, height);
  const shown = lines.slice(top, top + height);
  if (lines.length <= height) return { title: ' Help — keys and commands · Esc closes ', lines: shown };
  const where = `lines ${top + 1}–${top + shown.length} of ${lines.length}`;
  return {
    // How to leave first: at 80 columns the end of the title is cut.
    title: ` Help — keys and commands · Esc closes · ${where} · ↑↓ PgUp/PgDn Home/End `,
    lines: shown,
  };
}
