/**
 * The workspace of `octo attach`: the Workspace interface the TUI drives, where the sessions another
 * process holds (an `octo server`, a daemon) are RemoteSessions driven through that process's frames,
 * and everything else (the list, search, show, fork, settings) is this terminal's own workspace, which
 * reads the same store without taking its locks.
 */
import type {
  ApprovalAnswer,
  ApprovalRequest,
  JobInfo,
  LockHolder,
  OpenOptions,
  SessionHandle,
  SessionSnapshot,
  SessionSummary,
  Workspace,
} from '../core/api.js';
import { getErrorMessage, OctoError } from '../core/errors.js';
import {
  EventBus,
  OCTO_EVENT_NAMES,
  type Listener,
  type OctoEventName,
  type OctoEvents,
} from '../core/events.js';
import { isObject, Link, text, type Frame, type FrameChannel, type LinkTimeouts } from './link.js';
import { RemoteSession } from './remote-session.js';

/** The process that holds sessions and serves them. */
export interface Holder {
  /** For the user: "octo server (pid 4242) at ws://127.0.0.1:8080/ws". */
  label: string;
  pid: number;
  host: string;
  /** When it started holding (the server's start), ISO. */
  since: string;
  /** A server serves any session of the store; a daemon only the one it holds. */
  serves: 'all' | { sessionId: string };
}

const EVENT_NAMES: ReadonlySet<string> = new Set(OCTO_EVENT_NAMES);
const ANSWERS: ReadonlySet<string> = new Set(['once', 'always', 'deny', 'cancelled']);

/** The session an event frame's payload is about. */
function payloadSession(name: string, payload: Record<string, unknown>): string | null {
  if (name === 'session.updated') {
    const summary = payload.summary;
    return isObject(summary) && typeof summary.id === 'string' ? summary.id : null;
  }
  return typeof payload.sessionId === 'string' ? payload.sessionId : null;
}

/** A snapshot from the holder, checked for the parts this terminal relies on. */
function snapshotOf(data: unknown): SessionSnapshot {
  const snapshot = isObject(data) ? data.snapshot : undefined;
  if (
    !isObject(snapshot) ||
    typeof snapshot.sessionId !== 'string' ||
    typeof snapshot.version !== 'number' ||
    !Array.isArray(snapshot.records) ||
    !isObject(snapshot.summary) ||
    !isObject(snapshot.context)
  ) {
    throw new OctoError(
      'holder_refused',
      'The holder did not send the session as it stands (an octo without "octo attach" support?).',
    );
  }
  const given = snapshot as unknown as SessionSnapshot;
  return {
    ...given,
    earlierRecords: typeof given.earlierRecords === 'number' ? given.earlierRecords : 0,
    staleFiles: Array.isArray(given.staleFiles) ? given.staleFiles : [],
    catchUp: given.catchUp ?? null,
    busy: given.busy === true,
  };
}

function jobsOf(data: unknown): JobInfo[] {
  const jobs = isObject(data) ? data.jobs : undefined;
  return Array.isArray(jobs)
    ? jobs.filter((job): job is JobInfo => isObject(job) && typeof job.id === 'string')
    : [];
}

export class AttachedWorkspace implements Workspace {
  private readonly bus: EventBus;
  private link: Link | null = null;
  private readonly remote = new Map<string, RemoteSession>();
  /** Event frames of a session whose attach is under way: applied once its snapshot is in. */
  private readonly early = new Map<string, Frame[]>();
  private readonly questions = new Map<string, ApprovalRequest>();
  private readonly remoteJobs = new Set<string>();
  /** Set when this terminal lets go: the connection's end is then no news. */
  private leaving = false;
  readonly sessions: Workspace['sessions'];

  private constructor(
    private readonly local: Workspace,
    readonly holder: Holder,
    onListenerError: (error: unknown) => void,
  ) {
    this.bus = new EventBus(onListenerError);
    this.sessions = {
      list: (o) => local.sessions.list(o),
      find: (n) => local.sessions.find(n),
      closestNames: (n, l) => local.sessions.closestNames(n, l),
      mostRecent: (p) => local.sessions.mostRecent(p),
      open: (n, o) => this.open(n, o),
      create: (n, o) => local.sessions.create(n, o),
      show: (n) => local.sessions.show(n),
      rename: (n, m) => local.sessions.rename(n, m),
      trash: (n) => local.sessions.trash(n),
      restore: (n) => local.sessions.restore(n),
      export: (n, f) => local.sessions.export(n, f),
      fork: (n, m, o) => local.sessions.fork(n, m, o),
      search: (t, o) => local.sessions.search(t, o),
      move: (n, d) => local.sessions.move(n, d),
    };
  }

  /** Connects to the holder over `channel` (its hello first); fails when it does not answer. */
  static async connect(
    local: Workspace,
    channel: FrameChannel,
    holder: Holder,
    options: { onListenerError: (error: unknown) => void; timeouts?: LinkTimeouts },
  ): Promise<AttachedWorkspace> {
    const attached = new AttachedWorkspace(local, holder, options.onListenerError);
    attached.link = await Link.open(
      channel,
      holder.label,
      { frame: (frame) => attached.receive(frame), closed: (reason) => attached.lost(reason) },
      options.timeouts,
    );
    return attached;
  }

  get config(): Workspace['config'] {
    return this.local.config;
  }

  get paths(): Workspace['paths'] {
    return this.local.paths;
  }

  get project(): Workspace['project'] {
    return this.local.project;
  }

  get jobs(): Workspace['jobs'] {
    const { local } = this;
    return {
      list: () => local.jobs.list(),
      get: (id) => local.jobs.get(id),
      // A background command of the holder keeps its output there.
      output: (id) => (this.remoteJobs.has(id) ? null : local.jobs.output(id)),
      cancel: (id) => (this.remoteJobs.has(id) ? false : local.jobs.cancel(id)),
    };
  }

  get mcp(): Workspace['mcp'] {
    return this.local.mcp;
  }

  get trust(): Workspace['trust'] {
    return this.local.trust;
  }

  get approvals(): Workspace['approvals'] {
    return {
      pending: () => [...this.local.approvals.pending(), ...this.questions.values()],
      answer: (requestId, answer) => this.answer(requestId, answer),
    };
  }

  commandHelp(): ReturnType<Workspace['commandHelp']> {
    return this.local.commandHelp();
  }

  on<K extends OctoEventName>(name: K, listener: Listener<K>): () => void {
    const offLocal = this.local.on(name, listener);
    const offRemote = this.bus.on(name, listener);
    return () => {
      offLocal();
      offRemote();
    };
  }

  doctor(options: { reindex: boolean }): ReturnType<Workspace['doctor']> {
    return this.local.doctor(options);
  }

  /** Lets go of the holder (its sessions stay open there for its other clients); the local workspace stays. */
  async detach(): Promise<void> {
    this.leaving = true;
    for (const session of this.remote.values()) session.detach('this terminal closed');
    await this.link?.close();
  }

  async close(): Promise<void> {
    await this.detach();
    await this.local.close();
  }

  /** Whether the holder serves this session (and is still reachable). */
  serves(sessionId: string): boolean {
    if (this.link === null || this.link.isClosed()) return false;
    return this.holder.serves === 'all' || this.holder.serves.sessionId === sessionId;
  }

  // ---- sessions ------------------------------------------------------------------------------

  /**
   * A session the holder serves is opened there (the holder writes it for every client); one it
   * refuses (another process writes it) or does not serve is opened here as usual.
   */
  private async open(nameOrId: string, options: OpenOptions = {}): Promise<SessionHandle> {
    const found = await this.local.sessions.find(nameOrId);
    if (found === null || !this.serves(found.id)) return this.local.sessions.open(nameOrId, options);
    const open = this.remote.get(found.id);
    if (open !== undefined) return open;
    try {
      return await this.attach(found);
    } catch (error) {
      if (error instanceof OctoError && error.code === 'holder_refused') {
        return this.local.sessions.open(nameOrId, { ...options, create: false });
      }
      throw error;
    }
  }

  private async attach(summary: SessionSummary): Promise<RemoteSession> {
    this.early.set(summary.id, []);
    try {
      const snapshot = await this.requestSnapshot(summary.id);
      const holder: LockHolder = { pid: this.holder.pid, host: this.holder.host, since: this.holder.since };
      const session = new RemoteSession(
        snapshot.snapshot,
        holder,
        this.requireLink(),
        this.bus,
        (s) => this.requestSnapshot(s.id).then((again) => again.snapshot),
        (s) => this.local.sessions.show(s.id).then((shown) => shown.records),
      );
      this.remote.set(session.id, session);
      // Jobs the holder runs for this session already: the Jobs pane learns of them as if they started now.
      for (const job of snapshot.jobs) this.announceJob(job);
      for (const frame of this.early.get(summary.id) ?? []) this.receive(frame);
      return session;
    } finally {
      this.early.delete(summary.id);
    }
  }

  private async requestSnapshot(sessionId: string): Promise<{ snapshot: SessionSnapshot; jobs: JobInfo[] }> {
    const answer = await this.requireLink().request({
      type: 'session',
      session_id: sessionId,
      caps: ['events'],
    });
    const snapshot = snapshotOf(answer.data);
    if (snapshot.sessionId !== sessionId) {
      throw new OctoError(
        'holder_refused',
        `The holder answered with another session (${snapshot.sessionId}).`,
      );
    }
    return { snapshot, jobs: jobsOf(answer.data) };
  }

  private requireLink(): Link {
    if (this.link === null) throw new OctoError('holder_gone', `${this.holder.label} is not connected.`);
    return this.link;
  }

  private announceJob(job: JobInfo): void {
    if (job.status !== 'running') return;
    this.remoteJobs.add(job.id);
    this.bus.emit('job.started', {
      jobId: job.id,
      sessionId: job.sessionId,
      kind: job.kind,
      title: job.title,
      ...(job.childSessionId === undefined ? {} : { childSessionId: job.childSessionId }),
    });
    this.bus.emit('job.progress', {
      jobId: job.id,
      sessionId: job.sessionId,
      activity: job.activity,
      usage: job.usage,
      cost: job.cost,
    });
  }

  // ---- approvals -----------------------------------------------------------------------------

  private answer(requestId: string, answer: ApprovalAnswer): boolean {
    const question = this.questions.get(requestId);
    if (question === undefined) return this.local.approvals.answer(requestId, answer);
    const link = this.link;
    // A question about the holder's project belongs to no session; the frame names one attached here.
    const sessionId = question.sessionId ?? [...this.remote.keys()][0];
    if (link === null || link.isClosed() || sessionId === undefined) return false;
    link.post({
      type: 'approval',
      session_id: sessionId,
      approval_id: requestId,
      decision: answer,
    });
    // The holder's approval_settled frame dismisses it, for every client at once.
    return true;
  }

  /** A session the holder names in a frame, by name or id. */
  private sessionNamed(nameOrId: unknown): RemoteSession | undefined {
    if (typeof nameOrId !== 'string') return undefined;
    const byId = this.remote.get(nameOrId);
    if (byId !== undefined) return byId;
    for (const session of this.remote.values()) if (session.name === nameOrId) return session;
    return undefined;
  }

  // ---- the holder's frames -------------------------------------------------------------------

  private receive(frame: Frame): void {
    switch (frame.type) {
      case 'event':
        return this.event(frame);
      case 'approval_request': {
        const requestId = text(frame.approval_id);
        if (requestId === '' || this.questions.has(requestId)) return;
        const session = this.sessionNamed(frame.session_id);
        const request: ApprovalRequest = {
          requestId,
          kind: frame.kind === 'project' ? 'project' : 'tool',
          sessionId: session?.id ?? null,
          tool: text(frame.tool),
          summary: text(frame.summary),
          detail: text(frame.detail),
        };
        this.questions.set(requestId, request);
        this.bus.emit('approval.requested', request);
        return;
      }
      case 'approval_settled': {
        const requestId = text(frame.approval_id);
        const question = this.questions.get(requestId);
        if (question === undefined) return;
        this.questions.delete(requestId);
        const decision = text(frame.decision);
        this.bus.emit('approval.settled', {
          sessionId: question.sessionId,
          requestId,
          answer: (ANSWERS.has(decision)
            ? decision
            : 'cancelled') as OctoEvents['approval.settled']['answer'],
        });
        return;
      }
      default:
        // The base frames (user, assistant, tool_use, cost, status ...) say what the events say.
        return;
    }
  }

  private event(frame: Frame): void {
    const name = text(frame.name);
    const payload = frame.payload;
    // 'session.detached' is this terminal's own news about its holder, never the holder's to send.
    if (!EVENT_NAMES.has(name) || name === 'session.detached' || !isObject(payload)) return;
    const sessionId = payloadSession(name, payload);
    if (sessionId === null) return;
    const early = this.early.get(sessionId);
    if (early !== undefined && !this.remote.has(sessionId)) {
      early.push(frame);
      return;
    }
    const session = this.remote.get(sessionId);
    if (session === undefined) return;
    if (name === 'job.started') this.remoteJobs.add(text(payload.jobId));
    session.receive(name as OctoEventName, payload as unknown as OctoEvents[OctoEventName]);
  }

  /** The holder went away: each session it served here stops, and the screen is told why. */
  private lost(reason: string): void {
    if (this.leaving) return;
    for (const session of this.remote.values()) {
      const turnId = session.runningTurn();
      session.detach(reason);
      if (turnId !== null) {
        this.bus.emit('turn.failed', {
          sessionId: session.id,
          turnId,
          code: 'holder_gone',
          message: `${this.holder.label} went away during the turn: ${reason}`,
        });
      }
      this.bus.emit('session.detached', { sessionId: session.id, reason });
    }
    for (const question of this.questions.values()) {
      this.bus.emit('approval.settled', {
        sessionId: question.sessionId,
        requestId: question.requestId,
        answer: 'cancelled',
      });
    }
    this.questions.clear();
    if (this.remote.size === 0) return;
    this.bus.emit('store.warning', {
      warning: {
        kind: 'storeIssue',
        path: this.holder.label,
        message: `${getErrorMessage(reason)}: this terminal no longer follows ${[...this.remote.values()]
          .map((s) => s.name)
          .join(', ')}. Quit and resume to go on.`,
      },
    });
  }
}
