/** The composition root (DESIGN.md §1): wires the domains and returns the workspace API. */
import type { Workspace } from './api.js';
import { loadConfig, resolvePaths } from './config/index.js';
import type { OctoConfig } from './config/schema.js';
import type { WorkspaceDeps } from './deps.js';
import { EventBus } from './events.js';
import { resolveProject } from './project/index.js';
import { createModelService } from './session/models.js';
import { defaultSystemPrompt } from './session/request.js';
import { Sessions } from './session/sessions.js';
import { summarize } from './session/summary.js';
import { createSessionStore } from './store/index.js';
import { createRedactor } from './text/redact.js';
import { createToolSet } from './tools/index.js';

export interface WorkspaceOptions {
  /** Report errors thrown by event listeners (the TUI logs them). */
  onListenerError?: (error: unknown) => void;
  /** Use this configuration instead of loading files (tests). */
  config?: OctoConfig;
}

export async function createWorkspace(deps: WorkspaceDeps, options: WorkspaceOptions = {}): Promise<Workspace> {
  const paths = resolvePaths(deps.env, deps.home);
  const project = resolveProject(deps.cwd);
  const config = options.config ?? (await loadConfig({ userConfigPath: paths.userConfig, projectDir: project.dir })).config;
  // A listener that throws is a bug in the UI: by default it surfaces as an uncaught error, not silence.
  const bus = new EventBus(options.onListenerError ?? rethrowLater);
  const store = createSessionStore({ paths, clock: deps.clock, pid: deps.pid });
  const models = createModelService({ config, env: deps.env, userConfigPath: paths.userConfig, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  const sessions = new Sessions({
    bus,
    config,
    store,
    tools: createToolSet(),
    redactor: createRedactor(deps.env),
    models,
    systemPrompt: (dir) => config.system_prompt ?? defaultSystemPrompt(dir),
    project,
    defaultModel: config.model,
    now: () => deps.clock.now(),
  });
  const forwardWarnings = (): void => {
    for (const warning of store.drainWarnings()) bus.emit('store.warning', { warning });
  };
  bus.on('session.updated', forwardWarnings);
  bus.on('session.opened', forwardWarnings);

  return {
    config,
    paths,
    project,
    sessions: {
      list: (o) => sessions.list(o),
      find: (n) => sessions.find(n),
      closestNames: (n, l) => sessions.closestNames(n, l),
      mostRecent: (p) => sessions.mostRecent(p),
      open: (n, o) => sessions.openSession(n, o),
      create: (n, o) => sessions.create(n, o),
      show: (n) => sessions.show(n),
      rename: (n, m) => sessions.rename(n, m),
      trash: (n) => sessions.trash(n),
      restore: (n) => sessions.restore(n),
      export: (n, f) => sessions.export(n, f),
    },
    on: (name, listener) => bus.on(name, listener),
    doctor: async ({ reindex }) => {
      if (reindex) await store.reindex((id, records) => summarize(id, records));
      const report = await store.doctor();
      forwardWarnings();
      return report;
    },
    close: () => sessions.closeAll(),
  };
}

function rethrowLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}
