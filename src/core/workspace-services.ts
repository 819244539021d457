/**
 * The part of the composition root that wires tools, approvals, MCP servers, agents and schedules
 * (issue 5); workspace.ts calls it, so that file stays a short list of domains.
 */
import type { Workspace } from './api.js';
import type { CommandServices } from './commands/index.js';
import type { OctoConfig } from './config/schema.js';
import { systemTimers, type WorkspaceDeps } from './deps.js';
import { getErrorMessage, OctoError } from './errors.js';
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
  projectToolSettings,
  READ_ONLY_TOOLS,
  type ConfigLayers,
  shellEnv,
  formatShellJob,
  ShellJobs,
  ToolSettings,
  TrustStore,
  type ApprovalCategory,
  type Tool,
  type ToolSet,
} from './tools/index.js';

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
  options: ServicesOptions;
}

export async function createServices(inputs: Inputs): Promise<WorkspaceServices> {
  const { deps, config, paths, projectDir, bus, options } = inputs;
  const interactive = options.interactive === true;
  const { layers } = inputs;
  const approvals = new Approvals(bus);
  const trust = new TrustStore(paths.data, () => deps.clock.now());
  const projectSettings = projectToolSettings(layers);
  const settingsKey = TrustStore.key(projectDir, 'projectSetting', 'tools');
  const approved = projectSettings === null || (await trust.isTrusted(settingsKey, projectSettings.hash));
  const settings = ToolSettings.from(config, layers, projectDir, approved);
  const jobs = new JobManager(bus, deps.clock);
  let interruptSession: ((sessionId: string) => void) | null = null;
  const untrackCompressions = trackCompressions(bus, jobs, (sessionId) => interruptSession?.(sessionId));
  const shellJobs = new ShellJobs((init) => jobs.start(init));
  const secretNames = listProviders(config, deps.env).flatMap((provider) => provider.apiKeyEnv ?? []);
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
    approvals,
    trust,
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
      });
    },
  });
  const agentTools = agentList(config.agents).map((agent) => agentTool(agent, runner));
  const scheduler = new Scheduler({ jobs, timers: deps.timers ?? systemTimers, clock: deps.clock });

  const askAboutProjectSettings = async (): Promise<void> => {
    if (approved || projectSettings === null || !interactive) return;
    const answer = await approvals.ask({
      kind: 'projectSetting',
      sessionId: null,
      tool: 'tools',
      summary:
        "use this project's tool settings from .octo/config.toml (approval modes, shell, folders outside the project)",
      detail: JSON.stringify(projectSettings.values, null, 2),
    });
    if (answer !== 'once' && answer !== 'always') return;
    settings.approveProject();
    if (answer === 'always') await trust.trust(settingsKey, projectSettings.hash);
  };

  return {
    tools: createToolSet(() => [...base(), ...agentTools], { gate, allowedDirs }),
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
      askAboutProjectSettings().catch((error: unknown) =>
        bus.emit('store.warning', {
          warning: {
            kind: 'storeIssue',
            path: 'trust.json',
            message: `The approval of the project's tool settings was not saved: ${getErrorMessage(error)}`,
          },
        }),
      );
    },
    close: async () => {
      untrackCompressions();
      scheduler.closeAll();
      jobs.cancelAll();
      approvals.cancelAll();
      await Promise.all([mcp.close(), shellJobs.settled()]);
    },
  };
}
