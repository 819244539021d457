/** The boxes on the screen and one `paint` that hands each its view; the scheduler decides when to draw. */
import type { Screen } from './blessed.js';
import { helpBox, overlaySizeOver } from './app/geometry.js';
import type { ScreenModel } from './app/views.js';
import { MIN_HEIGHT, MIN_WIDTH, PANE_ORDER, type PaneId } from './layout.js';
import { Pane } from './pane.js';
import { menuBox } from './view/command-menu-view.js';
import { seg, wrapLine } from './text/styled.js';
import type { Theme } from './theme.js';

export class ScreenView {
  readonly panes: Record<PaneId, Pane>;
  private readonly status: Pane;
  private readonly summary: Pane;
  private readonly help: Pane;
  private readonly notice: Pane;
  private readonly overlay: Pane;
  private readonly menu: Pane;

  constructor(
    readonly screen: Screen,
    theme: Theme,
  ) {
    const make = (): Pane => new Pane(screen, theme);
    this.panes = { sessions: make(), conversation: make(), context: make(), jobs: make(), input: make() };
    this.status = new Pane(screen, theme, { border: false });
    this.summary = new Pane(screen, theme, { border: false });
    this.help = make();
    this.notice = new Pane(screen, theme, { border: false });
    this.overlay = make();
    this.menu = make();
  }

  paint(model: ScreenModel): void {
    const { layout } = model;
    if (layout.kind === 'tooSmall') {
      for (const id of PANE_ORDER) this.panes[id].hide();
      this.status.hide();
      this.summary.hide();
      this.help.hide();
      this.overlay.hide();
      this.menu.hide();
      const width = Math.max(1, layout.width);
      this.notice.place({ top: 0, left: 0, width, height: Math.max(1, layout.height) });
      const text = `Terminal too small (${layout.width}x${layout.height}): octo needs at least ${MIN_WIDTH}x${MIN_HEIGHT}.`;
      this.notice.update({ title: '', lines: wrapLine([seg(text, 'notice')], width), focused: false });
      return;
    }
    if (model.panes === null) return;
    this.notice.hide();
    for (const id of PANE_ORDER) {
      const pane = this.panes[id];
      // A collapsed side pane has no room: it is hidden, and its summary line shows instead.
      if (layout[id].width === 0) pane.hide();
      else {
        pane.place(layout[id]);
        pane.update(model.panes[id]);
      }
    }
    if (layout.summary === null || model.summary === null) this.summary.hide();
    else {
      this.summary.place(layout.summary);
      this.summary.update({ title: '', lines: [model.summary], focused: false });
    }
    this.status.place(layout.status);
    this.status.update({ title: '', lines: [model.status], focused: false });
    if (model.help === null) this.help.hide();
    else {
      this.help.place(helpBox(layout.status, model.help.lines.length));
      this.help.box.setFront();
      this.help.update({ ...model.help, focused: true });
    }
    if (model.menu === null) this.menu.hide();
    else {
      this.menu.place(menuBox(layout.input, model.menu.lines.length));
      this.menu.box.setFront();
      this.menu.update({ ...model.menu, focused: true });
    }
    if (model.overlay === null) this.overlay.hide();
    else {
      // The same figures as the view's, plus the border; a short view gets a short box.
      const size = overlaySizeOver(layout.status);
      const height = Math.min(size.height, model.overlay.lines.length) + 2;
      const top = Math.max(1, Math.floor((layout.status.top - height) / 2));
      const left = Math.floor((layout.status.width - size.width - 2) / 2);
      this.overlay.place({ top, left, width: size.width + 2, height });
      this.overlay.box.setFront();
      this.overlay.update({ title: model.overlay.title, lines: model.overlay.lines, focused: true });
    }
  }
}
