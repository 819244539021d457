/**
 * The controller: holds the state, passes every event through `reduce`, runs the effects it returns
 * (app/effects.ts) and asks the scheduler for a render. Panes never see the workspace; they get views.
 */
import type { SessionHandle, Workspace } from '../../core/api.js';
import { getErrorMessage } from '../../core/errors.js';
import { RenderScheduler, type Screen } from '../blessed.js';
import type { TuiLog } from '../log.js';
import type { ScreenView } from '../screen-view.js';
import { LineCache } from '../view/conversation-window.js';
import type { SessionsView } from '../view/sessions-view.js';
import type { AppEvent, Effect } from './actions.js';
import { Effects } from './effects.js';
import { currentItems } from './notes.js';
import { reduce } from './reduce.js';
import { initialState, type AppState } from './state.js';
import { screenModel, sessionsViewFor, type ScreenModel } from './views.js';

export interface ControllerDeps {
  ws: Workspace;
  screen: Screen;
  view: ScreenView;
  clock: () => number;
  log: TuiLog;
}

/** Events the user is waiting to see: drawn on the next turn of the event loop, not the next frame. */
function urgent(event: AppEvent): boolean {
  switch (event.type) {
    case 'key':
    case 'paste':
    case 'click':
    case 'wheel':
      return true;
    case 'workspace':
      return event.event.name === 'approval.requested' || event.event.name === 'approval.settled';
    default:
      return false;
  }
}

export class Controller {
  private current: AppState;
  /** The open sessions' handles: what effects act on (the state holds only what they showed). */
  readonly handles = new Map<string, SessionHandle>();
  private readonly lineCaches = new Map<string, LineCache>();
  private readonly effects: Effects;
  readonly scheduler: RenderScheduler;
  model: ScreenModel | null = null;
  private sessionsMemo: { key: string; summaries: AppState['summaries']; view: SessionsView } | null = null;
  /** Set by runTui: ends the workspace with an exit code, or with a fatal error (a bug). */
  onExit: (code: number) => void = () => undefined;
  onFatal: (error: unknown) => void = (error) => {
    throw error;
  };
  /** False until the first session is open: keys wait in `early`, nothing is drawn half-made. */
  ready = false;
  readonly early: Array<() => void> = [];
  private readonly pending = new Set<Promise<void>>();

  constructor(readonly deps: ControllerDeps) {
    const { ws, screen } = deps;
    this.current = initialState(
      {
        projectId: ws.project.id,
        projectDir: ws.project.dir,
        projectGroup: ws.project.group,
        commands: ws.commandHelp(),
      },
      { width: screen.width, height: screen.height },
    );
    this.scheduler = new RenderScheduler(() => this.renderNow());
    this.effects = new Effects(this);
  }

  get state(): AppState {
    return this.current;
  }

  get ws(): Workspace {
    return this.deps.ws;
  }

  /** Reduces the event and runs the effects it asks for. */
  dispatch(event: AppEvent): void {
    for (const effect of this.apply(event)) this.effects.perform(effect);
  }

  /** The same, running the effects in order and failing with the first that fails (for chained actions). */
  async dispatchInOrder(event: AppEvent): Promise<void> {
    for (const effect of this.apply(event)) await this.effects.execute(effect);
  }

  private apply(event: AppEvent): readonly Effect[] {
    const before = this.current;
    const next = reduce(before, event);
    this.current = next.state;
    if (next.state !== before && next.quiet !== true) this.requestRender({ urgent: urgent(event) });
    return next.effects;
  }

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
  requestRender(options: { urgent: boolean }): void {
    if (this.ready) this.scheduler.request(options);
  }

  /** Startup is over: draw, then replay what was typed meanwhile, in order. */
  start(): void {
    this.ready = true;
    this.renderNow();
    for (const replay of this.early.splice(0)) replay();
  }

  private sessionsView(width: number): SessionsView {
    const s = this.current;
    const now = this.deps.clock();
    // The list of 1,000 sessions is rebuilt only when something it shows changed (not per streamed chunk).
    const key = [width, s.currentId, s.sessionCursor, [...s.busy].join(','), Math.floor(now / 60_000)].join(
      '|',
    );
    const memo = this.sessionsMemo;
    if (memo !== null && memo.key === key && memo.summaries === s.summaries) return memo.view;
    const view = sessionsViewFor(
      s,
      { now, projectId: s.facts.projectId, projectGroup: s.facts.projectGroup },
      width,
    );
    this.sessionsMemo = { key, summaries: s.summaries, view };
    return view;
  }

  renderNow(): void {
    try {
      const { screen, view } = this.deps;
      const state = this.current;
      const model = screenModel(state, {
        width: screen.width,
        height: screen.height,
        now: this.deps.clock(),
        projectId: state.facts.projectId,
        projectDir: state.facts.projectDir,
        // Read at each paint: approving a project's settings can change the limits.
        spendingLimit: this.ws.config.limits.max_session_spending,
        cache: this.linesOf(state.currentId ?? ''),
        items: currentItems(state),
        sessions: (w) => this.sessionsView(w),
      });
      this.model = model;
      view.paint(model);
      screen.render();
      this.dispatch({
        type: 'painted',
        sessionsTop: model.sessionsTop,
        conversation:
          state.currentId === null || model.conversation === null
            ? null
            : {
                sessionId: state.currentId,
                scroll: model.conversation.scroll,
                atTop: model.conversation.atTop,
              },
      });
    } catch (error) {
      // A render that throws is a bug: restore the terminal and let it surface, rather than draw garbage.
      this.onFatal(error);
    }
  }

  /** Runs an async action; its failure is shown in place and logged, never dropped. */
  run(
    what: string,
    action: () => Promise<void>,
    options: { untracked?: boolean; sessionId?: string } = {},
  ): void {
    const task = action().catch((error: unknown) => this.report(error, what, options.sessionId));
    // A turn lasts as long as the model talks: `settle` waits for actions, not for replies.
    if (options.untracked === true) return;
    this.pending.add(task);
    void task.finally(() => this.pending.delete(task));
  }

  /** A recoverable failure of one action: shown in place and logged. */
  report(error: unknown, what: string, sessionId?: string): void {
    const logProblem = this.deps.log.write(what, error);
    const about = sessionId === undefined ? {} : { sessionId };
    this.dispatch({ type: 'failed', what, message: getErrorMessage(error), logProblem, ...about });
  }

  /** Resolves when every action started so far (and those they started) has finished. */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
