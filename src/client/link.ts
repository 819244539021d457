/**
 * The client end of octo's protocol (docs/protocol.md) over any transport: a WebSocket to `octo server`,
 * or a daemon's unix socket. Requests carry a request_id and wait for their answer; every other frame
 * goes to the listener the remote workspace gives.
 */
import { OctoError } from '../core/errors.js';

/** A frame as it came off the wire: one JSON object, not yet trusted. */
export type Frame = Readonly<Record<string, unknown>>;

/** A connection that carries frames both ways (`ws` for a server, JSON lines for a daemon). */
export interface FrameChannel {
  send(frame: object): void;
  onFrame(listener: (frame: Frame) => void): () => void;
  onClose(listener: (reason: string) => void): () => void;
  /** Ends the connection; a transport with a closing handshake resolves once it is done. */
  close(): void | Promise<void>;
}

/** The protocol version this client speaks (the `hello` frame names the server's). */
export const CLIENT_PROTOCOL = 1;

/** How long the holder may take to say hello, and to answer one request, before the link counts as dead. */
export interface LinkTimeouts {
  helloMs: number;
  requestMs: number;
}

export const DEFAULT_TIMEOUTS: LinkTimeouts = { helloMs: 10_000, requestMs: 120_000 };

interface Waiter {
  resolve: (frame: Frame) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The request a frame answers: its own request_id, or the one in `data` (a message's status). */
function answerId(frame: Frame): string | null {
  if (typeof frame.request_id === 'string') return frame.request_id;
  const data = frame.data;
  return isObject(data) && typeof data.request_id === 'string' ? data.request_id : null;
}

export class Link {
  private counter = 0;
  private readonly waiting = new Map<string, Waiter>();
  private closedBecause: string | null = null;
  private readonly offs: Array<() => void>;

  private constructor(
    private readonly channel: FrameChannel,
    private readonly timeouts: LinkTimeouts,
    private readonly unsolicited: (frame: Frame) => void,
    private readonly closed: (reason: string) => void,
  ) {
    this.offs = [channel.onFrame((frame) => this.receive(frame)), channel.onClose((r) => this.lost(r))];
  }

  /**
   * Waits for the holder's `hello`; refuses a holder that speaks another protocol. `label` names the
   * holder in errors ("octo server at ws://127.0.0.1:8080/ws").
   */
  static open(
    channel: FrameChannel,
    label: string,
    handlers: { frame: (frame: Frame) => void; closed: (reason: string) => void },
    timeouts: LinkTimeouts = DEFAULT_TIMEOUTS,
  ): Promise<Link> {
    return new Promise((resolve, reject) => {
      let link: Link | null = null;
      const fail = (message: string): void => {
        clearTimeout(timer);
        offFrame();
        offClose();
        void channel.close();
        reject(new OctoError('holder_gone', `${label}: ${message}`));
      };
      const timer = setTimeout(() => fail(`no answer in ${timeouts.helloMs / 1000} s`), timeouts.helloMs);
      const offClose = channel.onClose((reason) => fail(reason));
      const offFrame = channel.onFrame((frame) => {
        if (link !== null) return;
        if (frame.type === 'error') return fail(text(frame.message) || 'refused');
        if (frame.type !== 'hello') return;
        if (frame.protocol !== CLIENT_PROTOCOL || frame.server !== 'octo') {
          return fail(
            `speaks protocol ${JSON.stringify(frame.protocol)}, this octo speaks ${CLIENT_PROTOCOL}`,
          );
        }
        clearTimeout(timer);
        offFrame();
        offClose();
        link = new Link(channel, timeouts, handlers.frame, handlers.closed);
        resolve(link);
      });
    });
  }

  isClosed(): boolean {
    return this.closedBecause !== null;
  }

  /** Sends a frame that needs no answer (a cancel, an approval: their outcome arrives as events). */
  post(frame: Record<string, unknown>): void {
    if (this.closedBecause !== null) throw new OctoError('holder_gone', this.closedBecause);
    this.channel.send(frame);
  }

  /**
   * Sends a frame and resolves with the first frame that answers it (not its ack); an `error` frame
   * rejects with the holder's words.
   */
  request(frame: Record<string, unknown>): Promise<Frame> {
    if (this.closedBecause !== null) return Promise.reject(new OctoError('holder_gone', this.closedBecause));
    this.counter += 1;
    const requestId = `attach-${this.counter}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(requestId);
        reject(
          new OctoError(
            'holder_gone',
            `No answer to ${text(frame.type)} in ${this.timeouts.requestMs / 1000} s.`,
          ),
        );
      }, this.timeouts.requestMs);
      timer.unref();
      this.waiting.set(requestId, { resolve, reject, timer });
      this.channel.send({ ...frame, request_id: requestId });
    });
  }

  close(): Promise<void> {
    this.lost('closed by this terminal');
    return Promise.resolve(this.channel.close());
  }

  private receive(frame: Frame): void {
    const id = answerId(frame);
    const waiter = id === null || frame.type === 'ack' ? undefined : this.waiting.get(id);
    if (waiter === undefined) {
      this.unsolicited(frame);
      return;
    }
    this.waiting.delete(id as string);
    clearTimeout(waiter.timer);
    if (frame.type === 'error') {
      waiter.reject(
        new OctoError('holder_refused', text(frame.message) || 'The holder refused the request.'),
      );
    } else {
      waiter.resolve(frame);
    }
  }

  private lost(reason: string): void {
    if (this.closedBecause !== null) return;
    this.closedBecause = reason;
    for (const off of this.offs) off();
    for (const waiter of this.waiting.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(new OctoError('holder_gone', reason));
    }
    this.waiting.clear();
    this.closed(reason);
  }
}
