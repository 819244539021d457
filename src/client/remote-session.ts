/**
 * A session held by another process (a server or a daemon), driven through its frames: the same
 * SessionHandle the TUI drives for a session open here. What it shows is the holder's snapshot, kept up
 * to date by the holder's events; what it does is a frame (message, command, cancel).
 */
import type {
  CatchUp,
  CommandResult,
  ContextBreakdown,
  LockHolder,
  SessionHandle,
  SessionRecord,
  SessionSnapshot,
  SessionSummary,
  SubmitOptions,
  TurnOutcome,
} from '../core/api.js';
import { randomUUID } from 'node:crypto';
import { getErrorMessage, OctoError } from '../core/errors.js';
import type { BudgetFacts, BudgetLimit, EventBus, OctoEventName, OctoEvents } from '../core/events.js';
import { applyRecordsChange } from '../core/session/index.js';
import { isObject, text, type Frame, type Link } from './link.js';

/** The end of the turn a message started, as the holder's events tell it. */
interface TurnWaiter {
  /** Set once the turn of this message started (the holder accepted it, or it left the queue). */
  turnId: string | null;
  /** Turns that start before this one (those queued ahead of it). */
  ahead: number;
  reply: string;
  resolve: (outcome: TurnOutcome) => void;
}

const TURN_ENDS = new Set<OctoEventName>(['turn.finished', 'turn.failed', 'turn.interrupted']);

export class RemoteSession implements SessionHandle {
  private current: SessionSnapshot;
  /** The holder's version of the records: its events continue from it. */
  private holderVersion: number;
  private turnId: string | null = null;
  private compacting = false;
  private readonly waiters: TurnWaiter[] = [];
  /** Set while a new snapshot is asked for: record changes wait here and are applied after it. */
  private held: Array<OctoEvents['session.recordsChanged']> | null = null;
  private gone: string | null = null;

  constructor(
    snapshot: SessionSnapshot,
    readonly holder: LockHolder,
    private readonly link: Link,
    private readonly bus: EventBus,
    /** Asks the holder for a new snapshot (after a gap in its events). */
    private readonly resync: (session: RemoteSession) => Promise<SessionSnapshot>,
    /** The whole history from the store (the holder keeps only the end of a long session loaded). */
    private readonly readAll: (session: RemoteSession) => Promise<readonly SessionRecord[]>,
  ) {
    this.holderVersion = snapshot.version;
    this.current = { ...snapshot, readOnly: false, holder };
    this.compacting = false;
  }

  get id(): string {
    return this.current.sessionId;
  }

  /** Writable through the holder while it can be reached; read-only once it went away. */
  get readOnly(): boolean {
    return this.gone !== null;
  }

  /** The name the holder knows the session by (frames name sessions by name). */
  get name(): string {
    return this.current.summary.name;
  }

  summary(): SessionSummary {
    return this.current.summary;
  }

  records(): readonly SessionRecord[] {
    return this.current.records;
  }

  earlierRecords(): number {
    return this.current.earlierRecords;
  }

  /**
   * The records before the first the holder sent, read from the session file (the store is shared;
   * reading takes no lock). What the holder sent stays as it is; 'session.recordsChanged' (replaced)
   * follows.
   */
  async loadEarlier(): Promise<void> {
    if (this.current.earlierRecords === 0) return;
    const all = await this.readAll(this);
    const first = this.current.records[0]?.seq ?? Number.POSITIVE_INFINITY;
    const records = [...all.filter((record) => record.seq < first), ...this.current.records];
    const version = this.current.version + 1;
    this.current = { ...this.current, version, records, earlierRecords: 0 };
    this.bus.emit('session.recordsChanged', {
      sessionId: this.id,
      version,
      change: { kind: 'replaced', records },
    });
  }

  snapshot(): SessionSnapshot {
    return { ...this.current, readOnly: this.readOnly, busy: this.isBusy() };
  }

  staleFiles(): string[] {
    return [...this.current.staleFiles];
  }

  catchUp(): CatchUp | null {
    return this.current.catchUp;
  }

  /** The turn the holder is running in this session, if any. */
  runningTurn(): string | null {
    return this.turnId;
  }

  isBusy(): boolean {
    return this.turnId !== null || this.compacting || this.current.busy;
  }

  model(): string {
    return this.current.summary.model;
  }

  context(): ContextBreakdown {
    return this.current.context;
  }

  /** The holder applies the limits; their figures reach this terminal as budget events. */
  limits(): BudgetFacts[] {
    return [];
  }

  raiseLimit(limit: BudgetLimit, _max: number): void {
    throw new OctoError(
      'holder_refused',
      `The ${limit} limit of ${this.name} is applied by the process that holds it: raise it in its configuration.`,
    );
  }

  continueTurn(): Promise<TurnOutcome> {
    return Promise.reject(
      new OctoError('holder_refused', `${this.name} is held by another process: send a message to go on.`),
    );
  }

  /**
   * A message for the holder: it starts a turn, or waits behind the running one (the holder says so).
   * As for a session open here, a refusal is a failed outcome and a 'turn.failed' event, not a throw.
   */
  async submit(input: string, options: SubmitOptions = {}): Promise<TurnOutcome> {
    let refusal: OctoError | null = null;
    if (this.gone !== null) {
      refusal = new OctoError('holder_gone', `${this.name} is no longer reachable: ${this.gone}`);
    } else if ((options.attachments?.length ?? 0) > 0) {
      refusal = new OctoError(
        'attachment_invalid',
        'Attachments cannot be sent to a session another process holds: attach them in its own terminal.',
      );
    } else if (options.model !== undefined) {
      refusal = new OctoError('holder_refused', 'A model for one turn is chosen where the session is held.');
    }
    let answer: Frame | null = null;
    if (refusal === null) {
      try {
        answer = await this.link.request({ type: 'message', session_id: this.id, content: input });
      } catch (error) {
        refusal =
          error instanceof OctoError
            ? error
            : new OctoError('holder_gone', getErrorMessage(error), { cause: error });
      }
    }
    if (refusal !== null || answer === null) {
      const error = refusal ?? new OctoError('holder_gone', 'No answer.');
      const turnId = `refused-${randomUUID()}`;
      this.bus.emit('turn.failed', { sessionId: this.id, turnId, code: error.code, message: error.message });
      return { status: 'failed', turnId, reply: '', error };
    }
    const data = isObject(answer.data) ? answer.data : {};
    const queued = typeof data.queued === 'number' ? data.queued : 0;
    return new Promise((resolve) => {
      // Accepted: the next turn is this one. Queued n-th: the n-1 queued before it start first.
      this.waiters.push({ turnId: null, ahead: Math.max(0, queued - 1), reply: '', resolve });
    });
  }

  /** Stops the running turn (its partial reply is kept) and drops what waits behind it. */
  interrupt(): void {
    if (this.gone !== null) return;
    this.link.post({ type: 'cancel', session_id: this.id });
  }

  async command(line: string): Promise<CommandResult> {
    this.assertLive();
    const trimmed = line.trim().replace(/^\//, '');
    const space = trimmed.search(/\s/);
    const name = space === -1 ? trimmed : trimmed.slice(0, space);
    const rest = space === -1 ? '' : trimmed.slice(space + 1).trim();
    let answer: Frame;
    try {
      answer = await this.link.request({
        type: 'command',
        session_id: this.id,
        command: name,
        ...(rest === '' ? {} : { args: [rest] }),
      });
    } catch (error) {
      // The holder's words for a refused command (an unknown name, a command that failed) are a result.
      if (error instanceof OctoError && error.code === 'holder_refused') {
        return { type: 'message', level: 'error', text: error.message };
      }
      throw error;
    }
    return asLocalResult(answer);
  }

  /** Leaves the session to its holder (the holder keeps it open for its other clients). */
  close(): Promise<void> {
    this.detach('closed');
    return Promise.resolve();
  }

  // ---- the holder's side ----------------------------------------------------------------------

  /** One of the holder's events about this session: kept, then passed on to this terminal's listeners. */
  receive<K extends OctoEventName>(name: K, payload: OctoEvents[K]): void {
    if (name === 'session.recordsChanged')
      return this.recordsChanged(payload as OctoEvents['session.recordsChanged']);
    this.track(name, payload);
    this.bus.emit(name, payload);
  }

  /** A snapshot taken again (a gap in the events, a reconnect): the screen is told to read it. */
  replace(snapshot: SessionSnapshot): void {
    const version = this.current.version + 2;
    this.holderVersion = snapshot.version;
    this.current = { ...snapshot, version, readOnly: false, holder: this.holder };
    // A version past the next tells the screen it missed changes: it takes this snapshot.
    this.bus.emit('session.recordsChanged', {
      sessionId: this.id,
      version,
      change: { kind: 'replaced', records: snapshot.records },
    });
  }

  /** The holder went away or this terminal let go: waiting turns end, further calls fail with `reason`. */
  detach(reason: string): void {
    if (this.gone !== null) return;
    this.gone = reason;
    const turnId = this.turnId ?? 'detached';
    this.turnId = null;
    this.compacting = false;
    for (const waiter of this.waiters.splice(0)) {
      waiter.resolve({
        status: 'failed',
        turnId: waiter.turnId ?? turnId,
        reply: waiter.reply,
        error: new OctoError('holder_gone', reason),
      });
    }
  }

  private assertLive(): void {
    if (this.gone !== null) {
      throw new OctoError('holder_gone', `${this.name} is no longer reachable: ${this.gone}`);
    }
  }

  private recordsChanged(payload: OctoEvents['session.recordsChanged']): void {
    if (this.held !== null) {
      this.held.push(payload);
      return;
    }
    if (payload.version <= this.holderVersion) return;
    if (payload.version > this.holderVersion + 1) return this.resnapshot(payload);
    this.holderVersion = payload.version;
    const version = this.current.version + 1;
    this.current = {
      ...this.current,
      version,
      records: applyRecordsChange(this.current.records, payload.change),
    };
    this.bus.emit('session.recordsChanged', { ...payload, sessionId: this.id, version });
  }

  /** A change went missing (a dropped frame): the holder's snapshot again, then what came meanwhile. */
  private resnapshot(first: OctoEvents['session.recordsChanged']): void {
    const held = [first];
    this.held = held;
    this.resync(this)
      .then((snapshot) => {
        this.held = null;
        this.replace(snapshot);
        for (const payload of held) this.recordsChanged(payload);
      })
      .catch((error: unknown) => {
        this.held = null;
        this.detach(error instanceof Error ? error.message : String(error));
      });
  }

  /** What the snapshot and the waiting messages learn from one event. */
  private track<K extends OctoEventName>(name: K, payload: OctoEvents[K]): void {
    const event = { name, payload } as { name: OctoEventName; payload: unknown };
    switch (event.name) {
      case 'session.updated':
        this.current = { ...this.current, summary: (payload as OctoEvents['session.updated']).summary };
        return;
      case 'context.changed':
        this.current = { ...this.current, context: (payload as OctoEvents['context.changed']).breakdown };
        return;
      case 'session.filesStale':
        this.current = { ...this.current, staleFiles: (payload as OctoEvents['session.filesStale']).paths };
        return;
      case 'session.catchUp':
        this.current = { ...this.current, catchUp: (payload as OctoEvents['session.catchUp']).catchUp };
        return;
      case 'context.compacting':
        this.compacting = true;
        return;
      case 'context.compacted':
      case 'context.compactionFailed':
      case 'context.compactionInterrupted':
        this.compacting = false;
        this.current = { ...this.current, busy: false };
        return;
      case 'turn.started':
        return this.turnStarted((payload as OctoEvents['turn.started']).turnId);
      case 'turn.delta': {
        const delta = payload as OctoEvents['turn.delta'];
        const waiter = this.waiters.find((w) => w.turnId === delta.turnId);
        if (waiter !== undefined && delta.kind === 'text') waiter.reply += delta.text;
        return;
      }
      default:
        if (TURN_ENDS.has(name)) this.turnEnded(name, payload as OctoEvents['turn.finished' | 'turn.failed']);
    }
  }

  private turnStarted(turnId: string): void {
    this.turnId = turnId;
    this.current = { ...this.current, busy: false };
    // The first message still waiting for its turn gets this one, unless turns are queued ahead of it.
    const next = this.waiters.find((w) => w.turnId === null);
    if (next === undefined) return;
    if (next.ahead > 0) {
      next.ahead -= 1;
      return;
    }
    next.turnId = turnId;
  }

  private turnEnded(name: OctoEventName, payload: { turnId: string }): void {
    if (this.turnId === payload.turnId) this.turnId = null;
    // Attached while a turn ran: its end is the first this terminal hears of it.
    this.current = { ...this.current, busy: false };
    const index = this.waiters.findIndex((w) => w.turnId === payload.turnId);
    if (index === -1) return;
    const [waiter] = this.waiters.splice(index, 1);
    if (waiter === undefined) return;
    const failed = name === 'turn.failed' ? (payload as OctoEvents['turn.failed']) : null;
    waiter.resolve({
      status: name === 'turn.finished' ? 'finished' : name === 'turn.failed' ? 'failed' : 'interrupted',
      turnId: payload.turnId,
      reply: waiter.reply,
      ...(failed === null ? {} : { error: new OctoError('holder_refused', failed.message) }),
    });
  }
}

/**
 * A command's result as the holder sent it (a status frame's data). What the holder does itself is not
 * done twice here: it sends the prompt of /run and /done's follow-up to the model on its own.
 */
function asLocalResult(answer: Frame): CommandResult {
  const data = answer.data;
  if (!isObject(data) || typeof data.type !== 'string') {
    return { type: 'message', level: 'info', text: text(answer.message) };
  }
  const result = data as unknown as CommandResult;
  if (result.type === 'submit') {
    return { type: 'message', level: 'info', text: `Sending the ${result.command} prompt.` };
  }
  if (result.type === 'checkpoint' && result.followUp !== undefined) {
    const { followUp: _sent, ...rest } = result;
    return rest;
  }
  return result;
}
