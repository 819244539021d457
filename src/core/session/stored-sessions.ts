import type { ForkOptions } from '../api.js';
import { OctoError } from '../errors.js';
import { identifyProject } from '../project/index.js';
import { assertSessionName } from '../store/index.js';
import { exportSession } from './export.js';
import { forkSession } from './fork.js';
import type { OpenSessions, SessionsDeps } from './open-sessions.js';
import { reattachRecord } from './reattach.js';
import type { SessionCatalog } from './session-catalog.js';
import { purgeTrash } from './trash-purge.js';
import type { NewRecord, SessionRecord, SessionSummary } from '../store/index.js';

/**
 * What is done to a session by name, open here or not: show, export and fork its history; rename,
 * trash, restore and move it (each a command record in its file); purge the old trash.
 */
export class StoredSessions {
  constructor(
    private readonly deps: SessionsDeps,
    private readonly catalog: SessionCatalog,
    private readonly opened: OpenSessions,
  ) {}

  async show(nameOrId: string): Promise<{ summary: SessionSummary; records: readonly SessionRecord[] }> {
    const summary = await this.catalog.require(nameOrId, { includeTrash: true });
    const loaded = this.opened.loaded(summary.id);
    if (loaded !== undefined) {
      // The whole history: a long session resumed here holds only its end until asked.
      await loaded.loadEarlier();
      return { summary: loaded.summary(), records: loaded.records() };
    }
    const view = await this.deps.store.openReadOnly(summary.id);
    return { summary, records: view.records };
  }

  async export(nameOrId: string, format: 'md' | 'json'): Promise<string> {
    const { summary, records } = await this.show(nameOrId);
    return exportSession(summary, records, format);
  }

  async fork(nameOrId: string, newName: string, options: ForkOptions = {}): Promise<SessionSummary> {
    assertSessionName(newName);
    return forkSession(this.deps, await this.show(nameOrId), newName, options.atSeq);
  }

  async rename(nameOrId: string, newName: string): Promise<SessionSummary> {
    assertSessionName(newName);
    const summary = await this.catalog.require(nameOrId, { includeTrash: false });
    const taken = await this.catalog.find(newName);
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
    const summary = await this.catalog.require(nameOrId, { includeTrash: false });
    const result = await this.appendCommand(summary, { kind: 'command', command: 'trash' });
    this.deps.bus.emit('session.listChanged', { reason: 'trashed' });
    await this.purgeTrash();
    return result;
  }

  async restore(nameOrId: string): Promise<SessionSummary> {
    const all = await this.catalog.list({ includeTrash: true });
    const summary = all.find((s) => s.trashedAt !== null && (s.name === nameOrId || s.id === nameOrId));
    if (summary === undefined)
      throw new OctoError('session_not_found', `No session named ${nameOrId} is in the trash.`);
    const clash = await this.catalog.find(summary.name);
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

  /** Re-attaches a session to the project in `dir` by hand; an open one's watcher follows. */
  async move(nameOrId: string, dir: string): Promise<SessionSummary> {
    const summary = await this.catalog.require(nameOrId, { includeTrash: false });
    const { project } = await identifyProject(dir, {
      cacheFile: this.deps.projectCacheFile,
      env: this.deps.env,
    });
    if (project.dir === summary.projectDir && project.id === summary.projectId) return summary;
    const result = await this.appendCommand(summary, reattachRecord(summary, project));
    const loaded = this.opened.loaded(summary.id);
    if (loaded !== undefined) await this.opened.relink(loaded);
    this.deps.bus.emit('session.listChanged', { reason: 'moved' });
    return result;
  }

  /** Deletes what has been in the trash longer than `[trash] purge_after_days` (nothing when unset). */
  async purgeTrash(): Promise<string[]> {
    return purgeTrash(
      this.deps,
      await this.catalog.list({ onlyTrash: true }),
      this.deps.purgeAfterDays,
      this.deps.now(),
    );
  }

  /** Writes a command record through the session's writer here, or opens it briefly to write it. */
  private async appendCommand(summary: SessionSummary, record: NewRecord): Promise<SessionSummary> {
    const loaded = this.opened.loaded(summary.id);
    if (loaded !== undefined) {
      await loaded.appendAndSave(record);
      return loaded.summary();
    }
    const handle = await this.opened.openWriter(summary);
    try {
      await handle.appendAndSave(record);
      return handle.summary();
    } finally {
      await handle.close();
    }
  }
}
