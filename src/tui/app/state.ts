/** The TUI's state as plain values: the view functions read it, the controller replaces parts of it. */
import type { ApprovalRequest, SessionHandle, SessionRecord, SessionSummary } from '../../core/api.js';
import type { BudgetFacts, ContextBreakdown } from '../../core/events.js';
import { emptyInput, type InputState } from '../input-state.js';
import type { PaneId } from '../layout.js';
import type { ConversationItem } from '../view/conversation-items.js';
import type { LiveReply } from '../view/conversation-window.js';
import type { JobRow, McpRow } from '../view/jobs-view.js';
import type { SearchBox } from '../view/overlay-view.js';

export interface Note {
  /** Shown after this many items of the session's history. */
  after: number;
  item: Extract<ConversationItem, { kind: 'note' }>;
}

/** What the conversation pane remembers per session while octo runs. */
export interface ConversationState {
  scroll: number;
  expanded: Set<string>;
  selected: string | null;
  notes: Note[];
  /** /clear hides the items before this index (the history itself is untouched). */
  clearedAt: number;
}

export interface AppState {
  summaries: SessionSummary[];
  /** The session on screen. */
  currentId: string | null;
  /** Open handles by session id: the current one and any whose turn still runs. */
  handles: Map<string, SessionHandle>;
  busy: Set<string>;
  /** The running turn of each busy session: a failure of another turn id does not end it. */
  turnIds: Map<string, string>;
  live: Map<string, LiveReply>;
  breakdown: ContextBreakdown | null;
  conversations: Map<string, ConversationState>;
  focus: PaneId;
  sessionCursor: string | null;
  sessionsTop: number;
  input: InputState;
  helpVisible: boolean;
  /** When the first Ctrl-C of a possible double press came (clock ms). */
  ctrlCAt: number | null;
  jobs: Map<string, JobRow>;
  /** The selected job in the Jobs pane. */
  jobCursor: string | null;
  /** A job's transcript or a shell job's output shown over the panes (records null while loading). */
  transcript: {
    jobId: string;
    title: string;
    records: readonly SessionRecord[] | null;
    /** A background shell command's output (raw: sanitised when drawn), instead of records. */
    output?: string;
    /** Lines scrolled up from the newest (0: the newest lines, following the job). */
    scroll?: number;
  } | null;
  /** MCP servers by name, in the order they were first reported. */
  mcp: Map<string, McpRow>;
  /** Files the model read that changed on disk since, per session (from session.filesStale). */
  stale: Map<string, string[]>;
  /** The search box, while open. */
  search: SearchBox | null;
  /** Set after the first paint: from then on the list marks projects whose directory is gone. */
  checkDirs: boolean;
  /** Sessions whose catch-up was shown (it comes from the handle and from an event). */
  caughtUp: Set<string>;
  /** Questions waiting for the user, oldest first. */
  approvals: ApprovalRequest[];
  /** A spending or token limit was reached: y raises it and continues, n stops (app/budget.ts). */
  budgetAsk: ({ sessionId: string } & BudgetFacts) | null;
  /** One line shown above the input (completion choices, Ctrl-C warning). */
  hint: { text: string; tone: 'info' | 'warning' | 'error' } | null;
}

export function initialState(): AppState {
  return {
    summaries: [],
    currentId: null,
    handles: new Map(),
    busy: new Set(),
    turnIds: new Map(),
    live: new Map(),
    breakdown: null,
    conversations: new Map(),
    focus: 'input',
    sessionCursor: null,
    sessionsTop: 0,
    input: emptyInput(),
    helpVisible: false,
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
    budgetAsk: null,
    hint: null,
  };
}

export function conversationOf(state: AppState, id: string): ConversationState {
  let conv = state.conversations.get(id);
  if (conv === undefined) {
    conv = { scroll: 0, expanded: new Set(), selected: null, notes: [], clearedAt: 0 };
    state.conversations.set(id, conv);
  }
  return conv;
}

export function currentHandle(state: AppState): SessionHandle | null {
  return state.currentId === null ? null : (state.handles.get(state.currentId) ?? null);
}
