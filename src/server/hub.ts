/**
 * The server side of the protocol, whatever the transport: frames in, workspace commands out; workspace
 * events in, frames out to every client attached to the session. It holds each session it serves open
 * for writing (the one writer, invariant 4 in docs/architecture.md) and lets it go once no client, turn, queue or job needs it.
 */
import { randomBytes } from 'node:crypto';
import type { ApprovalRequest, SessionHandle, Workspace } from '../core/api.js';
import { getErrorMessage, isOctoError, OctoError } from '../core/errors.js';
import { ApprovalClock } from './approval-clock.js';
import { describeResult } from './command-frames.js';
import { encodeFrame } from './encode.js';
import type { OutFrame } from './frames.js';
import { eventsSeed, forwardEvents } from './event-frames.js';
import { subscribeEvents } from './hub-events.js';
import type { LiveSession, QueuedMessage } from './live-session.js';
import type { Capability, Peer } from './peer.js';
import {
  CAPABILITIES,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  type ApprovalFrame,
  type ClientFrame,
  type CommandFrame,
  type Parsed,
  type SessionFrame,
  parseClientFrame,
} from './protocol.js';
import type { Received } from './receive.js';
import { SessionRegistry } from './session-registry.js';

export interface HubOptions {
  /** octo's version, for the hello frame. */
  version: string;
  /** An approval request nobody answers within this is denied. */
  approvalTimeoutMs: number;
  /** One line per connection, refusal, session held or let go, client dropped; never a token or a message. */
  log: (line: string) => void;
}

/** A frame the hub will not act on; `code` tells a client program why. */
export class Refusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'Refusal';
  }
}

function requestIdOf(frame: { request_id?: string }): { requestId?: string } {
  return frame.request_id === undefined ? {} : { requestId: frame.request_id };
}

function errorCode(error: unknown): string {
  if (error instanceof Refusal || isOctoError(error)) return error.code;
  return 'internal';
}

/** How often a queued message looks again whether its session is free (besides the events that say so). */
const IDLE_RECHECK_MS = 250;

export class Hub {
  /** Changes with every process: a since_seq from another one cannot be replayed. */
  readonly instance = randomBytes(6).toString('hex');
  readonly sessions: SessionRegistry;
  readonly approvals: ApprovalClock;
  private readonly peers = new Set<Peer>();
  private readonly chains = new WeakMap<Peer, Promise<void>>();
  private readonly unsubscribe: () => void;
  private closed = false;
  /** Running agents by job id: an agent's own session asks its questions through its parent's clients. */
  readonly agents = new Map<string, { parent: string; child: string }>();

  constructor(
    readonly ws: Workspace,
    private readonly options: HubOptions,
  ) {
    this.sessions = new SessionRegistry(ws, options.log);
    this.approvals = new ApprovalClock(ws, options.approvalTimeoutMs);
    const offFrames = subscribeEvents(ws, this);
    const offEvents = forwardEvents(ws, (id) => this.sessions.byId(id));
    this.unsubscribe = () => {
      offFrames();
      offEvents();
    };
  }

  // ---- clients -------------------------------------------------------------------------------

  connect(peer: Peer): void {
    this.peers.add(peer);
    peer.send(
      encodeFrame({
        type: 'hello',
        protocol: PROTOCOL_VERSION,
        server: 'octo',
        version: this.options.version,
        instance: this.instance,
        max_frame_bytes: MAX_FRAME_BYTES,
        caps: [...CAPABILITIES],
      }),
    );
    // Questions about the project (its MCP servers, its tool settings) belong to no session.
    for (const request of this.ws.approvals.pending()) {
      if (request.sessionId === null) peer.send(encodeFrame(this.approvalRequestFrame(request)));
    }
  }

  disconnect(peer: Peer): void {
    if (!this.peers.delete(peer)) return;
    for (const live of this.sessions.all()) if (live.detach(peer)) this.sessions.release(live);
  }

  /** Every connected client, for frames that belong to no session. */
  allPeers(): Peer[] {
    return [...this.peers];
  }

  /** An error about one frame; the connection stays up. */
  refuse(peer: Peer, message: string, requestId?: string, code?: string): void {
    peer.send(
      encodeFrame({
        type: 'error',
        message,
        ...(requestId === undefined ? {} : { request_id: requestId }),
        ...(code === undefined ? {} : { code }),
      }),
    );
  }

  /**
   * One frame from a client, as the transport received it. Frames of one client are handled in the
   * order they came (a message sent right after its session frame finds the session open); long work
   * (a command) runs on its own. A refusal waits its turn too, so a client reads its answers in the
   * order it sent the frames.
   */
  receive(peer: Peer, received: Received): void {
    const parsed: Parsed = received.ok
      ? parseClientFrame(received.text)
      : { ok: false, message: received.message, code: received.code };
    const previous = this.chains.get(peer) ?? Promise.resolve();
    const next = parsed.ok
      ? previous.then(() => this.handle(peer, parsed.frame))
      : previous.then(() => this.refuse(peer, parsed.message, parsed.requestId, parsed.code));
    this.chains.set(peer, next);
  }

  /** One valid frame: acknowledged at once, then done; a failure is an error frame, never a dropped client. */
  private async handle(peer: Peer, frame: ClientFrame): Promise<void> {
    const requestId = frame.request_id;
    // A session frame is acknowledged once attached: after any replay, so seqs arrive in order.
    const acked = frame.type !== 'session';
    if (acked) this.ack(peer, frame);
    try {
      await this.dispatch(peer, frame);
    } catch (error) {
      if (!acked) this.ack(peer, frame);
      this.refuse(peer, getErrorMessage(error), requestId, errorCode(error));
    }
  }

  /** `ack` for a valid frame, numbered when its session is served. */
  private ack(peer: Peer, frame: ClientFrame, served?: LiveSession): void {
    const sessionName = 'session_id' in frame ? frame.session_id : undefined;
    const ack: OutFrame = {
      type: 'ack',
      message_type: frame.type,
      status: 'received',
      ...(frame.request_id === undefined ? {} : { request_id: frame.request_id }),
      ...(sessionName === undefined ? {} : { session_id: sessionName }),
    };
    const live = served ?? (sessionName === undefined ? undefined : this.sessions.find(sessionName));
    if (live === undefined) peer.send(encodeFrame(ack));
    else live.reply(peer, ack);
  }

  private async dispatch(peer: Peer, frame: ClientFrame): Promise<void> {
    switch (frame.type) {
      case 'session':
        return this.attach(peer, frame);
      case 'message': {
        const live = await this.sessionFor(peer, frame.session_id);
        this.enqueue(live, { text: frame.content }, { peer, ...requestIdOf(frame) });
        return;
      }
      case 'command': {
        const live = await this.sessionFor(peer, frame.session_id);
        // A command may take a while (/summarize calls the model): later frames, a cancel, do not wait.
        this.command(peer, live, frame).catch((error: unknown) =>
          this.refuse(peer, getErrorMessage(error), frame.request_id, errorCode(error)),
        );
        return;
      }
      case 'cancel':
        return this.cancel(await this.sessionFor(peer, frame.session_id));
      case 'approval':
        return this.answer(peer, frame);
      case 'detach': {
        const live = this.sessions.find(frame.session_id);
        if (live?.detach(peer) === true) this.maybeRelease(live);
        return;
      }
      case 'list': {
        const sessions = await this.ws.sessions.list(
          frame.all === true ? {} : { projectId: this.ws.project.id },
        );
        peer.send(
          encodeFrame({
            type: 'list',
            sessions: sessions as unknown as Array<Record<string, unknown>>,
            ...(frame.request_id === undefined ? {} : { request_id: frame.request_id }),
          }),
        );
        return;
      }
    }
  }

  // ---- sessions ------------------------------------------------------------------------------

  /** A daemon's session: held from now until the hub closes, the only one its clients may use. */
  async hold(nameOrId: string): Promise<LiveSession> {
    const live = await this.sessions.open(nameOrId, false);
    this.sessions.pin(live);
    return live;
  }

  /** A local client that gets a session's frames without sending any (a daemon's stdout). */
  watch(peer: Peer, live: LiveSession, caps: ReadonlySet<Capability>): void {
    this.connect(peer);
    live.attach(peer, caps);
  }

  /** A session frame: the client is attached, told where the session stands, and given what it missed. */
  private async attach(peer: Peer, frame: SessionFrame): Promise<void> {
    const created = { value: false };
    const pinned = this.sessions.pinnedSession();
    const live =
      frame.session_id !== undefined
        ? await this.sessions.open(frame.session_id, true, created)
        : (pinned ?? (await this.createSession(created)));
    const caps = new Set(
      (frame.caps ?? []).filter((c): c is Capability => CAPABILITIES.includes(c as Capability)),
    );
    live.attach(peer, caps);
    const handle = requireHandle(live);
    const since = frame.since_seq;
    const foreign = frame.instance !== undefined && frame.instance !== this.instance;
    const replay = since === undefined || foreign ? null : live.pendingReplay(since);
    // A seq beyond this process's own came from another instance: nothing of it can be replayed.
    const complete = replay !== null && replay.complete && since !== undefined && since <= live.lastSeq();
    if (replay !== null) live.sendReplay(peer, replay);
    this.ack(peer, frame, live);
    live.reply(peer, {
      type: 'status',
      message: `${created.value ? 'Session created' : 'Session resumed'}: ${live.name}`,
      session_id: live.name,
      ...(frame.request_id === undefined ? {} : { request_id: frame.request_id }),
      data: {
        session: handle.summary(),
        created: created.value,
        instance: this.instance,
        last_seq: live.lastSeq(),
        busy: live.isBusy(),
        queued: live.queue.length,
        ...(since === undefined
          ? {}
          : { replay: { since_seq: since, frames: replay?.entries.length ?? 0, complete } }),
        // octo attach: the snapshot its event frames continue from.
        ...(caps.has('events') ? eventsSeed(this.ws, handle) : {}),
      },
    });
    for (const request of this.ws.approvals.pending()) {
      const owner = request.sessionId === null ? null : this.askedIn(request.sessionId);
      if (owner === live.id && !live.replayed(replay, request.requestId)) {
        live.reply(peer, { ...this.approvalRequestFrame(request), session_id: live.name });
      }
    }
  }

  private async createSession(created: { value: boolean }): Promise<LiveSession> {
    const live = await this.sessions.create();
    created.value = true;
    return live;
  }

  /** The session a message, command or cancel is for; attaches the client when it was not yet. */
  private async sessionFor(peer: Peer, nameOrId: string): Promise<LiveSession> {
    const live = this.sessions.find(nameOrId) ?? (await this.sessions.open(nameOrId, false));
    if (!live.has(peer)) live.attach(peer, new Set());
    return live;
  }

  /** Lets the session go when nothing needs it any more (see SessionRegistry.release). */
  maybeRelease(live: LiveSession): void {
    if (!this.closed) this.sessions.release(live);
  }

  // ---- turns ---------------------------------------------------------------------------------

  /**
   * A message starts a turn, or waits for the running one: then every client is told it waits. The
   * sender is told either way (`octo send` prints ok on it).
   */
  enqueue(live: LiveSession, message: QueuedMessage, from?: { peer: Peer; requestId?: string }): void {
    const waits = live.isBusy() || live.queue.length > 0;
    live.queue.push(message);
    const requestId = from?.requestId === undefined ? {} : { request_id: from.requestId };
    if (waits) {
      live.emit({
        type: 'status',
        session_id: live.name,
        message: `Queued: a turn is running; this message starts when it ends (${live.queue.length} waiting).`,
        data: { queued: live.queue.length, ...requestId },
      });
    } else if (from !== undefined) {
      live.reply(from.peer, {
        type: 'status',
        session_id: live.name,
        message: 'Message accepted; the turn starts.',
        data: { queued: 0, ...requestId },
      });
    }
    if (!live.draining) void this.drain(live);
  }

  private async drain(live: LiveSession): Promise<void> {
    live.draining = true;
    try {
      for (;;) {
        const handle = live.handle;
        if (handle === null || this.closed) break;
        // A schedule's turn or a compression may hold the session: wait for it, then look again.
        if (handle.isBusy()) {
          await live.waitIdle(IDLE_RECHECK_MS);
          continue;
        }
        const next = live.queue.shift();
        if (next === undefined) break;
        await handle.submit(next.text, next.model === undefined ? {} : { model: next.model });
      }
    } catch (error) {
      live.emit({ type: 'error', session_id: live.name, code: 'internal', message: getErrorMessage(error) });
    } finally {
      live.draining = false;
      this.maybeRelease(live);
    }
  }

  private cancel(live: LiveSession): void {
    const dropped = live.queue.splice(0).length;
    const running = live.handle?.isBusy() === true;
    live.handle?.interrupt();
    const parts = [running ? 'Cancelling the running turn' : 'No turn is running'];
    if (dropped > 0) parts.push(`${dropped} queued message${dropped === 1 ? '' : 's'} dropped`);
    live.emit({
      type: 'status',
      session_id: live.name,
      message: `${parts.join('; ')}.`,
      data: { cancelled: running, dropped },
    });
  }

  private async command(peer: Peer, live: LiveSession, frame: CommandFrame): Promise<void> {
    const handle = requireHandle(live);
    const name = frame.command.replace(/^\//, '');
    const line = [`/${name}`, ...(frame.args ?? [])].join(' ');
    const result = await handle.command(line);
    const described = describeResult(name, result);
    const base = {
      session_id: live.name,
      ...(frame.request_id === undefined ? {} : { request_id: frame.request_id }),
    };
    if (described.error) {
      live.reply(peer, { type: 'error', ...base, message: described.message, code: 'command_failed' });
      return;
    }
    live.reply(peer, { type: 'status', ...base, message: described.message, data: result });
    if (described.submit !== undefined) this.enqueue(live, described.submit, { peer, ...requestIdOf(frame) });
  }

  // ---- approvals -----------------------------------------------------------------------------

  /** The session whose clients answer a question asked in `sessionId` (itself, or an agent's parent). */
  askedIn(sessionId: string): string {
    for (const { parent, child } of this.agents.values()) if (child === sessionId) return parent;
    return sessionId;
  }

  approvalRequestFrame(request: ApprovalRequest): Extract<OutFrame, { type: 'approval_request' }> {
    return {
      type: 'approval_request',
      approval_id: request.requestId,
      kind: request.kind,
      tool: request.tool,
      summary: request.summary,
      detail: request.detail,
      timeout_ms: this.approvals.timeoutMs,
    };
  }

  private answer(peer: Peer, frame: ApprovalFrame): void {
    const request = this.ws.approvals.pending().find((r) => r.requestId === frame.approval_id);
    const live = this.sessions.find(frame.session_id);
    if (request === undefined) {
      throw new Refusal(
        'approval_unknown',
        `Approval ${frame.approval_id} is not waiting any more (answered, timed out or withdrawn).`,
      );
    }
    const owner = request.sessionId === null ? null : this.askedIn(request.sessionId);
    if (request.sessionId !== null && (live === undefined || live.id !== owner || !live.has(peer))) {
      throw new Refusal(
        'approval_foreign',
        `Approval ${frame.approval_id} belongs to a session this client is not attached to.`,
      );
    }
    // First answer wins: a second one finds the question gone.
    if (!this.ws.approvals.answer(frame.approval_id, frame.decision)) {
      throw new Refusal('approval_unknown', `Approval ${frame.approval_id} was answered already.`);
    }
  }

  // ---- shutdown ------------------------------------------------------------------------------

  /** Stops every turn (partial replies are saved as interrupted) and closes every session it holds. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.approvals.close();
    await this.sessions.closeAll();
    this.unsubscribe();
  }

  isClosed(): boolean {
    return this.closed;
  }

  /** Sessions served now and the bytes each holds for replay (the benchmark and tests look). */
  stats(): Array<{ name: string; clients: number; replayBytes: number }> {
    return this.sessions.all().map((live) => ({
      name: live.name,
      clients: live.clientCount(),
      replayBytes: live.replayBytes(),
    }));
  }
}

function requireHandle(live: LiveSession): SessionHandle {
  if (live.handle === null) throw new OctoError('internal', `Session ${live.name} is not open.`);
  return live.handle;
}
