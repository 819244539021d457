import type { Capability } from './peer.js';

/** Frames a session keeps for clients that reconnect with since_seq: a few minutes of a busy turn. */
const MAX_FRAMES = 20_000;
/** The same bound in bytes, so a session holds at most this much for replay. */
const MAX_BYTES = 4 * 1024 * 1024;

export interface ReplayEntry {
  seq: number;
  json: string;
  /** Sent only to clients with this capability (deltas, events); null: to every client. */
  cap: Capability | null;
}

export interface Replay {
  entries: ReplayEntry[];
  /** False when frames after the asked seq were already dropped from the buffer. */
  complete: boolean;
}

/** The latest frames of one session, bounded in count and bytes; the oldest go first. */
export class ReplayBuffer {
  private readonly entries: ReplayEntry[] = [];
  private head = 0;
  private bytes = 0;
  /** The highest seq dropped so far (0: none). */
  private dropped = 0;

  push(entry: ReplayEntry): void {
    this.entries.push(entry);
    this.bytes += entry.json.length;
    while (this.entries.length - this.head > MAX_FRAMES || this.bytes > MAX_BYTES) {
      const oldest = this.entries[this.head];
      if (oldest === undefined) break;
      this.bytes -= oldest.json.length;
      this.dropped = oldest.seq;
      this.head += 1;
    }
    // Compact the array now and then instead of shifting on every drop.
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
  }

  /** The frames after `seq`, oldest first. */
  since(seq: number): Replay {
    const entries: ReplayEntry[] = [];
    for (let i = this.entries.length - 1; i >= this.head; i -= 1) {
      const entry = this.entries[i];
      if (entry === undefined || entry.seq <= seq) break;
      entries.push(entry);
    }
    entries.reverse();
    return { entries, complete: seq >= this.dropped };
  }

  /** Bytes held, for the benchmark and the log. */
  size(): number {
    return this.bytes;
  }
}
