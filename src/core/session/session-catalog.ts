import type { ListOptions, SearchHit, SearchOptions } from '../api.js';
import { OctoError } from '../errors.js';
import type { ResolvedProject } from '../project/index.js';
import type { RecordSearch } from '../search/index.js';
import type { SessionStore } from '../store/types.js';
import { closest } from '../text/index.js';
import { selectSessions } from './list-filter.js';
import { isDirectory } from './reattach.js';
import { searchSessions } from './search.js';
import type { SessionSummary } from '../store/index.js';

export interface CatalogDeps {
  store: SessionStore;
  /** The full-text index (the search domain). */
  search: RecordSearch;
  project: ResolvedProject;
  /** Told of every listing (the index watch takes it as seen). */
  onListed?: (summaries: readonly SessionSummary[]) => void;
}

/** Finding sessions in the index: listing, by name or id, near names, the most recent, full text. */
export class SessionCatalog {
  constructor(private readonly deps: CatalogDeps) {}

  async list(options: ListOptions = {}): Promise<SessionSummary[]> {
    const all = await this.deps.store.list();
    this.deps.onListed?.(all);
    return selectSessions(all, options, this.deps.project);
  }

  async find(nameOrId: string): Promise<SessionSummary | null> {
    const live = await this.list();
    return live.find((s) => s.name === nameOrId) ?? live.find((s) => s.id === nameOrId) ?? null;
  }

  async closestNames(name: string, limit = 3): Promise<string[]> {
    return closest(
      name,
      (await this.list()).map((s) => s.name),
      limit,
    );
  }

  async mostRecent(projectId: string): Promise<SessionSummary | null> {
    const { project } = this.deps;
    for (const summary of await this.list({ projectId })) {
      // Another checkout of the same repository (a second clone) keeps its own sessions.
      if (
        projectId !== project.id ||
        summary.projectDir === project.dir ||
        !(await isDirectory(summary.projectDir))
      ) {
        return summary;
      }
    }
    return null;
  }

  async search(text: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    const scope = options.projectId === undefined ? {} : { projectId: options.projectId };
    const summaries = await this.list({ ...scope, includeTrash: options.includeTrash === true });
    return searchSessions(this.deps.search, summaries, text, options);
  }

  /** By name or id, or the error naming the closest names. */
  async require(nameOrId: string, options: { includeTrash: boolean }): Promise<SessionSummary> {
    const all = await this.list({ includeTrash: options.includeTrash });
    const found = all.find((s) => s.name === nameOrId) ?? all.find((s) => s.id === nameOrId);
    if (found === undefined) throw await this.notFound(nameOrId);
    return found;
  }

  async notFound(name: string): Promise<OctoError> {
    const near = await this.closestNames(name);
    const hint =
      near.length > 0 ? ` Did you mean: ${near.join(', ')}?` : ' There are no sessions with a similar name.';
    return new OctoError('session_not_found', `No session named ${name}.${hint}`, {
      details: { name, closest: near },
    });
  }
}
