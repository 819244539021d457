/**
 * The part of the composition root that wires tools, approvals, MCP servers, agents and schedules
 * (issue 5); workspace.ts calls it, so that file stays a short list of domains.
 */
import type { Workspace } from './api.js';
import type { CommandServices } from './commands/index.js';
import type { OctoConfig } from './config/schema.js';
import { systemTimers, type WorkspaceDeps } from './deps.js';
import { OctoError } from './errors.js';
import type { EventBus } from './events.js';
import { agentList, agentTool, AgentRunner, JobManager, Scheduler, trackCompressions } from './jobs/index.js';
import { declaredServers, loadConnect, McpManager, persistServer } from './mcp/index.js';
import { listProviders } from './provider/index.js';
import type { HandleDeps } from './session/handle.js';
import type { OctoPaths } from './store/types.js';
import {
  ApprovalGate,
  Approvals,
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
  tools: ToolSet;
  commands: CommandServices;
  api: Pick<Workspace, 'jobs' | 'mcp' | 'approvals'>;
  /**
   * Agents run sessions of their own; the session dependencies exist only once sessions are wired.
   * `interrupt` stops a session's work when the user cancels its compression job.
   */
  attachSessions(deps: () => HandleDeps, interrupt: (sessionId: string) => void): void;
  /** Starts MCP servers and, in the workspace, asks about what the project's config asks for. */
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
  options: ServicesOptions;
}

export function createServices(inputs: Inputs): WorkspaceServices {
  const { deps, config, paths, projectDir, bus, options } = inputs;
  const interactive = options.interactive === true;
  const { layers, trust } = inputs;
  const approvals = new Approvals(bus);
  const settings = ToolSettings.from(config, layers, projectDir, () =>
    trust.isApproved(trustId('tools', 'tools')),
  );
  const jobs = new JobManager(bus, deps.clock);
  let interruptSession: ((sessionId: string) => void) | null = null;
  const untrackCompressions = trackCompressions(bus, jobs, (sessionId) => interruptSession?.(sessionId));
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
      env: shellEnv(deps.env, secretNames),
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
  let sessionDeps: (() => HandleDeps) | null = null;
  const runner = new AgentRunner({
    jobs,
    sessionDeps: () => {
      if (sessionDeps === null)
        throw new OctoError('internal', 'An agent ran before the sessions were wired');
      return sessionDeps();
    },
    toolsFor: (agent) => {
      const allowed = new Set(agent.tools ?? READ_ONLY_TOOLS.map((tool) => tool.schema.name));
      return createToolSet(() => base().filter((tool) => allowed.has(tool.schema.name)), {
        gate,
        allowedDirs,
        searchBudgetMs,
      });
    },
  });
  // An agent's model from the project's file applies once approved: each call reads the config in force.
  const agentTools = agentList(config.agents).map((agent) =>
    agentTool(() => agentList(trust.config().agents).find((a) => a.name === agent.name) ?? agent, runner),
  );
  let stopAsking = (): void => {};
  const scheduler = new Scheduler({ jobs, timers: deps.timers ?? systemTimers, clock: deps.clock });

  return {
    tools: createToolSet(() => [...base(), ...agentTools], { gate, allowedDirs, searchBudgetMs }),
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
    attachSessions: (get, interrupt) => {
      sessionDeps = get;
      interruptSession = interrupt;
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
      untrackCompressions();
      scheduler.closeAll();
      jobs.cancelAll();
      approvals.cancelAll();
      await Promise.all([mcp.close(), shellJobs.settled()]);
    },
  };
}
