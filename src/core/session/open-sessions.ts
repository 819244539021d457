import type { OpenOptions, SessionHandle } from '../api.js';
import type { Env } from '../deps.js';
import { isOctoError, OctoError } from '../errors.js';
import type { ProjectWatchers, ResolvedProject } from '../project/index.js';
import type { RecordSearch } from '../search/index.js';
import { assertSessionName } from '../store/index.js';
import { followWriter } from './follow.js';
import { OpenSession, type HandleDeps } from './handle.js';
import { ProjectLink } from './project-link.js';
import { movedHere, reattachRecord } from './reattach.js';
import { danglingToolCalls, hasCreateRecord, interruptedResult, restoredCreateRecord } from './repair.js';
import { readResumePoint, resumePointPath } from './resume-point.js';
import type { SessionCatalog } from './session-catalog.js';
import { indexSummary } from './summary.js';
import type { SessionSummary, SessionWriter } from '../store/index.js';

export interface SessionsDeps extends HandleDeps {
  project: ResolvedProject;
  /** Full-text search over the sessions' records (the search domain's index, which the store feeds). */
  search: RecordSearch;
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

/**
 * The sessions open in this workspace: opening (as their writer, or read-only following another
 * process), creating, repairing on open, tying them to their project, and closing them all.
 */
export class OpenSessions {
  private readonly open = new Map<string, OpenSession>();
  /** Read-only views following another terminal's writer, closed with the workspace. */
  private readonly followers = new Set<OpenSession>();
  /** Sessions a view is taking over now (its writer left): one attempt at a time. */
  private readonly taking = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly deps: SessionsDeps,
    private readonly catalog: SessionCatalog,
  ) {}

  /** The session open here as its writer, if it is. */
  loaded(id: string): OpenSession | undefined {
    return this.open.get(id);
  }

  async openSession(nameOrId: string, options: OpenOptions = {}): Promise<SessionHandle> {
    const found = await this.catalog.find(nameOrId);
    if (found === null) {
      if (options.create === true)
        return this.create(nameOrId, options.model === undefined ? {} : { model: options.model });
      throw await this.catalog.notFound(nameOrId);
    }
    const handle = await this.attach(found, { readOnly: options.readOnly === true });
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
      indexSummary(writer.id, writer.records()),
    );
    await handle.saveSummary();
    await this.linkProject(handle, { catchUp: false });
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

  /** A session moved by hand: its watcher follows it to the new directory. */
  async relink(handle: OpenSession): Promise<void> {
    await this.linkProject(handle, { catchUp: false });
  }

  /** Stops what the session is doing (its turn, or a /summarize); false when it is not open here. */
  interrupt(id: string): boolean {
    const handle = this.open.get(id);
    handle?.interrupt();
    return handle !== undefined;
  }

  async closeAll(): Promise<void> {
    this.closed = true;
    const handles = [...this.open.values(), ...this.followers];
    this.open.clear();
    this.followers.clear();
    await Promise.all(handles.map((h) => h.close()));
    // A take-over under way sees its view gone and closes the writer it opened: wait for that too.
    await Promise.allSettled([...this.inFlight]);
  }

  /** Work started by a file change, which closing the workspace waits for. */
  private whileOpen(work: Promise<void>): Promise<void> {
    this.inFlight.add(work);
    return work.finally(() => this.inFlight.delete(work));
  }

  /**
   * Opens the session for writing, repairing what a crash left (invariant 3 in docs/architecture.md);
   * when another process holds it, a read-only view instead (invariant 4). Not tied to the project:
   * for brief writes too.
   */
  async openWriter(summary: SessionSummary): Promise<OpenSession> {
    // A long session is read from its end when it is as its last writer left it (resume-point.ts).
    const point = await readResumePoint(resumePointPath(this.deps.dataDir, summary.id));
    let writer;
    try {
      writer = await this.deps.store.openWriter(
        summary.id,
        point === null
          ? {}
          : {
              resumeFrom: {
                seq: point.fromSeq,
                state: point.state,
                ...(point.tailSha256 === undefined ? {} : { tailSha256: point.tailSha256 }),
              },
            },
      );
    } catch (error) {
      // Invariant 4 (docs/architecture.md): a second process gets a read-only view, told who holds the session.
      if (isOctoError(error, 'session_locked')) return this.openReadOnly(summary);
      throw error;
    }
    const resumed = writer.loadedFrom() === null ? null : point;
    // Read from a resume point, the records start after the create record: only a whole read can miss it.
    if (resumed === null && !hasCreateRecord(writer.records())) await this.restoreCreate(writer, summary);
    const handle = new OpenSession(
      this.deps,
      { kind: 'writer', writer },
      resumed?.summary ?? indexSummary(summary.id, writer.records()),
      resumed,
    );
    for (const call of danglingToolCalls(writer.records())) {
      // Invariant 3 (docs/architecture.md): a call left without a result by a crash gets a synthetic one, written to the file.
      await writer.append(interruptedResult(call));
      this.deps.bus.emit('store.warning', {
        warning: {
          kind: 'danglingToolCall',
          sessionId: summary.id,
          path: this.deps.store.sessionFile(summary.id),
          toolCallId: call.id,
          toolName: call.name,
        },
      });
    }
    const newest = (await this.deps.store.list()).every((s) => s.order <= summary.order);
    await handle.saveSummaryUnlessStored(summary, { newest });
    return handle;
  }

  /** A file that lost its first record (a zero-byte file) opens as an empty session under its known name. */
  private async restoreCreate(writer: SessionWriter, summary: SessionSummary): Promise<void> {
    const { project } = this.deps;
    const lost = writer.records().length === 0 ? 'was empty' : 'had lost its first record';
    await writer.append(
      restoredCreateRecord(summary, {
        model: this.deps.defaultModel,
        projectDir: project.dir,
        projectId: project.id,
      }),
    );
    this.deps.bus.emit('store.warning', {
      warning: {
        kind: 'storeIssue',
        path: this.deps.store.sessionFile(summary.id),
        message: `the session file ${lost}; it opens as an empty session named ${summary.name}, and what it held before is gone.`,
      },
    });
  }

  private async attach(summary: SessionSummary, options: { readOnly: boolean }): Promise<OpenSession> {
    const loaded = this.open.get(summary.id);
    if (loaded !== undefined) return loaded;
    const handle = options.readOnly ? await this.openReadOnly(summary) : await this.openWriter(summary);
    if (handle.readOnly) {
      await followWriter(this.deps.store, this.deps.bus, handle, () => this.whileOpen(this.takeOver(handle)));
      this.followers.add(handle);
      handle.onClose(() => {
        this.followers.delete(handle);
      });
    } else {
      if (await movedHere(handle.summary(), this.deps.project)) {
        await handle.appendAndSave(reattachRecord(handle.summary(), this.deps.project));
        this.deps.bus.emit('session.listChanged', { reason: 'moved' });
      }
      await this.linkProject(handle, { catchUp: true });
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

  /**
   * The writer this view followed let the session go: this workspace becomes its writer, and says so
   * with 'session.opened' (readOnly false), after which `open` returns the writable handle. Another
   * view that took it first, or a writer still letting go, leaves this one following.
   */
  private async takeOver(follower: OpenSession): Promise<void> {
    if (this.taking.has(follower.id) || !this.followers.has(follower) || this.open.has(follower.id)) return;
    this.taking.add(follower.id);
    try {
      const writer = await this.openWriter(follower.summary());
      if (writer.readOnly || !this.followers.has(follower)) {
        await writer.close();
        return;
      }
      this.followers.delete(follower);
      await follower.close();
      await this.linkProject(writer, { catchUp: false });
      // The workspace closed meanwhile: what it closed did not include this writer yet.
      if (this.closed) {
        await writer.close();
        return;
      }
      this.track(writer);
      this.deps.bus.emit('session.opened', {
        sessionId: writer.id,
        name: writer.summary().name,
        readOnly: false,
        holder: null,
      });
    } finally {
      this.taking.delete(follower.id);
    }
  }

  private async openReadOnly(summary: SessionSummary): Promise<OpenSession> {
    const view = await this.deps.store.openReadOnly(summary.id);
    return new OpenSession(
      this.deps,
      { kind: 'readOnly', records: view.records, holder: view.holder },
      summary,
    );
  }

  /** A handle closed by its user is no longer the session's writer here. */
  private track(handle: OpenSession): void {
    this.open.set(handle.id, handle);
    handle.onClose(() => {
      if (this.open.get(handle.id) === handle) this.open.delete(handle.id);
    });
  }

  /** Only sessions opened for the user are tied to their project: not the brief opens of rename or trash. */
  private async linkProject(handle: OpenSession, options: { catchUp: boolean }): Promise<void> {
    const { projectId, projectDir } = handle.summary();
    const link = new ProjectLink(this.deps, {
      id: handle.id,
      projectId,
      projectDir,
      records: () => handle.records(),
      busy: () => handle.isBusy(),
      catchUp: options.catchUp,
      writerDied: handle.tookOverFrom() !== null,
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
}
