import type { McpServerConfig } from '../config/schema.js';
import type { Env } from '../deps.js';
import type { ChildNotes, ToolResult } from '../tools/types.js';

export type McpStatus = 'connecting' | 'ready' | 'failed' | 'needs-approval' | 'disabled';

/** Where a server was declared: the user's file, a project's file (approval needed), or `/mcp add`. */
export type McpOrigin = 'user' | 'project' | 'session';

/** What the workspace shows of a server (`ws.mcp.list()`, `/mcp`). */
export interface McpServerInfo {
  name: string;
  origin: McpOrigin;
  transport: 'stdio' | 'http';
  /** The command line or URL (headers are never shown: they often hold tokens). */
  target: string;
  status: McpStatus;
  /** Tool names as offered to the model (SERVER__TOOL). */
  tools: string[];
  /** Why it failed or waits. */
  reason?: string;
  /** Process id of a running stdio server. */
  pid?: number;
}

/** A tool as a server describes it, already sanitised. */
export interface RemoteTool {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  /** The server marks it read-only (readOnlyHint): it then runs without asking. */
  readOnly: boolean;
}

export interface ConnectOptions {
  env: Env;
  /** Working directory of a stdio server when its config sets none. */
  cwd: string;
  timeoutMs: number;
  callTimeoutMs: number;
  /** Abandons a connection attempt (the workspace closes, the server is restarted). */
  signal: AbortSignal;
  fetch?: typeof fetch;
  /** The connection ended without close() being called: crash, exit, garbage, hang. */
  onClosed(reason: string): void;
  /** Where a stdio server's process group is noted while it runs. */
  children?: ChildNotes;
}

/** One live server; the adapter over the SDK client implements it. */
export interface McpConnection {
  readonly tools: readonly RemoteTool[];
  /** Process id of a stdio server; null over HTTP. */
  readonly pid: number | null;
  call(tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolResult>;
  close(): Promise<void>;
}

export type Connect = (spec: McpServerConfig, options: ConnectOptions) => Promise<McpConnection>;
