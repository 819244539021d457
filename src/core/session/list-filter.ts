import type { ListOptions } from '../api.js';
import type { ResolvedProject } from '../project/index.js';
import { withMissingDirs } from './reattach.js';
import type { SessionSummary } from '../store/index.js';

/**
 * The sessions `list` returns out of all summaries in the index: trash or not, one project's (its
 * older ids included) or all, most recent first. Shared by the workspace and the light listing.
 */
export async function selectSessions(
  all: readonly SessionSummary[],
  options: ListOptions,
  project: ResolvedProject,
): Promise<SessionSummary[]> {
  const { projectId } = options;
  const listed = all
    .filter((s) =>
      options.onlyTrash === true
        ? s.trashedAt !== null
        : options.includeTrash === true || s.trashedAt === null,
    )
    .filter(
      (s) =>
        projectId === undefined ||
        s.projectId === projectId ||
        (projectId === project.id && project.aliases.includes(s.projectId)),
    )
    .sort((a, b) => b.order - a.order);
  return options.checkProjectDirs === true ? withMissingDirs(listed) : listed;
}
