/**
 * The workspace API: commands in, events out. The CLI and the TUI use only this. It is a leaf of the
 * dependency graph: it imports only the contract modules the domains own (docs/architecture.md
 * "The contract"), and the domains implement it.
 */
import type { CommandResult } from './commands/results.js';
import type { OctoConfig } from './config/schema.js';
import type { OctoError } from './errors.js';
import type { BudgetFacts, BudgetLimit, ContextBreakdown, OctoEventName, Listener } from './events.js';
import type { JobInfo } from './jobs/types.js';
import type { McpServerInfo } from './mcp/types.js';
import type { CatchUp, ProjectInfo } from './project/types.js';
import type { SearchHit } from './search/types.js';
import type { FinishReason, SessionRecord, SessionSummary } from './store/records.js';
import type { DoctorReport, LockHolder, OctoPaths } from './store/types.js';
import type { ApprovalAnswer, ApprovalRequest } from './tools/types.js';
import type { TrustEntry } from './trust/types.js';

export type * from './commands/results.js';
export type { BudgetFacts, BudgetLimit, ContextBreakdown } from './events.js';
export type { JobInfo, JobKind, JobStatus, ScheduleInfo } from './jobs/types.js';
export type { McpServerInfo, McpStatus, McpOrigin } from './mcp/types.js';
export type { CatchUp, ProjectInfo } from './project/types.js';

/** A local model server found running on its default port (the first run without a key). */
export interface LocalServer {
  provider: 'ollama' | 'lmstudio';
  /** Where it answered (host:port), for the user to read. */
  address: string;
  /** Model ids it offers, a few at most, sanitised. */
  models: string[];
}
export type * from './store/records.js';
export type { SearchHit } from './search/types.js';
export type { DoctorReport, LockHolder, OctoPaths, StoreWarning } from './store/types.js';
export type { ApprovalAnswer, ApprovalCategory, ApprovalKind, ApprovalRequest } from './tools/types.js';
export type { TrustEntry, TrustKind, TrustStatus } from './trust/types.js';

export interface ListOptions {
  /** Only sessions of this project (its older ids included); omitted means all projects. */
  projectId?: string;
  includeTrash?: boolean;
  /** Only the trash (sessions moved there by `trash`, newest first). */
  onlyTrash?: boolean;
  /** Check each project directory on disk and set `projectMissing` (a stat per directory: not for start-up). */
  checkProjectDirs?: boolean;
}

/** `fork`: the new session holds the history up to and including `atSeq` (all of it when absent). */
export interface ForkOptions {
  atSeq?: number;
}

export interface SearchOptions {
  /** Hits returned, best first (default 20). */
  limit?: number;
  /** Only sessions of this project. */
  projectId?: string;
  includeTrash?: boolean;
}

export interface OpenOptions {
  /** Create the session when no session has this name (`--name`). */
  create?: boolean;
  /** Open without taking the lock, following the file (second terminal). */
  readOnly?: boolean;
  /** Model string for a new session, or a switch recorded on an existing one. */
  model?: string;
}

export type TurnStatus = 'finished' | 'interrupted' | 'failed';

export interface TurnOutcome {
  status: TurnStatus;
  turnId: string;
  /**
   * The whole text of the turn as it was shown: every step's text, each step on its own line; on a
   * failed or interrupted turn, what streamed before it stopped.
   */
  reply: string;
  /** Model calls the turn made (on finished turns). */
  steps?: number;
  /** Why the last model call stopped; null when it never said (or no call was made). */
  finishReason?: FinishReason | null;
  error?: OctoError;
}

export interface SubmitOptions {
  /** Paths of files to attach (images, videos). */
  attachments?: string[];
  /** A model for this turn only (custom commands with `model`); the session's model is unchanged. */
  model?: string;
}

/**
 * Everything a front end shows of one open session, as one immutable value: nothing in it is shared
 * with the workspace's own state, and it never changes after it was taken. What changes later arrives
 * as events: 'session.recordsChanged' (continuing from `version`), 'session.updated', 'turn.*',
 * 'context.changed', 'session.filesStale', 'session.catchUp'. A remote workspace sends this when a
 * client attaches.
 */
export interface SessionSnapshot {
  readonly sessionId: string;
  /** Changes to `records` since the session was opened in its process; each event adds one. */
  readonly version: number;
  readonly summary: SessionSummary;
  readonly records: readonly SessionRecord[];
  /** Records before the first of `records`, not read yet (see SessionHandle.loadEarlier). */
  readonly earlierRecords: number;
  readonly readOnly: boolean;
  readonly holder: LockHolder | null;
  /** A turn or a compression is running. */
  readonly busy: boolean;
  readonly context: ContextBreakdown;
  readonly staleFiles: readonly string[];
  readonly catchUp: CatchUp | null;
}

/** One slash command as `/help` and completion show it. */
export interface CommandHelp {
  /** Without the slash: `info`. */
  name: string;
  usage: string;
  summary: string;
  /**
   * It changes the session, so it is refused while a turn or a compression runs (a front end may hold
   * it until then): always, or only when given arguments (`/knowledge` lists; `/knowledge pin 3` changes).
   */
  waitsForIdle?: 'always' | 'withArguments';
}

export interface SessionHandle {
  readonly id: string;
  readonly readOnly: boolean;
  /**
   * The process that writes this session when it is not this one: with `readOnly`, a view following
   * it; without, a session that process serves and this handle drives through it (`octo attach`).
   */
  readonly holder: LockHolder | null;
  /**
   * A read-only view follows the writer: records() and summary() change as it writes, each time with
   * 'session.updated'. To continue it here, fork it (`ws.sessions.fork`).
   */
  summary(): SessionSummary;
  /**
   * The records as they are now: an array that is never changed afterwards (a later write makes a new
   * one). A long session resumed from its resume point holds only its end at first (what the context
   * holds and the screen shows); `earlierRecords()` says how many come before, `loadEarlier()` reads them.
   */
  records(): readonly SessionRecord[];
  /** Records before the first of `records()`, not read yet (0 once all are). */
  earlierRecords(): number;
  /** Reads the records before the first loaded one; 'session.recordsChanged' (replaced) follows. */
  loadEarlier(): Promise<void>;
  /** Records, summary, state and context in one immutable value, with the version events continue from. */
  snapshot(): SessionSnapshot;
  /**
   * Files the model read that changed on disk since it read them, relative to the project (for the
   * context pane; 'session.filesStale' says when the list changes). Empty for a read-only view.
   */
  staleFiles(): string[];
  /** What happened in the project since the last message, once worked out ('session.catchUp'); null if nothing. */
  catchUp(): CatchUp | null;
  isBusy(): boolean;
  model(): string;
  /** Runs one turn; progress arrives as turn.* events, the promise settles when the turn ends. */
  submit(text: string, options?: SubmitOptions): Promise<TurnOutcome>;
  /** Cancels the running turn; its partial reply is kept, marked interrupted. */
  interrupt(): void;
  command(line: string): Promise<CommandResult>;
  /** What the next request holds, by category; counting starts in the background and `context.changed` follows. */
  context(): ContextBreakdown;
  /** The session-wide `[limits]` in force, with what is used of each. */
  limits(): BudgetFacts[];
  /**
   * After `budget.exceeded`, when the user agreed to go on (the workspace asks; a non-interactive run
   * never calls this): `max` holds for that limit until the session is closed. Not persisted.
   */
  raiseLimit(limit: BudgetLimit, max: number): void;
  /** Calls the model on the conversation as it stands, without a new message (after raiseLimit). */
  continueTurn(): Promise<TurnOutcome>;
  /** Interrupts a running turn or compression, waits for it, saves and releases the session. */
  close(): Promise<void>;
}

export interface Workspace {
  readonly config: OctoConfig;
  readonly paths: OctoPaths;
  /** The project of the directory octo was started in. */
  readonly project: ProjectInfo;
  readonly sessions: {
    list(options?: ListOptions): Promise<SessionSummary[]>;
    /** By exact name or id; null when none. Trashed sessions are not found. */
    find(nameOrId: string): Promise<SessionSummary | null>;
    /** Up to `limit` existing names closest to `name` (edit distance), for "did you mean". */
    closestNames(name: string, limit?: number): Promise<string[]>;
    /** The most recently updated session of a project (by the store's order, not the clock). */
    mostRecent(projectId: string): Promise<SessionSummary | null>;
    /** Create-or-resume by name (with create), or resume by name or id. */
    open(nameOrId: string, options?: OpenOptions): Promise<SessionHandle>;
    /** A new session; a name is generated when none is given. */
    create(name?: string, options?: { model?: string }): Promise<SessionHandle>;
    /** Full history without taking the lock. */
    show(nameOrId: string): Promise<{ summary: SessionSummary; records: readonly SessionRecord[] }>;
    rename(nameOrId: string, newName: string): Promise<SessionSummary>;
    trash(nameOrId: string): Promise<SessionSummary>;
    restore(nameOrId: string): Promise<SessionSummary>;
    export(nameOrId: string, format: 'md' | 'json'): Promise<string>;
    /**
     * A new session `newName` (parentId = the origin) holding the origin's history up to `atSeq`
     * (records copied, media linked). Works on a session another terminal is writing. Not opened.
     */
    fork(nameOrId: string, newName: string, options?: ForkOptions): Promise<SessionSummary>;
    /** Full text over all sessions (messages, tool outputs, file paths in tool calls), best first. */
    search(text: string, options?: SearchOptions): Promise<SearchHit[]>;
    /** Re-attaches a session to the project in `dir` (a moved checkout, by hand); tells the model. */
    move(nameOrId: string, dir: string): Promise<SessionSummary>;
  };
  /** Background jobs: agents, shell commands, compressions, schedules; running and recent (not kept across restarts). */
  readonly jobs: {
    list(): JobInfo[];
    get(id: string): JobInfo | null;
    /** A background shell command's status line and (capped, unsanitised) output; null for other jobs. */
    output(id: string): string | null;
    /** False when no running job has this id. An agent's caller gets "cancelled" as its tool result. */
    cancel(id: string): boolean;
  };
  /** MCP servers; each connects in the background and reports through 'mcp.status'. */
  readonly mcp: {
    list(): McpServerInfo[];
    /**
     * Resolves when no server is still connecting (bounded by `[mcp] connect_timeout_ms`). Start-up
     * never waits for servers; `octo run -p` awaits this before its turn so the model sees their tools.
     */
    settled(): Promise<McpServerInfo[]>;
  };
  /**
   * What the project's `.octo/config.toml` asks that reaches outside the repository (providers, models,
   * MCP servers, tool settings, the trash): nothing of it is used before the user approves it.
   */
  readonly trust: {
    readonly projectFile: string;
    entries(): TrustEntry[];
    /** Not approved; `octo run -p` refuses to run while any is. */
    pending(): TrustEntry[];
    /** All pending ones when `ids` is absent; remembered per project and content hash, or for this run. */
    approve(options: { ids?: readonly string[]; remember: boolean }): Promise<void>;
    /** Forgets every approval of this project; how many were remembered. */
    revoke(): Promise<number>;
  };
  /** The core's slash commands (those `handle.command` runs), for help and completion. */
  commandHelp(): CommandHelp[];
  /**
   * Whether a model can be called as configured, and the local servers that could stand in (the first
   * run without a key). Absent from a workspace that cannot tell (one attached over the network).
   */
  readonly providers?: {
    /** Why `model` cannot be called (no key, unknown provider), with how to set one up; null when it can. */
    problem(model: string): string | null;
    /** Ollama (127.0.0.1:11434) and LM Studio (127.0.0.1:1234) found answering with a model list. */
    findLocal(): Promise<LocalServer[]>;
  };
  /** Questions raised by 'approval.requested' (tool calls, what a project's config asks). */
  readonly approvals: {
    /** Those still waiting, for a UI that subscribes after they were raised. */
    pending(): ApprovalRequest[];
    /** False when the question is no longer waiting. */
    answer(requestId: string, answer: ApprovalAnswer): boolean;
  };
  /**
   * Subscribing to 'session.listChanged' also starts watching index.db, so that sessions created or
   * changed by another terminal arrive as `{ reason: 'external' }` within a second (one-shot commands
   * that never subscribe pay nothing for it).
   */
  on<K extends OctoEventName>(name: K, listener: Listener<K>): () => void;
  /** With `reindex`, index.db and the search index are rebuilt from the session files. */
  /** `clean` removes the leftovers of interrupted work that are safe to remove (see the report). */
  doctor(options: { reindex: boolean; clean?: boolean }): Promise<DoctorReport>;
  /** Interrupts running turns, cancels jobs and schedules, stops MCP servers, releases locks, closes files. */
  close(): Promise<void>;
}
