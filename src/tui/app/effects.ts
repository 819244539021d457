/**
 * Runs what the reducer asks for, through the workspace API only, and feeds each outcome back as an
 * event. Quick effects run at once; those that wait on the workspace run as the controller's actions,
 * whose failures are shown in place and logged.
 */
import type { SessionHandle, Workspace } from '../../core/api.js';
import { assertNever } from '../../core/errors.js';
import type { LineCache } from '../view/conversation-window.js';
import type { AppEvent, Effect } from './actions.js';
import { conversationSize } from './geometry.js';
import { currentItems } from './notes.js';
import { revealedScroll } from './scrolling.js';
import { conversationOf, type AppState } from './state.js';
import { windowInput } from './views.js';

/** Search hits asked for: a screenful and some. */
const SEARCH_LIMIT = 50;

/**
 * How a failed effect is named where it is shown ("Forking: ..."); untracked ones last as long as a
 * turn; `sessionId` where a queued message waits on it (app/queue.ts).
 */
function actionOf(effect: Effect): { what: string; untracked?: true; sessionId?: string } | null {
  switch (effect.kind) {
    case 'submit':
      return { what: 'Sending', untracked: true, sessionId: effect.sessionId };
    case 'continueAtLimit':
      return { what: 'Continuing after the limit', untracked: true };
    case 'command':
      return { what: `Running ${effect.line.split(/\s/)[0] ?? ''}`, sessionId: effect.sessionId };
    case 'open':
      return { what: 'Opening the session' };
    case 'takeOver':
      return { what: 'Taking the session over' };
    case 'openByName':
      return { what: 'Switching session' };
    case 'openHit':
      return { what: 'Opening the hit' };
    case 'create':
      return { what: 'Creating a session' };
    case 'rename':
      return { what: 'Renaming' };
    case 'fork':
      return { what: 'Forking' };
    case 'relist':
      return { what: 'Reading the session list' };
    case 'loadTranscript':
      return { what: 'Reading the transcript' };
    case 'search':
      return { what: 'Searching' };
    case 'resnapshot':
      return { what: 'Reading the session' };
    case 'loadEarlier':
      return { what: 'Reading earlier history' };
    case 'interrupt':
    case 'readContext':
    case 'reveal':
    case 'answer':
    case 'cancelJob':
    case 'readOutput':
    case 'exit':
      return null;
    default:
      return assertNever(effect, 'effect');
  }
}

/** What effects need of the controller (app/controller.ts), which runs them. */
export interface EffectHost {
  readonly ws: Workspace;
  readonly state: AppState;
  /** The open sessions' handles: what effects act on. */
  readonly handles: Map<string, SessionHandle>;
  dispatch(event: AppEvent): void;
  dispatchInOrder(event: AppEvent): Promise<void>;
  run(what: string, action: () => Promise<void>, options?: { untracked?: boolean; sessionId?: string }): void;
  linesOf(sessionId: string): LineCache;
  onExit: (code: number) => void;
  onFatal: (error: unknown) => void;
}

export class Effects {
  constructor(private readonly c: EffectHost) {}

  /** Runs one effect; one that waits on the workspace becomes an action (its failure reported). */
  perform(effect: Effect): void {
    const action = actionOf(effect);
    if (action === null) {
      // These finish at once and touch no disk: one that throws is a bug, and ends the workspace.
      this.execute(effect).catch((error: unknown) => this.c.onFatal(error));
      return;
    }
    const { what, ...options } = action;
    this.c.run(what, () => this.execute(effect), options);
  }

  /** Runs one effect to its end; a failure is the caller's. */
  async execute(effect: Effect): Promise<void> {
    const { c } = this;
    const { ws } = c;
    switch (effect.kind) {
      case 'submit':
        return this.submit(effect);
      case 'command': {
        const handle = c.handles.get(effect.sessionId);
        if (handle === undefined) return;
        const result = await handle.command(effect.line);
        const queued = effect.queued === undefined ? {} : { queued: effect.queued };
        this.dispatch({ type: 'commandDone', sessionId: effect.sessionId, result, ...queued });
        return;
      }
      case 'interrupt':
        c.handles.get(effect.sessionId)?.interrupt();
        return;
      case 'open': {
        const handle = c.handles.get(effect.sessionId) ?? (await ws.sessions.open(effect.sessionId));
        return this.opened(handle, effect.token);
      }
      case 'takeOver': {
        const handle = await ws.sessions.open(effect.sessionId);
        if (handle.readOnly) return;
        c.handles.set(handle.id, handle);
        this.dispatch({ type: 'tookOver', snapshot: handle.snapshot() });
        return;
      }
      case 'openByName': {
        const found = await ws.sessions.find(effect.name);
        if (found === null) {
          const closest = await ws.sessions.closestNames(effect.name);
          this.dispatch({ type: 'notFound', name: effect.name, closest });
          return;
        }
        return c.dispatchInOrder({ type: 'switch', sessionId: found.id });
      }
      case 'openHit':
        await c.dispatchInOrder({ type: 'switch', sessionId: effect.sessionId });
        this.dispatch({ type: 'hitShown', sessionId: effect.sessionId, seq: effect.seq });
        return;
      case 'create': {
        const handle = await ws.sessions.create(effect.name);
        await this.opened(handle, null);
        return this.relist();
      }
      case 'rename': {
        const summary = await ws.sessions.rename(effect.sessionId, effect.name);
        this.dispatch({ type: 'renamed', name: summary.name });
        return this.relist();
      }
      case 'fork': {
        const forked = await ws.sessions.fork(effect.sessionId, effect.name);
        await c.dispatchInOrder({ type: 'switch', sessionId: forked.id });
        this.dispatch({ type: 'forked', origin: effect.origin, name: forked.name });
        return this.relist();
      }
      case 'relist':
        return this.relist();
      case 'readContext': {
        const handle = c.handles.get(effect.sessionId);
        if (handle !== undefined)
          this.dispatch({ type: 'contextRead', sessionId: effect.sessionId, breakdown: handle.context() });
        return;
      }
      case 'resnapshot': {
        const handle = c.handles.get(effect.sessionId);
        if (handle !== undefined) this.dispatch({ type: 'resnapshotted', snapshot: handle.snapshot() });
        return;
      }
      case 'loadEarlier': {
        let read = false;
        try {
          await c.handles.get(effect.sessionId)?.loadEarlier();
          read = true;
        } finally {
          // The records came as a 'replaced' change meanwhile; a failure is reported by the action.
          this.dispatch({
            type: 'earlierLoaded',
            sessionId: effect.sessionId,
            then: read ? effect.then : null,
          });
        }
        return;
      }
      case 'reveal':
        return this.reveal(effect);
      case 'answer':
        // False: it was settled meanwhile (its turn stopped); the settled event may not have come yet.
        if (!ws.approvals.answer(effect.requestId, effect.answer))
          this.dispatch({ type: 'approvalGone', requestId: effect.requestId });
        return;
      case 'continueAtLimit': {
        const handle = c.handles.get(effect.sessionId);
        if (handle === undefined) return;
        handle.raiseLimit(effect.limit, effect.max);
        // The outcome arrives as turn.* events, like a sent prompt.
        await handle.continueTurn();
        return;
      }
      case 'cancelJob':
        this.dispatch({ type: 'jobCancelled', title: effect.title, ok: ws.jobs.cancel(effect.jobId) });
        return;
      case 'loadTranscript': {
        const { records } = await ws.sessions.show(effect.childSessionId);
        this.dispatch({ type: 'transcriptLoaded', jobId: effect.jobId, records });
        return;
      }
      case 'readOutput':
        this.dispatch({ type: 'outputRead', jobId: effect.jobId, output: ws.jobs.output(effect.jobId) });
        return;
      case 'search': {
        const hits = await ws.sessions.search(effect.query, { limit: SEARCH_LIMIT });
        this.dispatch({ type: 'searched', query: effect.query, hits });
        return;
      }
      case 'exit':
        c.onExit(effect.code);
        return;
      default:
        return assertNever(effect, 'effect');
    }
  }

  private dispatch(event: AppEvent): void {
    this.c.dispatch(event);
  }

  /** Sends unless the session became busy meanwhile; the outcome arrives as turn.* events. */
  private async submit(effect: Extract<Effect, { kind: 'submit' }>): Promise<void> {
    const handle = this.c.handles.get(effect.sessionId);
    if (handle === undefined) return;
    const queued = effect.queued === undefined ? {} : { queued: effect.queued };
    if (handle.isBusy()) {
      this.dispatch({ type: 'submitRefused', sessionId: effect.sessionId, ...queued });
      return;
    }
    this.dispatch({
      type: 'submitting',
      sessionId: effect.sessionId,
      fromInput: effect.fromInput,
      ...queued,
    });
    const outcome = await handle.submit(
      effect.text,
      effect.model === undefined ? {} : { model: effect.model },
    );
    // Nothing was written or sent: what the user typed must not vanish with the error.
    if (effect.fromInput && outcome.status === 'failed' && outcome.error?.code === 'provider_unconfigured')
      this.dispatch({ type: 'notSent', sessionId: effect.sessionId, text: effect.text });
  }

  /** The session's handle is kept for effects; the screen takes its snapshot. */
  private opened(handle: SessionHandle, token: number | null): Promise<void> {
    this.c.handles.set(handle.id, handle);
    return this.c.dispatchInOrder({ type: 'opened', snapshot: handle.snapshot(), token });
  }

  /** After the first paint the list also checks each project directory (a stat each: not at start-up). */
  private async relist(): Promise<void> {
    const summaries = await this.c.ws.sessions.list({ checkProjectDirs: this.c.state.checkDirs });
    this.dispatch({ type: 'listed', summaries });
  }

  /** Measures the conversation as the pane draws it, and scrolls so the target is in view. */
  private reveal(effect: Extract<Effect, { kind: 'reveal' }>): void {
    const state = this.c.state;
    if (state.currentId !== effect.sessionId) return;
    const input = windowInput(state, effect.sessionId, currentItems(state), conversationSize(state));
    const conv = conversationOf(state, effect.sessionId);
    const scroll = revealedScroll(input, this.c.linesOf(effect.sessionId), effect.target, conv);
    if (scroll !== null) this.dispatch({ type: 'scrolled', sessionId: effect.sessionId, scroll });
  }
}
