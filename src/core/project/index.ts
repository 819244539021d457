/** Public face of the project domain: identity of a directory, its watcher, and what changed in it. */
export {
  currentProject,
  identifyProject,
  projectIdOf,
  resolveProject,
  type IdentifyOptions,
  type ResolvedProject,
} from './identity.js';
export { changesSince, type ProjectChanges } from './changes-since.js';
export { projectHead } from './git-files.js';
export { catchUpText } from './catch-up-text.js';
export { ProjectWatchers, type ProjectWatchersOptions, type WatchLease } from './watchers.js';
export type { WatchLimits, WatchStatus } from './watcher.js';
