/**
 * The TUI's state as immutable values: `reduce` (app/reduce.ts) makes a new state from the old one and
 * an event, the view functions read it. Nothing in it is shared with the workspace: a session's records
 * are its snapshot, followed through 'session.recordsChanged'.
 */
import type {
  ApprovalAnswer,
  ApprovalRequest,
  CatchUp,
  CommandHelp,
  SessionSnapshot,
} from '../../core/api.js';
import type { BudgetFacts, ContextBreakdown } from '../../core/events.js';
import type { LockHolder } from '../../core/store/types.js';
import type { SessionRecord, SessionSummary } from '../../core/api.js';
import { emptyInput, type InputState } from '../input-state.js';
import type { PaneId, SidePanes } from '../layout.js';
import type { ConversationItem } from '../view/conversation-items.js';
import type { LiveReply } from '../view/conversation-window.js';
import type { JobRow, McpRow } from '../view/jobs-view.js';
import type { SearchBox } from '../view/overlay-view.js';

export type Tone = 'info' | 'warning' | 'error';

export interface Note {
  /** Shown after this many items of the session's history. */
  after: number;
  item: Extract<ConversationItem, { kind: 'note' }>;
}

/** What the conversation pane remembers per session while octo runs. */
export interface ConversationState {
  readonly scroll: number;
  readonly expanded: ReadonlySet<string>;
  readonly selected: string | null;
  readonly notes: readonly Note[];
  /** /clear hides the items before this index (the history itself is untouched). */
  readonly clearedAt: number;
}

/** A session open in this workspace: its snapshot, kept up to date by events. */
export interface OpenSessionState {
  readonly id: string;
  readonly summary: SessionSummary;
  readonly records: readonly SessionRecord[];
  /** The version of `records` ('session.recordsChanged' continues from it). */
  readonly version: number;
  /**
   * Records before the first of `records`, not read yet (a long session resumed from its end): read
   * when the conversation reaches its top, Home is pressed or a search hit lies among them.
   */
  readonly earlier: number;
  /** Those records are being read (asked once). */
  readonly loadingEarlier: boolean;
  readonly readOnly: boolean;
  readonly holder: LockHolder | null;
  /**
   * Why the process this screen reached the session through (octo attach) can no longer be reached;
   * null while it can, and for a session open here. A detached session is read-only.
   */
  readonly detached: string | null;
  /** What happened in the project since its last message, once known. */
  readonly catchUp: CatchUp | null;
}

/** A job's transcript or a shell job's output shown over the panes (records null while loading). */
export interface Transcript {
  readonly jobId: string;
  readonly title: string;
  readonly records: readonly SessionRecord[] | null;
  /** A background shell command's output (raw: sanitised when drawn), instead of records. */
  readonly output?: string;
  /** Lines scrolled up from the newest (0: the newest lines, following the job). */
  readonly scroll?: number;
}

/** What the workspace told the screen once, at start: the same for the whole run. */
export interface WorkspaceFacts {
  readonly projectId: string;
  readonly projectDir: string;
  readonly projectGroup?: string | undefined;
  /** The core's slash commands, for /help and completion. */
  readonly commands: readonly CommandHelp[];
}

/** The command menu's choice for the text typed, or that it was closed for that text (app/command-menu.ts). */
export interface MenuState {
  readonly text: string;
  readonly index: number;
  readonly closed: boolean;
}

/** A message typed ahead, waiting for its session to be free (app/queue.ts). */
export interface QueuedMessage {
  readonly id: number;
  /** The prompt (folded pastes put back), or the slash command line. */
  readonly text: string;
  readonly command: boolean;
}

export interface AppState {
  readonly facts: WorkspaceFacts;
  /** The terminal's size, for paging by the pane's height. */
  readonly screen: { readonly width: number; readonly height: number };
  readonly summaries: readonly SessionSummary[];
  /** The session on screen. */
  readonly currentId: string | null;
  /** Sessions open here: the current one and any whose turn still runs. */
  readonly open: ReadonlyMap<string, OpenSessionState>;
  readonly busy: ReadonlySet<string>;
  /** Sessions whose compression runs (a /summarize): busy too, without a turn. */
  readonly compacting: ReadonlySet<string>;
  /** The running turn of each busy session: a failure of another turn id does not end it. */
  readonly turnIds: ReadonlyMap<string, string>;
  readonly live: ReadonlyMap<string, LiveReply>;
  readonly breakdown: ContextBreakdown | null;
  readonly conversations: ReadonlyMap<string, ConversationState>;
  readonly focus: PaneId;
  /** Side panes by the terminal's width, or as the user chose with the key (layout.ts). */
  /** Each reply's tokens and cost shown in the conversation (F3). */
  readonly showCosts: boolean;
  readonly sidePanes: SidePanes;
  readonly sessionCursor: string | null;
  /** The first line the Sessions pane draws (the view keeps the cursor in sight and reports it). */
  readonly sessionsTop: number;
  readonly input: InputState;
  /**
   * What was typed in the input of each session not on screen (app/sessions.ts): it comes back with its
   * session, and is never sent into another. A read-only view's text stays its own the same way.
   */
  readonly drafts: ReadonlyMap<string, InputState>;
  readonly helpVisible: boolean;
  /** Lines of the help scrolled past (clamped when drawn). */
  readonly helpScroll: number;
  readonly menu: MenuState;
  /** When the first Ctrl-C of a possible double press came (clock ms). */
  readonly ctrlCAt: number | null;
  readonly jobs: ReadonlyMap<string, JobRow>;
  /** The selected job in the Jobs pane. */
  readonly jobCursor: string | null;
  readonly transcript: Transcript | null;
  /** MCP servers by name, in the order they were first reported. */
  readonly mcp: ReadonlyMap<string, McpRow>;
  /** Files the model read that changed on disk since, per session (from session.filesStale). */
  readonly stale: ReadonlyMap<string, readonly string[]>;
  /** The search box, while open. */
  readonly search: SearchBox | null;
  /** Set after the first paint: from then on the list marks projects whose directory is gone. */
  readonly checkDirs: boolean;
  /** Sessions whose catch-up was shown (it comes with the snapshot and as an event). */
  readonly caughtUp: ReadonlySet<string>;
  /** Questions waiting for the user, oldest first. */
  readonly approvals: readonly ApprovalRequest[];
  /** The answer chosen (Left/Right) in the box of the question in front, given with Enter (app/question.ts). */
  readonly questionChoice: ApprovalAnswer | 'raise' | 'stop' | null;
  /** When the question in front appeared (null: waiting from before the screen; its guard starts at a key). */
  readonly questionShownAt: number | null;
  /** A spending or token limit was reached: raise it and continue, or stop, asked in the box (app/budget.ts). */
  readonly budgetAsk: ({ sessionId: string } & BudgetFacts) | null;
  /** One line shown above the input (completion choices, Ctrl-C warning). */
  readonly hint: { text: string; tone: Tone } | null;
  /** Messages typed ahead, per session, oldest first. */
  readonly queued: ReadonlyMap<string, readonly QueuedMessage[]>;
  /** The queued message of each session sent and not yet taken (or the command still running). */
  readonly queueSending: ReadonlyMap<string, number>;
  /** Sessions whose queue waits for Enter (their turn was cancelled or failed). */
  readonly queueHeld: ReadonlySet<string>;
  /** Makes queued message ids unique. */
  readonly queueCount: number;
  /** Bumped per session switch: a late open must not replace a later choice. */
  readonly switchToken: number;
  /** Makes note keys unique. */
  readonly noteCount: number;
}

export function initialState(facts: WorkspaceFacts, screen: { width: number; height: number }): AppState {
  return {
    facts,
    screen,
    summaries: [],
    currentId: null,
    open: new Map(),
    busy: new Set(),
    compacting: new Set(),
    turnIds: new Map(),
    live: new Map(),
    breakdown: null,
    conversations: new Map(),
    focus: 'input',
    sidePanes: 'auto',
    showCosts: false,
    sessionCursor: null,
    sessionsTop: 0,
    input: emptyInput(),
    drafts: new Map(),
    helpVisible: false,
    helpScroll: 0,
    menu: { text: '', index: 0, closed: false },
    ctrlCAt: null,
    jobs: new Map(),
    jobCursor: null,
    transcript: null,
    mcp: new Map(),
    stale: new Map(),
    search: null,
    checkDirs: false,
    caughtUp: new Set(),
    approvals: [],
    questionChoice: null,
    questionShownAt: null,
    budgetAsk: null,
    hint: null,
    queued: new Map(),
    queueSending: new Map(),
    queueHeld: new Set(),
    queueCount: 0,
    switchToken: 0,
    noteCount: 0,
  };
}

const EMPTY_CONVERSATION: ConversationState = {
  scroll: 0,
  expanded: new Set(),
  selected: null,
  notes: [],
  clearedAt: 0,
};

export function conversationOf(state: AppState, id: string): ConversationState {
  return state.conversations.get(id) ?? EMPTY_CONVERSATION;
}

/** The state with one session's conversation state changed. */
export function withConversation(
  state: AppState,
  id: string,
  change: (conv: ConversationState) => Partial<ConversationState>,
): AppState {
  const conv = conversationOf(state, id);
  return { ...state, conversations: setIn(state.conversations, id, { ...conv, ...change(conv) }) };
}

export function currentSession(state: AppState): OpenSessionState | null {
  return state.currentId === null ? null : (state.open.get(state.currentId) ?? null);
}

/** A turn or a compression runs in the session: a new message would be refused. */
export function isBusy(state: AppState, id: string): boolean {
  return state.busy.has(id) || state.compacting.has(id);
}

/** The session open state of a snapshot (what a front end keeps of it). */
export function fromSnapshot(snapshot: SessionSnapshot): OpenSessionState {
  return {
    id: snapshot.sessionId,
    summary: snapshot.summary,
    records: snapshot.records,
    version: snapshot.version,
    earlier: snapshot.earlierRecords,
    loadingEarlier: false,
    readOnly: snapshot.readOnly,
    holder: snapshot.holder,
    detached: null,
    catchUp: snapshot.catchUp,
  };
}

export function setIn<K, V>(map: ReadonlyMap<K, V>, key: K, value: V): ReadonlyMap<K, V> {
  return new Map(map).set(key, value);
}

export function deleteIn<K, V>(map: ReadonlyMap<K, V>, key: K): ReadonlyMap<K, V> {
  if (!map.has(key)) return map;
  const next = new Map(map);
  next.delete(key);
  return next;
}

export function addTo<T>(set: ReadonlySet<T>, value: T): ReadonlySet<T> {
  return set.has(value) ? set : new Set(set).add(value);
}

export function removeFrom<T>(set: ReadonlySet<T>, value: T): ReadonlySet<T> {
  if (!set.has(value)) return set;
  const next = new Set(set);
  next.delete(value);
  return next;
}
