/**
 * The sessions a hub serves. Each is open for writing here (the one writer, invariant 4 in docs/architecture.md) while anything
 * needs it and let go afterwards, so the command line can resume it; its frames stay for replay.
 */
import type { SessionHandle, Workspace } from '../core/api.js';
import { getErrorMessage, OctoError } from '../core/errors.js';
import { LiveSession } from './live-session.js';

/** Sessions let go and kept only for replay, most recent last; older ones are forgotten. */
const MAX_RETIRED = 32;
/** What those may hold for replay in all (each holds at most 4 MB): a long-lived server stays small. */
const MAX_RETIRED_REPLAY_BYTES = 32 * 1024 * 1024;

export class SessionRegistry {
  private readonly sessions = new Map<string, LiveSession>();
  private readonly opening = new Map<string, Promise<LiveSession>>();
  /** The session a daemon holds for its whole life; the only one its clients may use. */
  private pinned: LiveSession | null = null;
  private closed = false;

  constructor(
    private readonly ws: Workspace,
    private readonly log: (line: string) => void,
  ) {}

  all(): LiveSession[] {
    return [...this.sessions.values()];
  }

  pin(live: LiveSession): void {
    this.pinned = live;
  }

  pinnedSession(): LiveSession | null {
    return this.pinned;
  }

  /** The served session named or numbered so. */
  find(nameOrId: string): LiveSession | undefined {
    for (const live of this.sessions.values()) {
      if (live.handle !== null && live.closing === null && matches(live, nameOrId)) return live;
    }
    return undefined;
  }

  /** The served session with this id (events name sessions by id). */
  byId(id: string): LiveSession | undefined {
    const live = this.sessions.get(id);
    return live?.handle === null ? undefined : live;
  }

  /** A new session with a generated name. */
  async create(): Promise<LiveSession> {
    this.refuseWhenClosed();
    return this.serve(await this.ws.sessions.create());
  }

  /**
   * The live session named `nameOrId`, opening it (one open at a time per name) when it is not served
   * yet; `create` makes a new session of that name. `created` says whether it did.
   */
  async open(nameOrId: string, create: boolean, created?: { value: boolean }): Promise<LiveSession> {
    this.refuseWhenClosed();
    if (this.pinned !== null && !matches(this.pinned, nameOrId)) {
      throw new OctoError('session_not_found', `This daemon holds only session ${this.pinned.name}.`);
    }
    const served = this.find(nameOrId);
    if (served !== undefined) return served;
    const pending = this.opening.get(nameOrId);
    if (pending !== undefined) return pending;
    const opening = this.openNew(nameOrId, create, created).finally(() => this.opening.delete(nameOrId));
    this.opening.set(nameOrId, opening);
    return opening;
  }

  private async openNew(
    nameOrId: string,
    create: boolean,
    created?: { value: boolean },
  ): Promise<LiveSession> {
    const existing = await this.ws.sessions.find(nameOrId);
    // A session being let go is opened again once its lock is free.
    if (existing !== null) await this.sessions.get(existing.id)?.closing;
    if (existing === null && !create) {
      throw new OctoError(
        'session_not_found',
        `Session not found: ${nameOrId}. Send a "session" frame first to create it.`,
      );
    }
    const handle = await this.ws.sessions.open(nameOrId, { create: true });
    if (handle.readOnly) {
      const holder = handle.holder;
      await handle.close();
      const who =
        holder === null || holder.pid <= 0 ? 'another process' : `process ${holder.pid} on ${holder.host}`;
      const since = holder === null ? '' : ` since ${holder.since}`;
      throw new OctoError(
        'session_locked',
        `Session ${nameOrId} is open for writing by ${who}${since}; it can be served once that process closes it.`,
      );
    }
    if (created !== undefined) created.value = existing === null;
    return this.serve(handle);
  }

  private serve(handle: SessionHandle): LiveSession {
    const live = this.sessions.get(handle.id) ?? new LiveSession(handle.id, handle.summary().name);
    // Most recently used last, so the oldest retired ones are forgotten first.
    this.sessions.delete(handle.id);
    this.sessions.set(handle.id, live);
    live.use(handle);
    this.log(`serving session ${live.name}`);
    return live;
  }

  /**
   * Lets a session go (closing it releases its lock, so `octo run --resume` can write it) once nothing
   * here needs it: no client, no turn, nothing queued, no running job or schedule, no open question.
   * Its frames stay for a reconnecting client, which opens it again.
   */
  release(live: LiveSession): void {
    const handle = live.handle;
    if (handle === null || live === this.pinned || this.closed) return;
    if (live.clientCount() > 0 || live.isBusy() || live.queue.length > 0) return;
    if (this.ws.jobs.list().some((job) => job.sessionId === live.id && job.status === 'running')) return;
    if (this.ws.approvals.pending().some((request) => request.sessionId === live.id)) return;
    live.handle = null;
    live.closing = handle
      .close()
      .then(() => this.log(`let go of session ${live.name}`))
      .catch((error: unknown) => this.log(`closing session ${live.name} failed: ${getErrorMessage(error)}`))
      .finally(() => {
        live.closing = null;
        this.forgetRetired();
      });
  }

  private forgetRetired(): void {
    const retired = this.all().filter((live) => live.handle === null && live.closing === null);
    let count = retired.length;
    let bytes = retired.reduce((sum, live) => sum + live.replayBytes(), 0);
    // Least recently used first: the map keeps them in that order.
    for (const live of retired) {
      if (count <= MAX_RETIRED && bytes <= MAX_RETIRED_REPLAY_BYTES) return;
      this.sessions.delete(live.id);
      count -= 1;
      bytes -= live.replayBytes();
    }
  }

  /** Stops every turn (partial replies are saved as interrupted) and closes every session held. */
  async closeAll(): Promise<void> {
    this.closed = true;
    const closing: Array<Promise<void>> = [];
    for (const live of this.sessions.values()) {
      live.queue.length = 0;
      const handle = live.handle;
      // Served until closed: the interrupted turn's last frames still reach the clients.
      if (handle !== null) {
        closing.push(
          handle.close().finally(() => {
            live.handle = null;
          }),
        );
      }
      if (live.closing !== null) closing.push(live.closing);
    }
    await Promise.all(closing);
  }

  private refuseWhenClosed(): void {
    if (this.closed) throw new OctoError('internal', 'The server is shutting down.');
  }
}

function matches(live: LiveSession, nameOrId: string): boolean {
  return live.name === nameOrId || live.id === nameOrId;
}
