import type { McpServerConfig, OctoConfig } from '../config/index.js';
import type { Env } from '../deps.js';
import { getErrorMessage } from '../errors.js';
import type { EventBus } from '../events.js';
import { sanitizeLine } from '../text/index.js';
import type { ChildNotes, Tool } from '../tools/index.js';
import { adaptTool, offeredName } from './tool-adapter.js';
import type { Connect, McpConnection, McpOrigin, McpServerInfo, McpStatus } from './types.js';

export interface McpManagerDeps {
  bus: EventBus;
  env: Env;
  projectDir: string;
  settings: OctoConfig['mcp'];
  /** Whether each server the project's file declares may start (the project trust of the workspace). */
  trust: ServerTrust;
  /** False when nobody can approve a project's server (`octo run -p`). */
  interactive: boolean;
  /** Where each stdio server's process group is noted while it runs. */
  children?: ChildNotes;
  fetch?: typeof fetch;
  /** Loads the SDK adapter on first use. */
  load: () => Promise<Connect>;
}

interface Entry {
  spec: McpServerConfig;
  origin: McpOrigin;
  status: McpStatus;
  reason?: string;
  connection: McpConnection | null;
  tools: Tool[];
  /** Bumped on every (re)connect and stop, so a late result of an old attempt is dropped. */
  generation: number;
  /** The attempt in progress, so stopping can abandon it and wait for its process to be gone. */
  attempt: { controller: AbortController; done: Promise<void> } | null;
}

export type Declared = { spec: McpServerConfig; origin: McpOrigin };

/** The part of the project trust a manager needs: servers are named as in `[[mcp.servers]]`. */
export interface ServerTrust {
  isApproved(name: string): boolean;
  /** The user said no in this run. */
  isDeclined(name: string): boolean;
  /** `/mcp approve NAME`: remembered for the project. */
  approve(name: string): Promise<void>;
  onChange(listener: () => void): () => void;
}

const quote = (arg: string): string =>
  /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;

export function targetOf(spec: McpServerConfig): string {
  return sanitizeLine(spec.url ?? [spec.command ?? '', ...spec.args].map(quote).join(' '));
}

/**
 * The MCP servers of the workspace: each connects in the background, reports its status through
 * 'mcp.status', and offers its tools only while it is ready. A crash, a hang or garbage marks it
 * failed and removes its tools (docs/faults.md row 19); nothing here ever blocks start-up.
 */
export class McpManager {
  private readonly entries = new Map<string, Entry>();
  private readonly waiters = new Set<() => void>();
  private closed = false;
  private offTrust: (() => void) | null = null;

  constructor(private readonly deps: McpManagerDeps) {}

  start(declared: readonly Declared[]): void {
    this.offTrust ??= this.deps.trust.onChange(() => this.trustChanged());
    for (const { spec, origin } of declared) {
      this.entries.set(spec.name, {
        spec,
        origin,
        status: 'connecting',
        connection: null,
        tools: [],
        generation: 0,
        attempt: null,
      });
    }
    for (const entry of this.entries.values()) void this.begin(entry);
  }

  list(): McpServerInfo[] {
    return [...this.entries.values()].map((entry) => this.describe(entry));
  }

  private describe(entry: Entry): McpServerInfo {
    const pid = entry.connection?.pid ?? null;
    return {
      name: entry.spec.name,
      origin: entry.origin,
      transport: entry.spec.url === undefined ? 'stdio' : 'http',
      target: targetOf(entry.spec),
      status: entry.status,
      tools: entry.tools.map((tool) => tool.schema.name),
      ...(entry.reason === undefined ? {} : { reason: entry.reason }),
      ...(pid === null ? {} : { pid }),
    };
  }

  /**
   * Resolves once no server is connecting (each is ready, failed, waiting for approval or disabled):
   * for `octo run -p`, whose single turn should see the tools. The connect timeout bounds the wait.
   */
  settled(): Promise<McpServerInfo[]> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (!this.closed && [...this.entries.values()].some((entry) => entry.status === 'connecting')) return;
        this.waiters.delete(check);
        resolve(this.list());
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Tools of the servers that are ready right now. */
  tools(): Tool[] {
    return [...this.entries.values()].flatMap((entry) => (entry.status === 'ready' ? entry.tools : []));
  }

  spec(name: string): { spec: McpServerConfig; origin: McpOrigin } | null {
    const entry = this.entries.get(name);
    return entry === undefined ? null : { spec: entry.spec, origin: entry.origin };
  }

  /** `/mcp add`: a server for this run only. False when the name is taken. */
  add(spec: McpServerConfig): boolean {
    if (this.entries.has(spec.name) || this.closed) return false;
    const entry: Entry = {
      spec,
      origin: 'session',
      status: 'connecting',
      connection: null,
      tools: [],
      generation: 0,
      attempt: null,
    };
    this.entries.set(spec.name, entry);
    void this.connect(entry);
    return true;
  }

  /** Records the user's approval of a project's server (as typed `/mcp approve`); it then starts. */
  async approve(name: string): Promise<boolean> {
    const entry = this.entries.get(name);
    if (entry === undefined || entry.origin !== 'project') return false;
    await this.deps.trust.approve(name);
    return true;
  }

  /** Stops and starts a server again (after a crash, or to pick up a changed program). */
  async restart(name: string): Promise<boolean> {
    const entry = this.entries.get(name);
    if (entry === undefined || entry.status === 'needs-approval' || entry.status === 'disabled') return false;
    await this.stop(entry);
    await this.connect(entry);
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.offTrust?.();
    for (const waiter of [...this.waiters]) waiter();
    await Promise.all([...this.entries.values()].map((entry) => this.stop(entry)));
  }

  private async begin(entry: Entry): Promise<void> {
    if (!entry.spec.enabled) return this.setStatus(entry, 'disabled', 'enabled = false in the configuration');
    if (entry.origin !== 'project' || this.deps.trust.isApproved(entry.spec.name)) return this.connect(entry);
    this.setStatus(entry, 'needs-approval', this.waitingReason(entry));
  }

  /** docs/faults.md row 31: a server a project's file declares runs only once the user approved exactly this command. */
  private waitingReason(entry: Entry): string {
    if (this.deps.trust.isDeclined(entry.spec.name)) return 'declined by the user';
    const waiting = 'declared in the project’s .octo/config.toml and not approved yet';
    return this.deps.interactive
      ? waiting
      : `${waiting} (approve it with \`octo trust\`, or /mcp approve ${entry.spec.name} in the workspace)`;
  }

  /** An approval given (or refused) in the workspace, with /mcp approve or by `octo trust`. */
  private trustChanged(): void {
    for (const entry of this.entries.values()) {
      if (entry.origin !== 'project' || entry.status !== 'needs-approval') continue;
      if (this.deps.trust.isApproved(entry.spec.name)) void this.connect(entry);
      else if (entry.reason !== this.waitingReason(entry))
        this.setStatus(entry, 'needs-approval', this.waitingReason(entry));
    }
  }

  private async connect(entry: Entry): Promise<void> {
    if (this.closed) return;
    const generation = ++entry.generation;
    const controller = new AbortController();
    this.setStatus(entry, 'connecting');
    const done = this.attempt(entry, generation, controller.signal);
    entry.attempt = { controller, done };
    await done;
    if (entry.attempt?.done === done) entry.attempt = null;
  }

  private async attempt(entry: Entry, generation: number, signal: AbortSignal): Promise<void> {
    try {
      const connect = await this.deps.load();
      const connection = await connect(entry.spec, {
        env: this.deps.env,
        cwd: this.deps.projectDir,
        timeoutMs: this.deps.settings.connect_timeout_ms,
        callTimeoutMs: this.deps.settings.call_timeout_ms,
        signal,
        ...(this.deps.fetch === undefined ? {} : { fetch: this.deps.fetch }),
        onClosed: (reason) => this.lost(entry, generation, reason),
        ...(this.deps.children === undefined ? {} : { children: this.deps.children }),
      });
      if (generation !== entry.generation || this.closed) return await connection.close();
      entry.connection = connection;
      entry.tools = this.adapt(entry, connection);
      this.setStatus(entry, 'ready');
    } catch (error) {
      if (generation === entry.generation && !signal.aborted)
        this.setStatus(entry, 'failed', getErrorMessage(error));
    }
  }

  private adapt(entry: Entry, connection: McpConnection): Tool[] {
    const taken = new Set(this.tools().map((tool) => tool.schema.name));
    return connection.tools.map((remote) => {
      const name = offeredName(entry.spec.name, remote.name, taken);
      taken.add(name);
      return adaptTool(entry.spec.name, remote, name, (tool, args, signal) =>
        connection.call(tool, args, signal),
      );
    });
  }

  private lost(entry: Entry, generation: number, reason: string): void {
    if (generation !== entry.generation) return;
    entry.connection = null;
    entry.tools = [];
    this.setStatus(entry, 'failed', reason);
  }

  private async stop(entry: Entry): Promise<void> {
    entry.generation += 1;
    const { connection, attempt } = entry;
    entry.connection = null;
    entry.attempt = null;
    entry.tools = [];
    attempt?.controller.abort();
    await attempt?.done;
    if (connection !== null) await connection.close();
  }

  private setStatus(entry: Entry, status: McpStatus, reason?: string): void {
    entry.status = status;
    if (reason === undefined) delete entry.reason;
    else entry.reason = sanitizeLine(reason);
    if (this.closed) return;
    for (const waiter of [...this.waiters]) waiter();
    this.deps.bus.emit('mcp.status', {
      server: entry.spec.name,
      status,
      tools: entry.tools.length,
      ...(entry.reason === undefined ? {} : { reason: entry.reason }),
    });
  }
}
