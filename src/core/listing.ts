/**
 * A light entry to the sessions, for `octo sessions list`: the current project and the index, without
 * the tools, MCP servers or NeDB that createWorkspace sets up (start-up time). It reads only; nothing is
 * created, locked or purged, unless index.db must be rebuilt from the session files.
 */
// The light path imports the few modules it needs one by one, not through the domains' faces: a face
// loads its whole domain (zod, NeDB, the turn loop), and `sessions list` must not pay for that. It is the
// one module the import-boundary lint lets do so (eslint.config.js, docs/architecture.md "Domains").
import type { ListOptions, ProjectInfo } from './api.js';
import { currentFingerprint, isKnownGood, rememberKnownGood } from './config/known-good.js';
import { configFiles, resolvePaths } from './config/paths.js';
import type { WorkspaceDeps } from './deps.js';
import { currentProject } from './project/identity.js';
import { selectSessions } from './session/list-filter.js';
import { readIndexState } from './store/index-read.js';
import { StoreLayout } from './store/layout.js';
import type { SessionSummary } from './store/records.js';
import type { OctoPaths, StoreWarning } from './store/types.js';

/** What the command line needs before (or without) a workspace, from the same light modules. */
export { resolvePaths } from './config/paths.js';
export { assertSessionName } from './store/names.js';

/** The part of the Workspace API that listing needs; a Workspace is one too. */
export interface SessionListing {
  project: ProjectInfo;
  sessions: { list(options?: ListOptions): Promise<SessionSummary[]> };
}

/**
 * `onWarning` hears what the store did on the way: rebuilding index.db when it was lost, damaged or out
 * of step with the session files (then the store itself is loaded, as for any other command).
 */
export async function openListing(
  deps: WorkspaceDeps,
  onWarning: (warning: StoreWarning) => void,
): Promise<SessionListing> {
  const paths = resolvePaths(deps.env, deps.home);
  const project = await currentProject(deps.cwd, paths.data, deps.env);
  await refuseBrokenConfig(paths, project.dir);
  const layout = new StoreLayout(paths.data);
  const summaries = async (): Promise<SessionSummary[]> => {
    const state = await readIndexState(layout);
    if (state.problem === null) return state.summaries;
    const { healedIndex } = await import('./workspace.js');
    return healedIndex(deps, onWarning);
  };
  return {
    project,
    sessions: { list: async (options = {}) => selectSessions(await summaries(), options, project) },
  };
}

/**
 * Listing does not use the configuration, but a broken one is still an error (docs/faults.md row 30) rather
 * than something the next command discovers. Files unchanged since they last loaded cleanly are not
 * checked again.
 */
async function refuseBrokenConfig(paths: OctoPaths, projectDir: string): Promise<void> {
  const fingerprint = await currentFingerprint(configFiles(paths.userConfig, projectDir));
  if (fingerprint !== null && (await isKnownGood(paths.data, fingerprint))) return;
  // Through the workspace's bundle, already built for every other command, rather than a bundle of
  // its own: each lazily loaded module splits the shared code into more files that all paths load.
  const { loadConfig } = await import('./workspace.js');
  const loaded = await loadConfig({ userConfigPath: paths.userConfig, projectDir });
  await rememberKnownGood(paths.data, loaded.fingerprint);
}
