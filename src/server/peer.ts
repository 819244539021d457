/** A connected client as the hub sees it: something frames are sent to, whatever the transport. */

/** What a client asked for in its session frame, beyond the base frames. */
export type Capability = 'delta' | 'events';

export interface Peer {
  /** Unique within the process, for logs. */
  readonly id: number;
  /** Where it connects from, for logs ("ws 127.0.0.1:51234", "unix #3", "stdout"). */
  readonly label: string;
  /** Hands one encoded frame to the transport; a transport that cannot keep up drops the peer itself. */
  send(json: string): void;
  /** False once the connection is gone: nothing more is sent to it. */
  isOpen(): boolean;
}

let nextPeerId = 1;

/** Ids for peers of every transport, so log lines name each client once. */
export function newPeerId(): number {
  const id = nextPeerId;
  nextPeerId += 1;
  return id;
}
