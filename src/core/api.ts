/**
 * The workspace API (DESIGN.md §2): commands in, events out. The CLI and the TUI use only this.
 */
import type { OctoConfig } from './config/schema.js';
import type { OctoError } from './errors.js';
import type { ContextBreakdown, OctoEventName, Listener } from './events.js';
import type { DoctorReport, LockHolder, OctoPaths } from './store/types.js';
import type { SessionRecord, SessionSummary } from './session/types.js';

export interface ProjectInfo {
  /** Stable identity of the project (survives moves once issue 6 lands). */
  id: string;
  /** The project's root directory (git root, or the directory itself outside git). */
  dir: string;
}

export interface ListOptions {
  /** Only sessions of this project; omitted means all projects. */
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
  /** The final assistant text of the turn (possibly partial when interrupted). */
  reply: string;
  error?: OctoError;
}

export interface SubmitOptions {
  /** Paths of files to attach (images, videos). */
  attachments?: string[];
}

/** The typed result of a slash command; the TUI renders it, the CLI prints it or its JSON. */
export type CommandResult =
  | { type: 'message'; level: 'info' | 'warning' | 'error'; text: string }
  | { type: 'modelChanged'; model: string; previous: string }
  | { type: 'unknown'; name: string; suggestions: string[] };

export interface SessionHandle {
  readonly id: string;
  readonly readOnly: boolean;
  /** Present when read-only because another process writes this session. */
  readonly holder: LockHolder | null;
  summary(): SessionSummary;
  records(): readonly SessionRecord[];
  isBusy(): boolean;
  model(): string;
  /** Runs one turn; progress arrives as turn.* events, the promise settles when the turn ends. */
  submit(text: string, options?: SubmitOptions): Promise<TurnOutcome>;
  /** Cancels the running turn; its partial reply is kept, marked interrupted. */
  interrupt(): void;
  command(line: string): Promise<CommandResult>;
  context(): ContextBreakdown;
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
  };
  on<K extends OctoEventName>(name: K, listener: Listener<K>): () => void;
  doctor(options: { reindex: boolean }): Promise<DoctorReport>;
  /** Interrupts running turns, releases locks, closes files. */
  close(): Promise<void>;
}
