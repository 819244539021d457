/**
 * The controller: owns the app state, turns workspace events and keys into state changes, and asks
 * the scheduler for a render. Panes never see the workspace; they get views.
 */
import type { SessionHandle, Workspace } from '../../core/api.js';
import { getErrorMessage } from '../../core/errors.js';
import { sanitizeLine } from '../../core/text/index.js';
import { RenderScheduler, type Screen } from '../blessed.js';
import type { TuiLog } from '../log.js';
import type { ScreenView } from '../screen-view.js';
import type { ConversationItem } from '../view/conversation-items.js';
import { LineCache } from '../view/conversation-window.js';
import type { SessionsView } from '../view/sessions-view.js';
import { displayItems, HistoryCache } from './history.js';
import { conversationOf, currentHandle, initialState, type AppState } from './state.js';
import { screenModel, sessionsViewFor, type ScreenModel } from './views.js';

export interface ControllerDeps {
  ws: Workspace;
  screen: Screen;
  view: ScreenView;
  clock: () => number;
  log: TuiLog;
}

type Tone = 'info' | 'warning' | 'error';

export class Controller {
  readonly state: AppState = initialState();
  readonly history = new HistoryCache();
  private readonly lineCaches = new Map<string, LineCache>();
  readonly scheduler: RenderScheduler;
  model: ScreenModel | null = null;
  private sessionsMemo: { key: string; view: SessionsView } | null = null;
  private noteCounter = 0;
  /** Bumped per session switch: a late open must not replace a later choice. */
  switchToken = 0;
  /** Set by runTui: ends the workspace with an exit code, or with a fatal error (a bug). */
  onExit: (code: number) => void = () => undefined;
  onFatal: (error: unknown) => void = (error) => {
    throw error;
  };

  constructor(readonly deps: ControllerDeps) {
    this.scheduler = new RenderScheduler(() => this.renderNow());
  }

  get ws(): Workspace {
    return this.deps.ws;
  }

  current(): SessionHandle | null {
    return currentHandle(this.state);
  }

  /** False until the first session is open: keys wait in `early`, nothing is drawn half-made. */
  ready = false;
  readonly early: Array<() => void> = [];

  /** Item keys are seqs, unique only within a session: each session has its own line cache. */
  linesOf(sessionId: string): LineCache {
    let cache = this.lineCaches.get(sessionId);
    if (cache === undefined) {
      cache = new LineCache();
      this.lineCaches.set(sessionId, cache);
    }
    return cache;
  }

  /** `urgent` for what the user typed: echo must not wait behind streaming frames. */
  requestRender(urgent = false): void {
    if (this.ready) this.scheduler.request(urgent);
  }

  /** Startup is over: draw, then replay what was typed meanwhile, in order. */
  start(): void {
    this.ready = true;
    this.renderNow();
    for (const replay of this.early.splice(0)) replay();
  }

  currentItems(): ConversationItem[] {
    const handle = this.current();
    if (handle === null) return [];
    return displayItems(
      this.history.items(handle.id, handle.records()),
      conversationOf(this.state, handle.id),
    );
  }

  private sessionsView(width: number): SessionsView {
    const s = this.state;
    const now = this.deps.clock();
    // The list of 1,000 sessions is rebuilt only when something it shows changed (not per streamed chunk).
    const key = [width, s.currentId, s.sessionCursor, [...s.busy].join(','), Math.floor(now / 60_000)].join(
      '|',
    );
    if (this.sessionsMemo !== null && this.sessionsMemo.key === key && this.memoSummaries === s.summaries)
      return this.sessionsMemo.view;
    const view = sessionsViewFor(
      s,
      { now, projectId: this.ws.project.id, projectGroup: this.ws.project.group },
      width,
    );
    this.sessionsMemo = { key, view };
    this.memoSummaries = s.summaries;
    return view;
  }

  private memoSummaries: AppState['summaries'] | null = null;

  renderNow(): void {
    try {
      const { screen, view } = this.deps;
      const model = screenModel(this.state, {
        width: screen.width,
        height: screen.height,
        now: this.deps.clock(),
        projectId: this.ws.project.id,
        projectDir: this.ws.project.dir,
        spendingLimit: this.ws.config.limits.max_session_spending,
        cache: this.linesOf(this.state.currentId ?? ''),
        items: this.currentItems(),
        sessions: (w) => this.sessionsView(w),
      });
      this.state.sessionsTop = model.sessionsTop;
      if (this.state.currentId !== null && model.conversation !== null) {
        conversationOf(this.state, this.state.currentId).scroll = model.conversation.scroll;
      }
      this.model = model;
      view.paint(model);
      screen.render();
    } catch (error) {
      // A render that throws is a bug: restore the terminal and let it surface, rather than draw garbage.
      this.onFatal(error);
    }
  }

  /** A transient line in a session's conversation (command results, errors, warnings). */
  note(
    text: string,
    tone: Tone,
    sessionId: string | null = this.state.currentId,
    body: readonly string[] = [],
  ): void {
    if (sessionId === null) {
      this.state.hint = { text: sanitizeLine(text), tone };
      this.requestRender();
      return;
    }
    const handle = this.state.handles.get(sessionId);
    const after = handle === undefined ? 0 : this.history.items(sessionId, handle.records()).length;
    const key = `x${++this.noteCounter}`;
    conversationOf(this.state, sessionId).notes.push({
      after,
      item: {
        kind: 'note',
        key,
        tone,
        text: sanitizeLine(text),
        detail: '',
        ...(body.length > 0 ? { body: body.map(sanitizeLine) } : {}),
      },
    });
    if (sessionId === this.state.currentId) conversationOf(this.state, sessionId).scroll = 0;
    this.requestRender();
  }

  /** A recoverable failure of one action: shown in place and logged. */
  report(error: unknown, what: string): void {
    const logProblem = this.deps.log.write(what, error);
    this.note(`${what}: ${getErrorMessage(error)}`, 'error');
    if (logProblem !== null) this.note(logProblem, 'warning');
  }

  /** Runs an async action; its failure is reported, never dropped. */
  run(what: string, action: () => Promise<void>, options: { untracked?: boolean } = {}): void {
    const task = action().catch((error: unknown) => this.report(error, what));
    // A turn lasts as long as the model talks: `settle` waits for actions, not for replies.
    if (options.untracked === true) return;
    this.pending.add(task);
    void task.finally(() => this.pending.delete(task));
  }

  private readonly pending = new Set<Promise<void>>();

  /** Resolves when every action started so far (and those they started) has finished. */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  refreshContext(): void {
    const handle = this.current();
    this.state.breakdown = handle === null ? null : handle.context();
    this.requestRender();
  }

  setHint(text: string | null, tone: Tone = 'info'): void {
    this.state.hint = text === null ? null : { text, tone };
    this.requestRender();
  }
}
