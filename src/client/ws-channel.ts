/** Frames over a WebSocket to `octo server`, authenticated with its token (docs/protocol.md). */
import WebSocket from 'ws';
import { getErrorMessage, OctoError } from '../core/errors.js';
import { isObject, type Frame, type FrameChannel } from './link.js';

/** A frame from the server larger than this closes the connection (a session's snapshot fits easily). */
const MAX_INCOMING_BYTES = 256 * 1024 * 1024;
/** How long a quitting terminal waits for the server to answer its close. */
const CLOSE_WAIT_MS = 1_000;

function parse(data: WebSocket.RawData): Frame | null {
  const chunks = Array.isArray(data) ? data : [Buffer.from(data as ArrayBuffer)];
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return isObject(value) ? value : null;
  } catch {
    // Not a frame: a server of this protocol never sends one; it is dropped like an unknown type.
    return null;
  }
}

/** Connects; resolves once the handshake is accepted, rejects with the server's refusal (401, 403). */
export function openWsChannel(url: string, token: string): Promise<FrameChannel> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, {
      headers: { Authorization: `Bearer ${token}` },
      maxPayload: MAX_INCOMING_BYTES,
      handshakeTimeout: 10_000,
    });
    const frameListeners = new Set<(frame: Frame) => void>();
    const closeListeners = new Set<(reason: string) => void>();
    let opened = false;
    let closedReason: string | null = null;
    const closed = (reason: string): void => {
      if (closedReason !== null) return;
      closedReason = reason;
      for (const listener of [...closeListeners]) listener(reason);
    };
    socket.on('unexpected-response', (_request, response) => {
      const status = response.statusCode ?? 0;
      reject(
        new OctoError(
          'holder_refused',
          status === 401
            ? `${url} refused the token (HTTP 401): is OCTO_SERVER_TOKEN the server's?`
            : `${url} refused the connection (HTTP ${status}).`,
        ),
      );
      socket.terminate();
    });
    socket.on('error', (error) => {
      if (!opened) reject(new OctoError('holder_gone', `${url}: ${getErrorMessage(error)}`));
      closed(getErrorMessage(error));
    });
    socket.on('close', (code, reason) => {
      const words = reason.toString('utf8');
      // 1006: no closing handshake at all (the server was killed, or the network dropped).
      closed(
        code === 1006
          ? 'the connection to the server broke off (1006: no close from the server)'
          : `the server closed the connection (${code}${words === '' ? '' : `: ${words}`})`,
      );
    });
    // The server's hello may come with the handshake, before anyone listens: kept until someone does.
    const early: Frame[] = [];
    socket.on('message', (data) => {
      const frame = parse(data);
      if (frame === null) return;
      if (frameListeners.size === 0) early.push(frame);
      for (const listener of [...frameListeners]) listener(frame);
    });
    socket.on('open', () => {
      opened = true;
      resolve({
        send: (frame) => {
          if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
        },
        onFrame: (listener) => {
          frameListeners.add(listener);
          if (early.length > 0) {
            const held = early.splice(0);
            queueMicrotask(() => held.forEach((frame) => listener(frame)));
          }
          return () => frameListeners.delete(listener);
        },
        onClose: (listener) => {
          closeListeners.add(listener);
          return () => closeListeners.delete(listener);
        },
        close: () => {
          if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
          // The server hears a clean close, not a reset, when this terminal quits; a server that does
          // not answer the close is cut off after a moment.
          return new Promise<void>((done) => {
            const timer = setTimeout(() => {
              socket.terminate();
              done();
            }, CLOSE_WAIT_MS);
            socket.once('close', () => {
              clearTimeout(timer);
              done();
            });
            socket.close(1000, 'octo attach closed');
          });
        },
      });
    });
  });
}
