/** The composition root (docs/architecture.md "The house"): wires the domains and returns the workspace API. */
import path from 'node:path';
import type { Workspace } from './api.js';
import { loadConfig, rememberKnownGood, resolvePaths, type OctoConfig } from './config/index.js';
import { defaultSystemPrompt } from './context/index.js';
import { coreCommandHelp } from './commands/index.js';
import type { WorkspaceDeps } from './deps.js';
import { EventBus } from './events.js';
import { agentList, agentTool, AgentRunner, trackCompressions } from './jobs/index.js';
import { currentProject, ProjectWatchers } from './project/index.js';
import { createModelService, findLocalServers } from './provider/index.js';
import { isOctoError } from './errors.js';
import { createRecordSearch, openSearchIndex } from './search/index.js';
import {
  IndexWatch,
  createSessions,
  startAgentSession,
  indexSummary,
  type HandleDeps,
  type SessionsDeps,
} from './session/index.js';
import { createSessionStore, type OctoPaths, type SessionSummary, type StoreWarning } from './store/index.js';
import { createRedactor } from './text/index.js';
import { createTokenCounter, type Tokenizer } from './tokens/index.js';
import { CHILDREN_DIR, ChildRegistry, configLayers, NO_LAYERS, type ConfigLayers } from './tools/index.js';
import { openProjectTrust } from './trust/index.js';
import { createServices, type ServicesOptions } from './workspace-services.js';

/** For the light listing's full check of changed config files (listing.ts). */
export { loadConfig } from './config/index.js';

/** `allow` and `interactive` decide how tool calls that need approval are handled (see ServicesOptions). */
export interface WorkspaceOptions extends ServicesOptions {
  /** Report errors thrown by event listeners (the TUI logs them). */
  onListenerError?: (error: unknown) => void;
  /** Use this configuration instead of loading files (tests). */
  config?: OctoConfig;
  /** Count tokens with this instead of tiktoken's thread (tests that watch when counting happens). */
  tokenizer?: Tokenizer;
  /** Use everything the project's config asks for in this run, approved or not (`--trust-project`). */
  trustProject?: boolean;
}

export async function createWorkspace(
  deps: WorkspaceDeps,
  options: WorkspaceOptions = {},
): Promise<Workspace> {
  const paths = resolvePaths(deps.env, deps.home);
  const projectCacheFile = path.join(paths.data, 'projects.json');
  const project = await currentProject(deps.cwd, paths.data, deps.env);
  const { config: merged, layers } =
    options.config === undefined
      ? await loadCheckedConfig(paths, project.dir)
      : { config: options.config, layers: NO_LAYERS };
  const trust = await openProjectTrust({
    dataDir: paths.data,
    now: () => deps.clock.now(),
    projectDir: project.dir,
    layers,
    merged,
    env: deps.env,
  });
  if (options.trustProject === true) await trust.approve({ remember: false });
  // What the project's file asks and the user has not approved is left out (docs/architecture.md "Trust"); what is
  // read at each use follows an approval given later in the workspace.
  const config = trust.config();
  // A listener that throws is a bug in the UI: by default it surfaces as an uncaught error, not silence.
  const bus = new EventBus(options.onListenerError ?? rethrowLater);
  const warn = (message: string): void =>
    bus.emit('store.warning', { warning: { kind: 'storeIssue', path: CHILDREN_DIR, message } });
  // Shell commands and servers of an octo that was killed (kill -9) run on: stop them first.
  const children = new ChildRegistry(paths.data, deps.pid, warn);
  for (const stopped of await children.sweep())
    warn(`Stopped process group ${stopped}, left running by an octo that was killed.`);
  trust.onChange(() => bus.emit('trust.changed', { pending: trust.pending().length }));
  const storeWarning = (warning: StoreWarning): void => bus.emit('store.warning', { warning });
  // The store feeds the full-text index as its record sink; the search reads sessions through the store.
  const searchIndex = openSearchIndex({ dir: searchDir(paths), onWarning: storeWarning });
  const store = createSessionStore({
    paths,
    clock: deps.clock,
    pid: deps.pid,
    onWarning: storeWarning,
    summarize: (id, records) => indexSummary(id, records),
    sink: searchIndex,
  });
  const indexWatch = new IndexWatch(store, bus);
  const models = createModelService({
    config: () => trust.config(),
    refuse: (provider) => trust.refuseProvider(provider),
    env: deps.env,
    userConfigPath: paths.userConfig,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  // The tokenizer thread starts on the first exact count, never here: start-up stays light.
  const counter = createTokenCounter(options.tokenizer);
  const services = createServices({
    deps,
    config: merged,
    paths,
    projectDir: project.dir,
    bus,
    layers,
    trust,
    children,
    options,
  });
  const handleDeps: Omit<HandleDeps, 'tools' | 'systemPrompt'> = {
    bus,
    get config() {
      return trust.config();
    },
    counter,
    dataDir: paths.data,
    store,
    services: services.commands,
    redactor: createRedactor(deps.env),
    models,
  };
  // Agents run sessions of their own, with their own tools; the sessions' tools include the agents.
  const runner = new AgentRunner({
    jobs: services.jobs,
    bus,
    startSession: (init) => startAgentSession(handleDeps, init),
    toolsFor: (agent) => services.agentToolSet(agent),
  });
  const sessionDeps: SessionsDeps = {
    ...handleDeps,
    tools: services.toolSet(
      agentList(config.agents).map((agent) =>
        agentTool(() => agentList(trust.config().agents).find((a) => a.name === agent.name) ?? agent, runner),
      ),
    ),
    systemPrompt: (dir) => config.system_prompt ?? defaultSystemPrompt(dir),
    project,
    search: createRecordSearch(searchIndex, store, storeWarning),
    get defaultModel() {
      return trust.config().model;
    },
    now: () => deps.clock.now(),
    watchers: projectWatchers(config, bus),
    env: deps.env,
    projectCacheFile,
    onListed: (summaries) => indexWatch.listed(summaries),
    ...(config.trash.purge_after_days === undefined ? {} : { purgeAfterDays: config.trash.purge_after_days }),
  };
  const sessions = createSessions(sessionDeps);
  if (sessionDeps.purgeAfterDays !== undefined) await sessions.purgeTrash();
  // Cancelling a compression job stops that session's work.
  const untrackCompressions = trackCompressions(bus, services.jobs, (id) => sessions.interrupt(id));
  services.start();

  return {
    get config() {
      return trust.config();
    },
    paths,
    project,
    trust,
    ...services.api,
    sessions: sessions.api,
    commandHelp: coreCommandHelp,
    providers: {
      problem: (model) => {
        try {
          models.resolve(model);
          return null;
        } catch (error) {
          if (isOctoError(error, 'provider_unconfigured') || isOctoError(error, 'provider_unknown'))
            return error.message;
          throw error;
        }
      },
      findLocal: () => findLocalServers(deps.fetch),
    },
    on: (name, listener) => {
      if (name === 'session.listChanged') indexWatch.start();
      return bus.on(name, listener);
    },
    doctor: async ({ reindex, clean }) => {
      if (reindex) await store.reindex((id, records) => indexSummary(id, records));
      await sessions.purgeTrash();
      return store.doctor({ clean: clean === true });
    },
    close: async () => {
      await indexWatch.close();
      await sessions.closeAll();
      await sessionDeps.watchers.closeAll();
      untrackCompressions();
      await services.close();
      children.close();
      await counter.close();
    },
  };
}

/**
 * The summaries of every session from a store that rebuilds index.db as it reads it: for the light
 * listing (listing.ts), which found the index lost, damaged or out of step with the session files.
 */
export async function healedIndex(
  deps: WorkspaceDeps,
  onWarning: (warning: StoreWarning) => void,
): Promise<SessionSummary[]> {
  const paths = resolvePaths(deps.env, deps.home);
  const store = createSessionStore({
    paths,
    clock: deps.clock,
    pid: deps.pid,
    onWarning,
    summarize: indexSummary,
    // Rebuilding index.db feeds the search index anew, as `octo doctor --reindex` does.
    sink: openSearchIndex({ dir: searchDir(paths), onWarning }),
  });
  return store.list();
}

/** The full-text index's folder in the data folder (docs/architecture.md "Data"). */
function searchDir(paths: OctoPaths): string {
  return path.join(paths.data, 'search');
}

/**
 * Loads the config files, checked against the schema unless they passed before, and remembers that they
 * passed, for the next start and the light listing (known-good.ts).
 */
async function loadCheckedConfig(
  paths: OctoPaths,
  projectDir: string,
): Promise<{ config: OctoConfig; layers: ConfigLayers }> {
  const loaded = await loadConfig({ userConfigPath: paths.userConfig, projectDir, dataDir: paths.data });
  // Only a cache: when it cannot be written, the next start checks the files in full.
  if (loaded.checked) await rememberKnownGood(paths.data, loaded.fingerprint, loaded.fills);
  return { config: loaded.config, layers: configLayers(loaded.layers, paths.userConfig) };
}

/** Paths named in one 'project.filesChanged': a checkout of thousands is reported as its first ones. */
const MAX_CHANGED_PATHS = 500;

function projectWatchers(config: OctoConfig, bus: EventBus): ProjectWatchers {
  return new ProjectWatchers({
    enabled: config.project.watch,
    maxPaths: config.project.watch_max_paths,
    depth: config.project.watch_depth,
    onStatus: (projectDir, status) => bus.emit('project.watch', { projectDir, ...status }),
    onChanges: (projectId, dir, paths) =>
      bus.emit('project.filesChanged', {
        projectId,
        paths: paths.slice(0, MAX_CHANGED_PATHS).map((file) => path.relative(dir, file)),
      }),
  });
}

function rethrowLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}
