import type {
  ForkOptions,
  ListOptions,
  OpenOptions,
  SearchHit,
  SearchOptions,
  SessionHandle,
} from '../api.js';
import type { Env } from '../deps.js';
import { OctoError, isOctoError } from '../errors.js';
import type { EventBus } from '../events.js';
import {
  assertSessionName,
  type NewRecord,
  type SessionRecord,
  type SessionStore,
  type SessionSummary,
} from '../store/index.js';
import { closest } from '../text/index.js';
import { identifyProject, type ProjectWatchers, type ResolvedProject } from '../project/index.js';
import { exportSession } from './export.js';
import { followWriter } from './follow.js';
import { forkSession } from './fork.js';
import { OpenSession, type HandleDeps } from './handle.js';
import { ProjectLink } from './project-link.js';
import { selectSessions } from './list-filter.js';
import { isDirectory, movedHere, reattachRecord } from './reattach.js';
import { danglingToolCalls, interruptedResult } from './repair.js';
import { searchSessions } from './search.js';
import { purgeTrash } from './trash-purge.js';
import { summarize } from './summary.js';

export interface SessionsDeps extends HandleDeps {
  store: SessionStore;
  bus: EventBus;
  project: ResolvedProject;
  defaultModel: string;
  now: () => number;
  watchers: ProjectWatchers;
  env: Env;
  /** `<data>/projects.json`, for identifying the directory of a move by hand. */
  projectCacheFile: string;
  /** `[trash] purge_after_days`: never purged when absent. */
  purgeAfterDays?: number;
  /** Told of every listing (the index watch takes it as seen). */
  onListed?: (summaries: readonly SessionSummary[]) => void;
}

function generatedName(now: number): string {
  const stamp = new Date(now).toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  return `s-${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}

/** The `sessions` part of the workspace API: finding, opening, naming and trashing sessions. */
export class Sessions {
  private readonly open = new Map<string, OpenSession>();
  /** Read-only views following another terminal's writer, closed with the workspace. */
  private readonly followers = new Set<OpenSession>();

  constructor(private readonly deps: SessionsDeps) {}

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

  async openSession(nameOrId: string, options: OpenOptions = {}): Promise<SessionHandle> {
    const found = await this.find(nameOrId);
    if (found === null) {
      if (options.create === true)
        return this.create(nameOrId, options.model === undefined ? {} : { model: options.model });
      throw await this.notFound(nameOrId);
    }
    const handle = await this.attach(found, options.readOnly === true);
    if (options.model !== undefined && options.model !== handle.model() && !handle.readOnly) {
      const result = await handle.command(`/model ${options.model}`);
      if (result.type === 'message' && result.level === 'error') {
        throw new OctoError('provider_unknown', result.text);
      }
    }
    return handle;
  }

  async create(name?: string, options: { model?: string } = {}): Promise<SessionHandle> {
    const chosen = name ?? generatedName(this.deps.now());
    assertSessionName(chosen);
    const model = options.model ?? this.deps.defaultModel;
    this.checkModel(model);
    const writer = await this.deps.store.create({
      name: chosen,
      projectDir: this.deps.project.dir,
      projectId: this.deps.project.id,
      model,
      ...(this.deps.project.group === undefined ? {} : { projectGroup: this.deps.project.group }),
    });
    const handle = new OpenSession(
      this.deps,
      { kind: 'writer', writer },
      summarize(writer.id, writer.records()),
    );
    await handle.saveSummary();
    await this.linkProject(handle, false);
    this.track(handle);
    this.deps.bus.emit('session.opened', {
      sessionId: handle.id,
      name: chosen,
      readOnly: false,
      holder: null,
    });
    this.deps.bus.emit('session.listChanged', { reason: 'created' });
    return handle;
  }

  async show(nameOrId: string): Promise<{ summary: SessionSummary; records: readonly SessionRecord[] }> {
    const summary = await this.require(nameOrId, true);
    const loaded = this.open.get(summary.id);
    if (loaded !== undefined) return { summary: loaded.summary(), records: loaded.records() };
    const view = await this.deps.store.openReadOnly(summary.id);
    return { summary, records: view.records };
  }

  async rename(nameOrId: string, newName: string): Promise<SessionSummary> {
    assertSessionName(newName);
    const summary = await this.require(nameOrId);
    const taken = await this.find(newName);
    if (taken !== null && taken.id !== summary.id) {
      throw new OctoError('session_exists', `A session named ${newName} already exists.`, {
        details: { name: newName },
      });
    }
    const result = await this.appendCommand(summary, {
      kind: 'command',
      command: 'rename',
      name: newName,
      previous: summary.name,
    });
    this.deps.bus.emit('session.listChanged', { reason: 'renamed' });
    return result;
  }

  async trash(nameOrId: string): Promise<SessionSummary> {
    const summary = await this.require(nameOrId);
    const result = await this.appendCommand(summary, { kind: 'command', command: 'trash' });
    this.deps.bus.emit('session.listChanged', { reason: 'trashed' });
    await this.purgeTrash();
    return result;
  }

  /** Deletes what has been in the trash longer than `[trash] purge_after_days` (nothing when unset). */
  async purgeTrash(): Promise<string[]> {
    return purgeTrash(
      this.deps,
      await this.list({ onlyTrash: true }),
      this.deps.purgeAfterDays,
      this.deps.now(),
    );
  }

  async fork(nameOrId: string, newName: string, options: ForkOptions = {}): Promise<SessionSummary> {
    assertSessionName(newName);
    return forkSession(this.deps, await this.show(nameOrId), newName, options.atSeq);
  }

  async search(text: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    const scope = options.projectId === undefined ? {} : { projectId: options.projectId };
    const summaries = await this.list({ ...scope, includeTrash: options.includeTrash === true });
    return searchSessions(this.deps.store, summaries, text, options);
  }

  /** Re-attaches a session to the project in `dir` by hand; an open one's watcher follows. */
  async move(nameOrId: string, dir: string): Promise<SessionSummary> {
    const summary = await this.require(nameOrId);
    const { project } = await identifyProject(dir, {
      cacheFile: this.deps.projectCacheFile,
      env: this.deps.env,
    });
    if (project.dir === summary.projectDir && project.id === summary.projectId) return summary;
    const result = await this.appendCommand(summary, reattachRecord(summary, project));
    const loaded = this.open.get(summary.id);
    if (loaded !== undefined) await this.linkProject(loaded, false);
    this.deps.bus.emit('session.listChanged', { reason: 'moved' });
    return result;
  }

  async restore(nameOrId: string): Promise<SessionSummary> {
    const all = await this.list({ includeTrash: true });
    const summary = all.find((s) => s.trashedAt !== null && (s.name === nameOrId || s.id === nameOrId));
    if (summary === undefined)
      throw new OctoError('session_not_found', `No session named ${nameOrId} is in the trash.`);
    const clash = await this.find(summary.name);
    if (clash !== null) {
      throw new OctoError(
        'session_exists',
        `A session named ${summary.name} exists; rename it before restoring.`,
      );
    }
    const result = await this.appendCommand(summary, { kind: 'command', command: 'restore' });
    this.deps.bus.emit('session.listChanged', { reason: 'restored' });
    return result;
  }

  async export(nameOrId: string, format: 'md' | 'json'): Promise<string> {
    const { summary, records } = await this.show(nameOrId);
    return exportSession(summary, records, format);
  }

  /** Stops what the session is doing (its turn, or a /summarize); false when it is not open here. */
  interrupt(id: string): boolean {
    const handle = this.open.get(id);
    handle?.interrupt();
    return handle !== undefined;
  }

  async closeAll(): Promise<void> {
    const handles = [...this.open.values(), ...this.followers];
    this.open.clear();
    this.followers.clear();
    await Promise.all(handles.map((h) => h.close()));
  }

  private async attach(summary: SessionSummary, readOnly: boolean): Promise<OpenSession> {
    const loaded = this.open.get(summary.id);
    if (loaded !== undefined) return loaded;
    const handle = readOnly ? await this.openReadOnly(summary) : await this.openWriter(summary);
    if (handle.readOnly) {
      await followWriter(this.deps.store, this.deps.bus, handle);
      this.followers.add(handle);
      handle.onClose(() => {
        this.followers.delete(handle);
      });
    } else {
      if (await movedHere(handle.summary(), this.deps.project)) {
        await handle.appendAndSave(reattachRecord(handle.summary(), this.deps.project));
        this.deps.bus.emit('session.listChanged', { reason: 'moved' });
      }
      await this.linkProject(handle, true);
      this.track(handle);
    }
    this.deps.bus.emit('session.opened', {
      sessionId: handle.id,
      name: handle.summary().name,
      readOnly: handle.readOnly,
      holder: handle.holder,
    });
    return handle;
  }

  private async openWriter(summary: SessionSummary): Promise<OpenSession> {
    let writer;
    try {
      writer = await this.deps.store.openWriter(summary.id);
    } catch (error) {
      // Invariant 4 (docs/architecture.md): a second process gets a read-only view, told who holds the session.
      if (isOctoError(error, 'session_locked')) return this.openReadOnly(summary);
      throw error;
    }
    const handle = new OpenSession(
      this.deps,
      { kind: 'writer', writer },
      summarize(summary.id, writer.records()),
    );
    for (const call of danglingToolCalls(writer.records())) {
      // Invariant 3 (docs/architecture.md): a call left without a result by a crash gets a synthetic one, written to the file.
      await writer.append(interruptedResult(call));
      this.deps.bus.emit('store.warning', {
        warning: { kind: 'danglingToolCall', sessionId: summary.id, toolCallId: call.id },
      });
    }
    const newest = (await this.deps.store.list()).every((s) => s.order <= summary.order);
    await handle.saveSummaryUnlessStored(summary, newest);
    return handle;
  }

  private async openReadOnly(summary: SessionSummary): Promise<OpenSession> {
    const view = await this.deps.store.openReadOnly(summary.id);
    return new OpenSession(
      this.deps,
      { kind: 'readOnly', records: view.records, holder: view.holder },
      summary,
    );
  }

  private async appendCommand(summary: SessionSummary, record: NewRecord): Promise<SessionSummary> {
    const loaded = this.open.get(summary.id);
    if (loaded !== undefined) {
      await loaded.appendAndSave(record);
      return loaded.summary();
    }
    const handle = await this.openWriter(summary);
    try {
      await handle.appendAndSave(record);
      return handle.summary();
    } finally {
      await handle.close();
    }
  }

  /** A handle closed by its user is no longer the session's writer here. */
  private track(handle: OpenSession): void {
    this.open.set(handle.id, handle);
    handle.onClose(() => {
      if (this.open.get(handle.id) === handle) this.open.delete(handle.id);
    });
  }

  /** Only sessions opened for the user are tied to their project: not the brief opens of rename or trash. */
  private async linkProject(handle: OpenSession, catchUp: boolean): Promise<void> {
    const { projectId, projectDir } = handle.summary();
    const link = new ProjectLink(this.deps, {
      id: handle.id,
      projectId,
      projectDir,
      records: () => handle.records(),
      catchUp,
    });
    await handle.linkProject(link);
  }

  /**
   * Refuses a model octo cannot name before any file is made; a missing API key is not a reason to
   * refuse a session (it is explained when the first turn starts, and may be set by then).
   */
  private checkModel(model: string): void {
    try {
      this.deps.models.resolve(model);
    } catch (error) {
      if (!isOctoError(error, 'provider_unconfigured')) throw error;
    }
  }

  private async require(nameOrId: string, includeTrash = false): Promise<SessionSummary> {
    const all = await this.list({ includeTrash });
    const found = all.find((s) => s.name === nameOrId) ?? all.find((s) => s.id === nameOrId);
    if (found === undefined) throw await this.notFound(nameOrId);
    return found;
  }

  private async notFound(name: string): Promise<OctoError> {
    const near = await this.closestNames(name);
    const hint =
      near.length > 0 ? ` Did you mean: ${near.join(', ')}?` : ' There are no sessions with a similar name.';
    return new OctoError('session_not_found', `No session named ${name}.${hint}`, {
      details: { name, closest: near },
    });
  }
}
