/** The full-screen workspace: `runTui` is what the CLI loads, by dynamic import. */
import type { Workspace } from '../core/api.js';
import { Controller } from './app/controller.js';
import { subscribe } from './app/subscribe.js';
import { applyFirst, checkProvider, listSessions, openFirst } from './app/startup.js';
import { wireInput } from './app/wiring.js';
import { createScreen, type Screen } from './blessed.js';
import { filterInput } from './input-filter.js';
import { TuiLog } from './log.js';
import { ScreenView } from './screen-view.js';
import { guardSignals, restoreTerminal, SIGNAL_EXIT } from './terminal-guard.js';
import { loadMarkdown } from './text/markdown.js';
import { loadTheme } from './theme.js';

export interface TuiOptions {
  sessionName?: string;
  create?: boolean;
  resumeRecent?: boolean;
  picker?: boolean;
  model?: string;
  theme?: string;
  noColor: boolean;
  logFile: string;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  clock?: () => number;
}

/** A started workspace screen; `exited` settles (terminal restored) when the user quits. */
export interface RunningTui {
  screen: Screen;
  controller: Controller;
  /** The stream blessed reads keys from (after the Shift-Enter filter). */
  keys: NodeJS.ReadableStream;
  exited: Promise<number>;
}

export async function startTui(ws: Workspace, options: TuiOptions): Promise<RunningTui> {
  const clock = options.clock ?? Date.now;
  const log = new TuiLog(options.logFile, clock);
  const { theme, warning } = loadTheme(options.theme ?? ws.config.theme, options.noColor);
  // Disk and locks first: they proceed while the screen (terminfo, widgets) is built.
  const listing = listSessions(ws);
  const first = openFirst(ws, options, listing);
  const input = filterInput(options.input ?? process.stdin);
  const screen = createScreen({ input: input.stream, output: options.output ?? process.stdout });
  const cleanups: Array<() => void> = [];
  const cleanup = (): void => {
    for (const step of cleanups.reverse()) step();
    cleanups.length = 0;
    restoreTerminal(screen);
    input.dispose();
  };
  try {
    const c = new Controller({ ws, screen, view: new ScreenView(screen, theme), clock, log });
    const done = new Promise<number>((resolve, reject) => {
      c.onExit = resolve;
      c.onFatal = reject;
    });
    cleanups.push(() => c.scheduler.dispose());
    cleanups.push(guardSignals(screen, (signal) => c.onExit(SIGNAL_EXIT[signal])));
    cleanups.push(subscribe(c));
    cleanups.push(wireInput(c, input));
    if (warning !== undefined) c.dispatch({ type: 'hint', text: warning, tone: 'warning' });
    const listed = await listing;
    if (listed.ok) c.dispatch({ type: 'listed', summaries: listed.summaries });
    else c.report(listed.error, 'Reading the session list');
    applyFirst(c, await first);
    c.start();
    c.dispatch({ type: 'firstPainted' });
    // The markdown renderer (marked) loads after the first paint, which it would otherwise delay;
    // replies drawn as plain text until then are drawn again when it is there.
    c.run('Loading the markdown renderer', async () => {
      await loadMarkdown();
      c.requestRender({ urgent: false });
    });
    checkProvider(c);
    const exited = done.then(
      (code) => {
        // Replies still streaming are cut here and saved as interrupted when the workspace closes.
        for (const handle of c.handles.values()) {
          // A session another process holds and serves keeps its turn: it is that process's.
          if (handle.isBusy() && handle.holder === null) handle.interrupt();
        }
        cleanup();
        return code;
      },
      (error: unknown) => {
        cleanup();
        throw error;
      },
    );
    return { screen, controller: c, keys: input.stream, exited };
  } catch (error) {
    cleanup();
    throw error;
  }
}

export async function runTui(ws: Workspace, options: TuiOptions): Promise<number> {
  const running = await startTui(ws, options);
  return running.exited;
}
