import type { Env } from '../deps.js';
import type { ToolSchema } from '../provider/types.js';
import type { Usage } from '../store/records.js';

export interface ToolContext {
  /** The project directory tools are confined to. */
  projectDir: string;
  signal: AbortSignal;
  /** The session whose turn made the call (approvals "always" are remembered per session). */
  sessionId?: string;
  /** The model string of that turn (agents default to it). */
  model?: string;
  /** Folders outside the project that tools may also use (`tools.allowed_dirs`); set by the tool set. */
  allowedDirs?: readonly string[];
  /** How long a search (search_text, list_files) may take before it returns what it found. */
  searchBudgetMs?: number;
}

/** What a tool gives back; a failure is a value the model sees, not an exception. */
export interface ToolResult {
  ok: boolean;
  content: string;
  /** Tokens spent producing this result (an agent's conversation); counted into the caller's session. */
  usage?: Usage;
  /** USD spent producing this result; null when some price was unknown. */
  cost?: number | null;
  /** Size of what the tool really produced (a command's bytes of output), when `content` is already cut to fit. */
  fullSize?: number;
}

/**
 * What a call needs before it runs: `read` and `agent` run freely; the others ask according to
 * `[tools.approval]` (reading is free; writing and shell commands ask: README, "Command line").
 */
export type ToolAccess = 'read' | 'agent' | ApprovalCategory;

export type ApprovalCategory = 'write' | 'shell' | 'mcp';

export const APPROVAL_CATEGORIES: readonly ApprovalCategory[] = ['write', 'shell', 'mcp'];

/** A call whose arguments were checked: what to show when asking, and how to run it. */
export type Prepared =
  | { ready: true; summary: string; detail: string; run(): Promise<ToolResult> }
  | { ready: false; result: ToolResult };

export interface Tool {
  readonly schema: ToolSchema;
  readonly access: ToolAccess;
  /** Validates the arguments (and paths) without side effects, so nobody is asked about a call that cannot run. */
  prepare(args: unknown, context: ToolContext): Promise<Prepared>;
}

/** once: this call (or run); always: this tool for the rest of the session (or the project's settings until they change). */
export type ApprovalAnswer = 'once' | 'always' | 'deny';

/** What is asked about: a tool call, or what a project's config asks that reaches outside it. */
export type ApprovalKind = 'tool' | 'project';

export interface ApprovalRequest {
  requestId: string;
  kind: ApprovalKind;
  /** The session whose turn asks; null for workspace-wide questions (a project's config). */
  sessionId: string | null;
  /** The tool's name, or the project's config file. */
  tool: string;
  /** One line: what will happen. */
  summary: string;
  /** The full command, content or diff, for a closer look. */
  detail: string;
}

export interface ShellSettings {
  /** The shell that runs `-c COMMAND`. */
  program: string;
  /** Default and upper limit of a command's run time. */
  timeoutMs: number;
  /** Bytes of output kept while it runs (beginning and end). */
  maxOutputBytes: number;
  /** Characters of a result (tools.max_output_chars): the output is cut to fit, end and exit status kept. */
  maxOutputChars: number;
  /** The environment of the command (provider keys already removed). */
  env: Env;
  /** Where each command's process group is noted while it runs (stopped on the next start if octo is killed). */
  children?: ChildNotes;
}

/**
 * Notes of the process groups octo runs, kept while each runs so that the next octo can stop them
 * if this one is killed (`kill -9`). Neither method rejects: a failure is reported by the notes' owner.
 */
export interface ChildNotes {
  /** A group just started (its leader's pid is its group id). */
  add(pid: number, command: string): Promise<void>;
  /** The group is stopped: forget it. */
  remove(pid: number): Promise<void>;
}
