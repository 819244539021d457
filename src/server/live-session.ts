/**
 * One session the hub serves: its clients, its numbered frames (with a replay buffer), the queue of
 * messages waiting for the running turn, and the mapping of the turn's events to frames.
 */
import type { SessionHandle } from '../core/api.js';
import type { OctoEvents } from '../core/events.js';
import type { FinishReason, ToolCall } from '../core/store/index.js';
import { encodeFrame } from './encode.js';
import {
  costFrame,
  newTally,
  recordFrames,
  tallyRecord,
  toolUseFrame,
  type OutFrame,
  type TurnTally,
} from './frames.js';
import type { Capability, Peer } from './peer.js';
import { ReplayBuffer, type Replay } from './replay.js';

export type { Replay } from './replay.js';

export interface QueuedMessage {
  text: string;
  /** A model for this turn only (`/run NAME` of a custom command). */
  model?: string;
}

type TurnEnd = 'finished' | 'interrupted' | 'failed';

export class LiveSession {
  handle: SessionHandle | null = null;
  /** Set while the handle is being closed: an attach waits for it, then opens the session again. */
  closing: Promise<void> | null = null;
  readonly queue: QueuedMessage[] = [];
  draining = false;
  private readonly peers = new Map<Peer, ReadonlySet<Capability>>();
  private readonly replay = new ReplayBuffer();
  private seq = 0;
  private turn: TurnTally | null = null;
  /** Records up to this seq have been turned into frames (or were there before the session was served). */
  private scanned = 0;
  private readonly toolOk = new Map<string, boolean>();
  private idleWaiters: Array<() => void> = [];
  private readonly approvalSeqs = new Map<string, number>();

  constructor(
    readonly id: string,
    public name: string,
  ) {}

  /** Serves this handle from now on; what it holds already is history, not frames. */
  use(handle: SessionHandle): void {
    this.handle = handle;
    this.name = handle.summary().name;
    this.scanned = handle.records().at(-1)?.seq ?? 0;
  }

  // ---- clients -------------------------------------------------------------------------------

  attach(peer: Peer, caps: ReadonlySet<Capability>): void {
    this.peers.set(peer, caps);
  }

  detach(peer: Peer): boolean {
    return this.peers.delete(peer);
  }

  has(peer: Peer): boolean {
    return this.peers.has(peer);
  }

  clientCount(): number {
    return this.peers.size;
  }

  lastSeq(): number {
    return this.seq;
  }

  /** The frames after `since` still held (sent with sendReplay, after the status that describes them). */
  pendingReplay(since: number): Replay {
    return this.replay.since(since);
  }

  sendReplay(peer: Peer, replay: Replay): void {
    const caps = this.peers.get(peer) ?? new Set();
    for (const entry of replay.entries) if (entry.cap === null || caps.has(entry.cap)) peer.send(entry.json);
  }

  /** True when the approval_request of `approvalId` is among the replayed frames. */
  replayed(replay: Replay | null, approvalId: string): boolean {
    const seq = this.approvalSeqs.get(approvalId);
    return replay !== null && seq !== undefined && replay.entries.some((entry) => entry.seq === seq);
  }

  /** An approval_request, remembered so a reconnecting client is not asked twice. */
  emitApproval(frame: OutFrame, approvalId: string): void {
    this.emit(frame);
    this.approvalSeqs.set(approvalId, this.seq);
  }

  forgetApproval(approvalId: string): void {
    this.approvalSeqs.delete(approvalId);
  }

  /** A frame for every attached client (those with `cap` only, when set), numbered and kept for replay. */
  emit(frame: OutFrame, cap: Capability | null = null): void {
    this.seq += 1;
    const json = encodeFrame({ ...frame, seq: this.seq });
    this.replay.push({ seq: this.seq, json, cap });
    for (const [peer, caps] of this.peers) if (cap === null || caps.has(cap)) peer.send(json);
  }

  /** A frame for one client (an ack, a command's result): numbered like the others, not replayed. */
  reply(peer: Peer, frame: OutFrame): void {
    this.seq += 1;
    peer.send(encodeFrame({ ...frame, seq: this.seq }));
  }

  // ---- turns ---------------------------------------------------------------------------------

  isBusy(): boolean {
    return this.draining || this.turn !== null || (this.handle?.isBusy() ?? false);
  }

  /** Resolves at the next end of a turn or compression, or after `maxMs` (then the caller looks again). */
  waitIdle(maxMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, maxMs);
      timer.unref();
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  wakeIdle(): void {
    for (const wake of this.idleWaiters.splice(0)) wake();
  }

  turnStarted(turnId: string): void {
    this.scan();
    this.turn = newTally(turnId);
  }

  delta(event: OctoEvents['turn.delta']): void {
    const type = event.kind === 'text' ? 'assistant_delta' : 'thinking_delta';
    this.emit({ type, session_id: this.name, delta: event.text }, 'delta');
  }

  toolCall(call: ToolCall): void {
    // The step's text and reasoning come first: they were stored before the call was announced.
    this.scan();
    this.emit(toolUseFrame(this.name, call));
  }

  toolResult(toolCallId: string, ok: boolean): void {
    this.toolOk.set(toolCallId, ok);
    this.scan();
  }

  finishReason(turnId: string, reason: FinishReason | null | undefined): void {
    if (this.turn === null || this.turn.turnId !== turnId) return;
    this.turn = { ...this.turn, finishReason: reason ?? null };
  }

  /** Ends the turn once (a failure with a partial reply also reports it interrupted): error, then cost. */
  turnEnded(turnId: string, status: TurnEnd, error?: { code: string; message: string }): boolean {
    if (this.turn === null || this.turn.turnId !== turnId) return false;
    this.scan();
    if (error !== undefined) {
      this.emit({ type: 'error', session_id: this.name, code: error.code, message: error.message });
    }
    const tally = this.turn;
    this.turn = null;
    this.toolOk.clear();
    if (this.handle !== null) this.emit(costFrame(this.name, this.handle.summary(), tally, status));
    this.wakeIdle();
    return true;
  }

  /** Turns records written since the last look into frames, in the order they were stored. */
  scan(): void {
    const handle = this.handle;
    if (handle === null) return;
    const records = handle.records();
    let first = records.length;
    while (first > 0 && (records[first - 1]?.seq ?? 0) > this.scanned) first -= 1;
    for (let i = first; i < records.length; i += 1) {
      const record = records[i];
      if (record === undefined) continue;
      this.scanned = record.seq;
      if (this.turn !== null) this.turn = tallyRecord(this.turn, record);
      for (const frame of recordFrames(record, this.name, (id) => this.toolOk.get(id))) this.emit(frame);
    }
  }

  /** Encoded bytes held for replay (the benchmark reports it). */
  replayBytes(): number {
    return this.replay.size();
  }

  /** Whether any attached client asked for `cap` (frames only they get are not numbered otherwise). */
  wants(cap: Capability): boolean {
    for (const caps of this.peers.values()) if (caps.has(cap)) return true;
    return false;
  }

  peersOf(): Peer[] {
    return [...this.peers.keys()];
  }
}

export const TURN_END_EVENTS = ['turn.finished', 'turn.interrupted', 'turn.failed'] as const;
