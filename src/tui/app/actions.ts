/**
 * What reaches the reducer (events: the workspace's, the terminal's, and the outcomes of effects) and
 * what it asks for in return (effects: commands to the workspace and to the view, as data). The
 * controller runs the effects (app/effects.ts) and feeds their outcomes back as events.
 */
import type {
  ApprovalAnswer,
  ApprovalRequest,
  BudgetLimit,
  CommandResult,
  JobInfo,
  McpServerInfo,
  SearchHit,
  SessionSnapshot,
} from '../../core/api.js';
import type { ContextBreakdown, OctoEvent } from '../../core/events.js';
import type { LocalServer, SessionRecord, SessionSummary } from '../../core/api.js';
import type { PaneId } from '../layout.js';
import type { AppState, Tone } from './state.js';

/** A key as the terminal reported it (neo-blessed's names: `C-n`, `S-tab`, `enter`). */
export interface KeyPress {
  full: string;
  /** The character typed, for printable keys. */
  ch?: string | undefined;
  ctrl?: boolean | undefined;
  meta?: boolean | undefined;
}

export type AppEvent =
  /** Something happened in the workspace; `at` is the screen's clock when it arrived. */
  | { type: 'workspace'; event: OctoEvent; at: number }
  /** What the workspace already had when the screen subscribed (later changes arrive as events). */
  | {
      type: 'seeded';
      jobs: readonly JobInfo[];
      mcp: readonly McpServerInfo[];
      approvals: readonly ApprovalRequest[];
    }
  | { type: 'key'; key: KeyPress; at: number }
  /** A bracketed paste, whole (input-filter.ts): text for the input, never keys. */
  | { type: 'paste'; text: string }
  /** A click, already hit-tested by the view: the session under it in the Sessions pane, if any. */
  | { type: 'click'; pane: PaneId; sessionId: string | null }
  | { type: 'wheel'; pane: PaneId; direction: 1 | -1 }
  | { type: 'resize'; width: number; height: number }
  /**
   * What the last paint settled on: the Sessions pane's top line and the conversation's clamped scroll
   * (`atTop`: the first item is in view).
   */
  | {
      type: 'painted';
      sessionsTop: number;
      conversation: { sessionId: string; scroll: number; atTop: boolean } | null;
    }
  /** The first paint is done: from now on the list checks project directories. */
  | { type: 'firstPainted' }
  | { type: 'hint'; text: string | null; tone: Tone }
  | { type: 'listed'; summaries: readonly SessionSummary[] }
  /** A session was opened (`token` null: show it whatever was chosen meanwhile). */
  | { type: 'opened'; snapshot: SessionSnapshot; token: number | null }
  /** The writer a read-only view followed left, and this workspace took the session over: its new handle. */
  | { type: 'tookOver'; snapshot: SessionSnapshot }
  /** Show a session: at once when it is open here, else an `open` effect follows. */
  | { type: 'switch'; sessionId: string }
  | { type: 'picker' }
  | { type: 'notFound'; name: string; closest: readonly string[] }
  | { type: 'renamed'; name: string }
  | { type: 'forked'; origin: string; name: string }
  | { type: 'hitShown'; sessionId: string; seq: number }
  /** The records before the loaded ones were read (`then` when that succeeded, else null). */
  | { type: 'earlierLoaded'; sessionId: string; then: EarlierThen }
  /** A core command ran in `sessionId` (`queued`: it was typed ahead). */
  | { type: 'commandDone'; sessionId: string; result: CommandResult; queued?: number }
  /** The submit effect found the session free (the text leaves the input) or busy (it stays). */
  | { type: 'submitting'; sessionId: string; fromInput: boolean; queued?: number }
  | { type: 'submitRefused'; sessionId: string; queued?: number }
  /** The turn could not start (no provider key): the text the user typed goes back to the input. */
  | { type: 'notSent'; sessionId: string; text: string }
  /** The open session's model cannot be called (no key): what to do about it, on the first screen. */
  | { type: 'providerMissing'; model: string; problem: string }
  /** Local model servers found running (or none), after the first paint. */
  | { type: 'localServers'; servers: readonly LocalServer[] }
  | { type: 'contextRead'; sessionId: string; breakdown: ContextBreakdown }
  | { type: 'resnapshotted'; snapshot: SessionSnapshot }
  | { type: 'scrolled'; sessionId: string; scroll: number }
  | { type: 'searched'; query: string; hits: readonly SearchHit[] }
  | { type: 'transcriptLoaded'; jobId: string; records: readonly SessionRecord[] }
  | { type: 'outputRead'; jobId: string; output: string | null }
  | { type: 'jobCancelled'; title: string; ok: boolean }
  /** The answer came too late: the question was settled meanwhile. */
  | { type: 'approvalGone'; requestId: string }
  /** An action failed: shown in place (the error itself went to the log). */
  | { type: 'failed'; what: string; message: string; logProblem: string | null; sessionId?: string };

/** What follows reading the earlier records: the top of the history, a search hit's message, or nothing. */
export type EarlierThen = 'top' | { seq: number } | null;

/** Where a `reveal` puts the item: just into view, at the top of the pane, or the start of the history. */
export type RevealTarget = { key: string; align: 'nearest' | 'top' } | { start: true };

export type Effect =
  /** `queued`: the id of a message typed ahead (app/queue.ts), which leaves the queue once taken. */
  | { kind: 'submit'; sessionId: string; text: string; model?: string; fromInput: boolean; queued?: number }
  | { kind: 'command'; sessionId: string; line: string; queued?: number }
  | { kind: 'interrupt'; sessionId: string }
  | { kind: 'open'; sessionId: string; token: number }
  /** Swap a read-only view's handle for the writable one the workspace opened when its writer left. */
  | { kind: 'takeOver'; sessionId: string }
  | { kind: 'openByName'; name: string }
  | { kind: 'openHit'; sessionId: string; seq: number }
  | { kind: 'create'; name?: string }
  | { kind: 'rename'; sessionId: string; name: string }
  | { kind: 'fork'; sessionId: string; name: string; origin: string }
  | { kind: 'relist' }
  | { kind: 'readContext'; sessionId: string }
  /** Records arrived out of order: take the session's snapshot again (`resnapshotted`). */
  | { kind: 'resnapshot'; sessionId: string }
  /** Read the records before the loaded ones (`earlierLoaded` follows). */
  | { kind: 'loadEarlier'; sessionId: string; then: EarlierThen }
  /** Scroll the conversation so the target is in view: the view measures lines, the reducer cannot. */
  | { kind: 'reveal'; sessionId: string; target: RevealTarget }
  | { kind: 'answer'; requestId: string; answer: ApprovalAnswer }
  | { kind: 'continueAtLimit'; sessionId: string; limit: BudgetLimit; max: number }
  | { kind: 'cancelJob'; jobId: string; title: string }
  | { kind: 'loadTranscript'; jobId: string; childSessionId: string }
  | { kind: 'readOutput'; jobId: string }
  | { kind: 'search'; query: string }
  | { kind: 'exit'; code: number };

/** The reducer's answer: the next state and what to do. `quiet`: nothing on screen changed. */
export interface Step {
  readonly state: AppState;
  readonly effects: readonly Effect[];
  readonly quiet?: boolean;
}

export function step(state: AppState, ...effects: Effect[]): Step {
  return { state, effects };
}

/** Runs `next` on the state `first` left, keeping both steps' effects in order. */
export function andThen(first: Step, next: (state: AppState) => Step): Step {
  const second = next(first.state);
  const effects = first.effects.length === 0 ? second.effects : [...first.effects, ...second.effects];
  return first.quiet === true && second.quiet === true
    ? { state: second.state, effects, quiet: true }
    : { state: second.state, effects };
}
