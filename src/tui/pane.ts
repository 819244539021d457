/** A passive pane: a bordered box that shows whatever view it is given through `update`. */
import { createBox, type Box, type Screen } from './blessed.js';
import type { Rect } from './layout.js';
import { linesToTags } from './text/tags.js';
import type { StyledLine } from './text/styled.js';
import { escapeTags, type Theme } from './theme.js';
import { truncate } from './text/width.js';

export interface PaneView {
  title: string;
  lines: readonly StyledLine[];
  focused: boolean;
}

export class Pane {
  readonly box: Box;
  private content = '';
  private title = '';
  private focused: boolean | null = null;

  constructor(
    screen: Screen,
    private readonly theme: Theme,
    options: { border: boolean } = { border: true },
  ) {
    this.box = createBox(screen, {
      top: 0,
      left: 0,
      width: 1,
      height: 1,
      tags: true,
      wrap: false,
      hidden: true,
      ...(options.border ? { border: { type: 'line' as const } } : {}),
      style: { border: { ...(theme.border === undefined ? {} : { fg: theme.border }) }, label: {} },
    });
  }

  place(rect: Rect): void {
    if (this.box.top !== rect.top) this.box.top = rect.top;
    if (this.box.left !== rect.left) this.box.left = rect.left;
    if (this.box.width !== rect.width) this.box.width = rect.width;
    if (this.box.height !== rect.height) this.box.height = rect.height;
    if (this.box.hidden) this.box.show();
  }

  hide(): void {
    if (!this.box.hidden) this.box.hide();
  }

  update(view: PaneView): void {
    const content = linesToTags(view.lines, this.theme);
    if (content !== this.content) {
      this.content = content;
      this.box.setContent(content);
    }
    const title = truncate(view.title, Math.max(1, this.box.width - 4));
    if (title !== this.title) {
      this.title = title;
      this.box.setLabel(escapeTags(title));
    }
    if (view.focused !== this.focused) {
      this.focused = view.focused;
      const colour = view.focused ? this.theme.borderFocus : this.theme.border;
      // Without colour, focus shows as a bold title (NO_COLOR keeps bold).
      // The label box keeps a reference to these style objects: change them in place.
      const border = (this.box.style.border ??= {});
      const label = (this.box.style.label ??= {});
      border.fg = colour;
      label.fg = colour;
      label.bold = view.focused;
    }
  }
}
