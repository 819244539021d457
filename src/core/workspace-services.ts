/**
 * The part of the composition root that wires tools, approvals, MCP servers, jobs and schedules;
 * workspace.ts calls it, so that file stays a short list of domains, and adds the agents.
 */
import type { Workspace } from './api.js';
import type { CommandServices } from './commands/index.js';
import type { AgentConfig, OctoConfig } from './config/index.js';
import { systemTimers, type WorkspaceDeps } from './deps.js';
import type { EventBus } from './events.js';
import { JobManager, Scheduler } from './jobs/index.js';
import { declaredServers, loadConnect, McpManager, persistServer } from './mcp/index.js';
import { listProviders } from './provider/index.js';
import type { OctoPaths } from './store/index.js';
import {
  ApprovalGate,
  Approvals,
  type ChildNotes,
  builtinTools,
  createToolSet,
  READ_ONLY_TOOLS,
  type ConfigLayers,
  shellEnv,
  formatShellJob,
  ShellJobs,
  ToolSettings,
  type ApprovalCategory,
  type Tool,
  type ToolSet,
} from './tools/index.js';
import { askAboutProject, trustId, type ProjectTrust } from './trust/index.js';

export interface ServicesOptions {
  /** Categories granted without asking (the CLI's `--allow write,shell`). */
  allow?: readonly ApprovalCategory[];
  /**
   * True when someone answers 'approval.requested' (the TUI). False (the default, e.g. `octo run -p`):
   * a call that would ask is refused and the model is told it was not allowed.
   */
  interactive?: boolean;
}

export interface WorkspaceServices {
  /** The sessions' tool set: the built-in and MCP tools, and `extra` (the agents). */
  toolSet(extra: readonly Tool[]): ToolSet;
  /** An agent's tool set: only the names it is allowed, never other agents. */
  agentToolSet(agent: AgentConfig): ToolSet;
  jobs: JobManager;
  commands: CommandServices;
  api: Pick<Workspace, 'jobs' | 'mcp' | 'approvals'>;
  /** Starts MCP servers and asks about a project's settings, in the background. */
  start(): void;
  /** Everything but sessions: call after the sessions are closed. */
  close(): Promise<void>;
}

interface Inputs {
  deps: WorkspaceDeps;
  config: OctoConfig;
  paths: OctoPaths;
  projectDir: string;
  bus: EventBus;
  /** Each config file on its own (none when the configuration was given in code). */
  layers: ConfigLayers;
  /** What the project's file asks that reaches outside it, and what of it the user approved. */
  trust: ProjectTrust;
  /** Where the process groups of shell commands and MCP servers are noted while they run. */
  children: ChildNotes;
  options: ServicesOptions;
}

export function createServices(inputs: Inputs): WorkspaceServices {
  const { deps, config, paths, projectDir, bus, options } = inputs;
  const interactive = options.interactive === true;
  const { layers, trust, children } = inputs;
  const approvals = new Approvals(bus);
  const settings = ToolSettings.from(config, layers, projectDir, () =>
    trust.isApproved(trustId('tools', 'tools')),
  );
  const jobs = new JobManager(bus, deps.clock);
  const shellJobs = new ShellJobs((init) => jobs.start(init));
  // Both the project's key variables and the user's own ones they would replace stay out of commands.
  const secretNames = [config, trust.config()].flatMap((c) =>
    listProviders(c, deps.env).flatMap((provider) => provider.apiKeyEnv ?? []),
  );
  const builtins = builtinTools(() => {
    const shell = settings.shell();
    return {
      program: shell.program,
      timeoutMs: shell.timeout_ms,
      maxOutputBytes: shell.max_output_bytes,
      maxOutputChars: config.tools.max_output_chars,
      env: shellEnv(deps.env, secretNames),
      children,
    };
  }, shellJobs);
  const mcp = new McpManager({
    bus,
    env: deps.env,
    projectDir,
    settings: config.mcp,
    trust: {
      isApproved: (name) => trust.isApproved(trustId('mcpServer', name)),
      isDeclined: (name) => trust.isDeclined(trustId('mcpServer', name)),
      approve: (name) => trust.approve({ ids: [trustId('mcpServer', name)], remember: true }),
      onChange: (listener) => trust.onChange(listener),
    },
    interactive,
    children,
    load: loadConnect,
    ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
  });
  const gate = new ApprovalGate({
    approvals,
    mode: (tool, category) => settings.mode(tool, category),
    allow: options.allow ?? [],
    interactive,
  });
  const allowedDirs = (): readonly string[] => settings.allowedDirs();
  const searchBudgetMs = config.tools.search_budget_ms;
  const base = (): Tool[] => [...builtins, ...mcp.tools()];
  let stopAsking = (): void => {};
  const scheduler = new Scheduler({ jobs, timers: deps.timers ?? systemTimers, clock: deps.clock });

  return {
    toolSet: (extra) => createToolSet(() => [...base(), ...extra], { gate, allowedDirs, searchBudgetMs }),
    agentToolSet: (agent) => {
      const allowed = new Set(agent.tools ?? READ_ONLY_TOOLS.map((tool) => tool.schema.name));
      return createToolSet(() => base().filter((tool) => allowed.has(tool.schema.name)), {
        gate,
        allowedDirs,
        searchBudgetMs,
      });
    },
    jobs,
    commands: {
      mcp: {
        list: () => mcp.list(),
        add: (spec) => mcp.add(spec),
        spec: (name) => mcp.spec(name),
        approve: (name) => mcp.approve(name),
        restart: (name) => mcp.restart(name),
        persist: (spec) => persistServer(paths.userConfig, spec),
      },
      schedules: {
        add: (target, kind, ms, text) => scheduler.add(target, kind, ms, text),
        list: (sessionId) => scheduler.list(sessionId),
        cancel: (id) => scheduler.cancel(id),
      },
      jobs: { list: () => jobs.list(), cancel: (id) => jobs.cancel(id) },
    },
    api: {
      jobs: {
        list: () => jobs.list(),
        get: (id) => jobs.get(id),
        output: (id) => {
          const job = shellJobs.read(id);
          return job === null ? null : formatShellJob(id, job);
        },
        cancel: (id) => jobs.cancel(id),
      },
      mcp: { list: () => mcp.list(), settled: () => mcp.settled() },
      approvals: { pending: () => approvals.pending(), answer: (id, answer) => approvals.answer(id, answer) },
    },
    start: () => {
      mcp.start(declaredServers(config, layers));
      if (!interactive) return;
      stopAsking = askAboutProject(trust, approvals, (message) =>
        bus.emit('store.warning', { warning: { kind: 'storeIssue', path: 'trust.json', message } }),
      );
    },
    close: async () => {
      stopAsking();
      scheduler.closeAll();
      jobs.cancelAll();
      approvals.cancelAll();
      await Promise.all([mcp.close(), shellJobs.settled()]);
    },
  };
}
